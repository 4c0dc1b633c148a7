/* statloop PATH N: N newfstatat(AT_FDCWD, PATH) calls, made directly so the
 * syscall is newfstatat whatever the libc. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	long n = atol(argv[2]), failed = 0;
	struct stat st;
	for (long i = 0; i < n; i++)
		if (syscall(SYS_newfstatat, AT_FDCWD, argv[1], &st, 0) != 0)
			failed++;
	if (failed) {
		fprintf(stderr, "statloop: %s: %ld of %ld failed\n", argv[1], failed, n);
		return 1;
	}
	return 0;
}
