/* runc's jail, step by step (libcontainer/rootfs_linux.go pivotRoot): in DIR, which must
   be a mount point of a mount namespace of the caller's own,
       pivot_root(".", "."); umount2(".", MNT_DETACH); chdir("/")
   printing each result, then closes every fd from 3 (as runc's UnsafeCloseFrom does
   before it execs the container's program) and execs CMD.
   Usage: pivot DIR CMD [ARG...] */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *what, long rc)
{
	printf("%s: %s\n", what, rc == 0 ? "ok" : strerror(errno));
}

int main(int argc, char **argv)
{
	char cwd[4096];
	if (argc < 3) {
		fprintf(stderr, "usage: pivot DIR CMD [ARG...]\n");
		return 2;
	}
	if (chdir(argv[1]) < 0) {
		perror(argv[1]);
		return 1;
	}
	report("pivot_root", syscall(SYS_pivot_root, ".", "."));
	report("umount old root", umount2(".", MNT_DETACH));
	report("chdir /", chdir("/"));
	printf("cwd: %s\n", getcwd(cwd, sizeof cwd) ? cwd : strerror(errno));
	fflush(stdout);
	DIR *fds = opendir("/proc/self/fd");
	struct dirent *e;
	while (fds && (e = readdir(fds)))
		if (atoi(e->d_name) >= 3 && atoi(e->d_name) != dirfd(fds))
			close(atoi(e->d_name));
	execv(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
