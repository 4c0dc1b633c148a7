/* rodata: a path constant in .rodata is used by open, stat, access, fstatat, statx and open
   again; every call must be redirected, and the bytes of the constant must be unchanged
   afterwards (a tracer that rewrites the path in place corrupts .rodata, because ptrace
   writes ignore page protection).

   Build: cc -static -O2. Usage: rodata [EXPECTED]   (EXPECTED defaults to "10")
   Prints "path=<bytes of the constant>", "value=<value read>", and "ok" on success.
   Exit 0 on success, 1 on failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read_value.h"

static const char path[] = "/proc/sys/kernel/panic";
static const char dir[] = "/proc/sys/kernel";
static const char name[] = "panic";

static int failures;

#define CHECK(cond, ...)                                              \
	do {                                                              \
		if (!(cond)) {                                                \
			fprintf(stderr, "rodata: " __VA_ARGS__);                  \
			fputc('\n', stderr);                                      \
			failures++;                                               \
		}                                                             \
	} while (0)

/* Copy through volatile so the compiler cannot fold the later comparison. */
static void snapshot(const char *src, char *dst, size_t n)
{
	const volatile char *s = src;
	for (size_t i = 0; i < n; i++)
		dst[i] = s[i];
}

/* The value without its trailing newline; 0 or -errno. */
static int read_line_value(const char *p, char *buf, size_t len)
{
	ssize_t n = read_value(p, buf, len);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return n < 0 ? (int)n : 0;
}

int main(int argc, char **argv)
{
	const char *expected = argc > 1 ? argv[1] : "10";
	char before[sizeof path], after[sizeof path];
	char dbefore[sizeof dir], dafter[sizeof dir];
	char nbefore[sizeof name], nafter[sizeof name];
	char buf[256];
	struct stat st;

	snapshot(path, before, sizeof path);
	snapshot(dir, dbefore, sizeof dir);
	snapshot(name, nbefore, sizeof name);

	for (int round = 0; round < 3; round++) {
		int r = read_line_value(path, buf, sizeof buf);
		CHECK(r == 0, "round %d: open(%s): %s", round, path, strerror(-r));
		if (r == 0)
			CHECK(strcmp(buf, expected) == 0, "round %d: read \"%s\", want \"%s\"", round, buf, expected);
		CHECK(stat(path, &st) == 0, "round %d: stat: %s", round, strerror(errno));
		if (round == 0 && stat(path, &st) == 0)
			CHECK(S_ISREG(st.st_mode), "stat: not a regular file (mode %o)", (unsigned)st.st_mode);
		CHECK(lstat(path, &st) == 0, "round %d: lstat: %s", round, strerror(errno));
		CHECK(access(path, R_OK) == 0, "round %d: access: %s", round, strerror(errno));
		CHECK(faccessat(AT_FDCWD, path, R_OK, 0) == 0, "round %d: faccessat: %s", round, strerror(errno));
		CHECK(fstatat(AT_FDCWD, path, &st, 0) == 0, "round %d: fstatat: %s", round, strerror(errno));
		struct statx stx;
		CHECK(statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx) == 0, "round %d: statx: %s", round,
		      strerror(errno));
		/* Relative to a dirfd opened on another .rodata constant. */
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		CHECK(dfd >= 0, "round %d: open(%s): %s", round, dir, strerror(errno));
		if (dfd >= 0) {
			int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
			CHECK(fd >= 0, "round %d: openat(dirfd, %s): %s", round, name, strerror(errno));
			if (fd >= 0) {
				ssize_t n = read(fd, buf, sizeof buf - 1);
				if (n > 0 && buf[n - 1] == '\n')
					n--;
				buf[n > 0 ? n : 0] = 0;
				CHECK(strcmp(buf, expected) == 0, "round %d: openat read \"%s\", want \"%s\"", round, buf,
				      expected);
				close(fd);
			}
			close(dfd);
		}
	}

	snapshot(path, after, sizeof path);
	snapshot(dir, dafter, sizeof dir);
	snapshot(name, nafter, sizeof name);
	CHECK(memcmp(before, after, sizeof path) == 0, "path constant changed: \"%.*s\"", (int)sizeof path, after);
	CHECK(memcmp(dbefore, dafter, sizeof dir) == 0, "dir constant changed: \"%.*s\"", (int)sizeof dir, dafter);
	CHECK(memcmp(nbefore, nafter, sizeof name) == 0, "name constant changed: \"%.*s\"", (int)sizeof name, nafter);
	/* And against the literal bytes, compared one by one at run time. */
	static const char lit[] = { '/', 'p', 'r', 'o', 'c', '/', 's', 'y', 's', '/', 'k', 'e',
	                            'r', 'n', 'e', 'l', '/', 'p', 'a', 'n', 'i', 'c', 0 };
	CHECK(sizeof lit == sizeof path && memcmp(lit, after, sizeof lit) == 0, "path constant differs from literal");

	printf("path=%.*s\n", (int)sizeof path - 1, after);
	int r = read_line_value(path, buf, sizeof buf);
	printf("value=%s\n", r == 0 ? buf : strerror(-r));
	if (failures) {
		printf("FAILED (%d)\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
