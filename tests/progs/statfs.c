/* statfs(2) and fstatfs(2) of each path given: the filesystem type, or the error; then
   whether fstat of an open fd says what stat of the path says, through the fstat
   syscall (as Go calls it) and through glibc's fstat (newfstatat with AT_EMPTY_PATH). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_mode == b->st_mode &&
	       a->st_nlink == b->st_nlink && a->st_uid == b->st_uid && a->st_gid == b->st_gid &&
	       a->st_size == b->st_size;
}

static const char *fstat_verdict(const char *path, int fd)
{
	struct stat by_path, by_syscall, by_glibc;
	if (fd < 0 || stat(path, &by_path) < 0 || syscall(SYS_fstat, fd, &by_syscall) < 0 || fstat(fd, &by_glibc) < 0)
		return strerror(errno);
	if (!same_file(&by_path, &by_syscall))
		return "fstat syscall differs";
	return same_file(&by_path, &by_glibc) ? "same" : "glibc fstat differs";
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct statfs s;
		printf("%s: statfs ", argv[i]);
		if (statfs(argv[i], &s) == 0)
			printf("%#lx", (unsigned long)s.f_type);
		else
			printf("%s", strerror(errno));
		int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
		printf(", fstatfs ");
		if (fd >= 0 && fstatfs(fd, &s) == 0)
			printf("%#lx", (unsigned long)s.f_type);
		else
			printf("%s", strerror(errno));
		printf(", fstat as stat: %s\n", fstat_verdict(argv[i], fd));
		if (fd >= 0)
			close(fd);
	}
	return 0;
}
