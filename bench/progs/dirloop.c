/* dirloop DIR N: N rounds of mkdir(DIR), rmdir(DIR), mkdirat(AT_FDCWD, DIR),
 * unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR): four calls per round, all traced since the
 * cgroup tree (none was before). DIR is a plain directory that no rule names.
 * Exits 1 (after timing all N rounds) if any call failed, saying why once. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	const char *dir = argv[1];
	long n = atol(argv[2]), failed = 0;
	int err = 0;
	for (long i = 0; i < n; i++) {
		/* made directly, so the syscalls are these four whatever the libc */
		long r[4];
		r[0] = syscall(SYS_mkdir, dir, 0755);
		r[1] = syscall(SYS_rmdir, dir);
		r[2] = syscall(SYS_mkdirat, AT_FDCWD, dir, 0755);
		r[3] = syscall(SYS_unlinkat, AT_FDCWD, dir, AT_REMOVEDIR);
		for (int k = 0; k < 4; k++)
			if (r[k] != 0) {
				failed++;
				err = errno;
			}
	}
	if (failed) {
		fprintf(stderr, "dirloop: %s: %ld of %ld calls failed: %s\n", dir, failed, 4 * n, strerror(err));
		return 1;
	}
	return 0;
}
