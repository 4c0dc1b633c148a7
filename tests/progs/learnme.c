/* learnme OP PATH [VALUE] ...: uses kernel files as a program would and fails if any
   use fails, for the `learn` group: `fakesys learn` must record every failure, and
   the profile it writes must let a second run pass. Operations:
     read PATH         open O_RDONLY and read (a sysctl or a /sys file)
     write PATH VALUE  open O_WRONLY and write VALUE (open and write must succeed)
     list DIR          open with O_DIRECTORY and read its entries (getdents64)
     statfs PATH       statfs(2)
     stat PATH         stat(2)
     access PATH       access(PATH, R_OK)
   Prints "ok OP PATH" or "FAIL OP PATH: error" for each; exits 1 if any failed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

static int failures;

static void report(const char *op, const char *path, const char *what, int err)
{
	if (what) {
		printf("FAIL %s %s: %s: %s\n", op, path, what, strerror(err));
		failures++;
	} else {
		printf("ok %s %s\n", op, path);
	}
}

static void do_read(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return report("read", path, "open", errno);
	ssize_t n = read(fd, buf, sizeof buf);
	int err = errno;
	close(fd);
	report("read", path, n < 0 ? "read" : NULL, err);
}

static void do_write(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return report("write", path, "open", errno);
	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);
	int err = errno;
	close(fd);
	if (n >= 0 && (size_t)n != len)
		n = -1, err = EIO;
	report("write", path, n < 0 ? "write" : NULL, err);
}

static void do_list(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return report("list", path, "open", errno);
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return report("list", path, "fdopendir", errno);
	}
	errno = 0;
	while (readdir(d))
		;
	int err = errno;
	closedir(d);
	report("list", path, err ? "readdir" : NULL, err);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *op = argv[i], *path = i + 1 < argc ? argv[++i] : NULL;
		struct stat st;
		struct statfs sf;
		int rc;
		if (!path) {
			fprintf(stderr, "learnme: %s needs a path\n", op);
			return 2;
		}
		if (!strcmp(op, "read"))
			do_read(path);
		else if (!strcmp(op, "write") && i + 1 < argc)
			do_write(path, argv[++i]);
		else if (!strcmp(op, "list"))
			do_list(path);
		else if (!strcmp(op, "statfs") && (rc = statfs(path, &sf)) <= 0)
			report(op, path, rc < 0 ? op : NULL, errno);
		else if (!strcmp(op, "stat") && (rc = stat(path, &st)) <= 0)
			report(op, path, rc < 0 ? op : NULL, errno);
		else if (!strcmp(op, "access") && (rc = access(path, R_OK)) <= 0)
			report(op, path, rc < 0 ? op : NULL, errno);
		else {
			fprintf(stderr, "learnme: bad operation %s\n", op);
			return 2;
		}
	}
	return failures ? 1 : 0;
}
