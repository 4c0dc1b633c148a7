/* statfs(2) and fstatfs(2) of each path given: the filesystem type, or the error. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

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
			printf("%#lx\n", (unsigned long)s.f_type);
		else
			printf("%s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return 0;
}
