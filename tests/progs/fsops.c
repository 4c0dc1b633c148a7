/* fsops: one raw path syscall per invocation, so tests can check each syscall fakesys
   rewrites. Uses syscall(2) directly so the exact syscall is the one named.

   Usage: fsops OP ARGS...
     cat PATH                   open (SYS_open), read, print the content as is
     openat DIR NAME            open DIR (O_DIRECTORY), openat(dirfd, NAME), print content
     openat2 PATH               SYS_openat2 with RESOLVE_NO_MAGICLINKS... (resolve=0), print content
     creat PATH VALUE           SYS_creat, write VALUE, close
     write PATH VALUE [notrunc] open O_WRONLY|O_TRUNC (or without O_TRUNC), write VALUE
     stat PATH / lstat PATH     SYS_stat / SYS_lstat; print "reg" / "dir" / "other"
     fstatat PATH               SYS_newfstatat(AT_FDCWD, PATH, 0)
     statx PATH                 SYS_statx(AT_FDCWD, PATH, 0, STATX_BASIC_STATS)
     emptypath PATH             fd = open(PATH); newfstatat(fd, "", AT_EMPTY_PATH) and
                                statx(fd, "", AT_EMPTY_PATH), fstat(fd); print kind and content
     access PATH r|w            SYS_access
     faccessat PATH r|w         SYS_faccessat
     faccessat2 PATH r|w        SYS_faccessat2 (flags AT_EACCESS)
     readlink PATH              SYS_readlink; print target or errno name
     readlinkat PATH            SYS_readlinkat(AT_FDCWD, ...)
     truncate PATH LEN          SYS_truncate
     chdir DIR NAME             SYS_chdir(DIR), then open(NAME) relative, print content
     ls DIR                     opendir/readdir (glibc), print names sorted, one per line
     efault X                   SYS_open with an invalid path pointer (expects ERR EFAULT)
     cwd DIR                    chdir(DIR), print getcwd()
   Output: the result on stdout; on error "ERR <errno name>" on stdout and exit 1. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case ENOSYS: return "ENOSYS";
	case EIO: return "EIO";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EROFS: return "EROFS";
	case EEXIST: return "EEXIST";
	case EFAULT: return "EFAULT";
	case EBADF: return "EBADF";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	default: return strerrorname_np(e) ? strerrorname_np(e) : "E?";
	}
}

static int fail(void)
{
	printf("ERR %s\n", ename(errno));
	return 1;
}

static int dump(int fd)
{
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	if (n < 0)
		return fail();
	close(fd);
	return 0;
}

static const char *kind(mode_t m)
{
	return S_ISREG(m) ? "reg" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "lnk" : "other";
}

static int amode(const char *s)
{
	return strcmp(s, "w") == 0 ? W_OK : strcmp(s, "x") == 0 ? X_OK : strcmp(s, "f") == 0 ? F_OK : R_OK;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int write_all(int fd, const char *v)
{
	size_t len = strlen(v);
	ssize_t n = write(fd, v, len);
	if (n != (ssize_t)len)
		return fail();
	if (close(fd) != 0)
		return fail();
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: fsops OP PATH [ARG]\n");
		return 2;
	}
	const char *op = argv[1], *p = argv[2], *a = argc > 3 ? argv[3] : NULL;
	struct stat st;
	long r;

	if (!strcmp(op, "cat")) {
		r = syscall(SYS_open, p, O_RDONLY | O_CLOEXEC);
		return r < 0 ? fail() : dump((int)r);
	}
	if (!strcmp(op, "openat") && a) {
		int dfd = (int)syscall(SYS_open, p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return fail();
		r = syscall(SYS_openat, dfd, a, O_RDONLY | O_CLOEXEC);
		return r < 0 ? fail() : dump((int)r);
	}
	if (!strcmp(op, "openat2")) {
		struct open_how how = { .flags = O_RDONLY | O_CLOEXEC };
		r = syscall(SYS_openat2, AT_FDCWD, p, &how, sizeof how);
		return r < 0 ? fail() : dump((int)r);
	}
	if (!strcmp(op, "creat") && a) {
		r = syscall(SYS_creat, p, 0640);
		return r < 0 ? fail() : write_all((int)r, a);
	}
	if (!strcmp(op, "write") && a) {
		int trunc = !(argc > 4 && !strcmp(argv[4], "notrunc"));
		r = syscall(SYS_openat, AT_FDCWD, p, O_WRONLY | O_CLOEXEC | (trunc ? O_TRUNC : 0));
		return r < 0 ? fail() : write_all((int)r, a);
	}
	if (!strcmp(op, "stat") || !strcmp(op, "lstat") || !strcmp(op, "fstatat")) {
		if (!strcmp(op, "stat"))
			r = syscall(SYS_stat, p, &st);
		else if (!strcmp(op, "lstat"))
			r = syscall(SYS_lstat, p, &st);
		else
			r = syscall(SYS_newfstatat, AT_FDCWD, p, &st, 0);
		if (r < 0)
			return fail();
		printf("%s\n", kind(st.st_mode));
		return 0;
	}
	if (!strcmp(op, "statx")) {
		struct statx stx;
		r = syscall(SYS_statx, AT_FDCWD, p, 0, STATX_BASIC_STATS, &stx);
		if (r < 0)
			return fail();
		printf("%s\n", kind(stx.stx_mode));
		return 0;
	}
	if (!strcmp(op, "emptypath")) {
		int fd = (int)syscall(SYS_open, p, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fail();
		if (syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH) < 0)
			return fail();
		const char *k1 = kind(st.st_mode);
		struct statx stx;
		if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) < 0)
			return fail();
		if (fstat(fd, &st) < 0)
			return fail();
		printf("%s %s %s\n", k1, kind(stx.stx_mode), kind(st.st_mode));
		return dump(fd);
	}
	if (!strcmp(op, "access") || !strcmp(op, "faccessat") || !strcmp(op, "faccessat2")) {
		int m = amode(a ? a : "r");
		if (!strcmp(op, "access"))
			r = syscall(SYS_access, p, m);
		else if (!strcmp(op, "faccessat"))
			r = syscall(SYS_faccessat, AT_FDCWD, p, m);
		else
			r = syscall(SYS_faccessat2, AT_FDCWD, p, m, AT_EACCESS);
		if (r < 0)
			return fail();
		printf("ok\n");
		return 0;
	}
	if (!strcmp(op, "readlink") || !strcmp(op, "readlinkat")) {
		char buf[4096];
		if (!strcmp(op, "readlink"))
			r = syscall(SYS_readlink, p, buf, sizeof buf - 1);
		else
			r = syscall(SYS_readlinkat, AT_FDCWD, p, buf, sizeof buf - 1);
		if (r < 0)
			return fail();
		buf[r] = 0;
		printf("%s\n", buf);
		return 0;
	}
	if (!strcmp(op, "truncate") && a) {
		if (syscall(SYS_truncate, p, atol(a)) < 0)
			return fail();
		printf("ok\n");
		return 0;
	}
	if (!strcmp(op, "chdir") && a) {
		if (syscall(SYS_chdir, p) < 0)
			return fail();
		r = syscall(SYS_open, a, O_RDONLY | O_CLOEXEC);
		return r < 0 ? fail() : dump((int)r);
	}
	if (!strcmp(op, "efault")) {
		r = syscall(SYS_open, (const char *)8, O_RDONLY | O_CLOEXEC);
		return r < 0 ? fail() : dump((int)r);
	}
	if (!strcmp(op, "cwd")) {
		char buf[4096];
		if (syscall(SYS_chdir, p) < 0 || !getcwd(buf, sizeof buf))
			return fail();
		printf("%s\n", buf);
		return 0;
	}
	if (!strcmp(op, "ls")) {
		DIR *d = opendir(p);
		if (!d)
			return fail();
		char *names[4096];
		size_t n = 0;
		struct dirent *e;
		while ((e = readdir(d)) && n < 4096)
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				names[n++] = strdup(e->d_name);
		closedir(d);
		qsort(names, n, sizeof *names, cmp);
		for (size_t i = 0; i < n; i++)
			printf("%s\n", names[i]);
		return 0;
	}
	fprintf(stderr, "fsops: unknown op %s\n", op);
	return 2;
}
