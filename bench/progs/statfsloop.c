/* statfsloop PATH N: N rounds of statfs(PATH) and fstatfs(fd of PATH): two calls per
 * round, both traced since the cgroup tree (neither was before). PATH is a plain file
 * or directory that no rule names (df and findmnt make these calls on every mount).
 * Exits 1 (after timing all N rounds) if any call failed, saying why once. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	long n = atol(argv[2]), failed = 0;
	int err = 0;
	int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "statfsloop: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	struct statfs sf;
	for (long i = 0; i < n; i++) {
		if (syscall(SYS_statfs, argv[1], &sf) != 0) {
			failed++;
			err = errno;
		}
		if (syscall(SYS_fstatfs, fd, &sf) != 0) {
			failed++;
			err = errno;
		}
	}
	close(fd);
	if (failed) {
		fprintf(stderr, "statfsloop: %s: %ld of %ld calls failed: %s\n", argv[1], failed, 2 * n, strerror(err));
		return 1;
	}
	return 0;
}
