/* hostile: attacks fakesys from inside the traced program, through the path arguments
   fakesys reads, and checks that every call still gets the kernel's answer (or the fake's
   value) and that fakesys keeps serving afterwards. Run under the default profile:

       fakesys -- hostile [RACE_OPENS]        (default 100000)
       hostile --native [RACE_OPENS]          (without fakesys: checks the expectations
                                               themselves; the fake's "10\n" is not required)
       hostile --burst [--native]             (group g's child, started by hostile itself)

   Environment, for the documented limits (README): HOSTILE_GVISOR=1 skips the PROT_NONE
   checks (gVisor has no process_vm_readv, so fakesys cannot tell such a page is
   unreadable); HOSTILE_REAL_VALUE is the real file's content, which a racing open may
   legitimately reach (group d).

   Every path syscall fakesys intercepts is made with raw syscall(2), with:
     a  a path that is not NUL-terminated before the end of its mapping (the next page is
        PROT_NONE or unmapped): a full page of 'a', a short tail of 'a', and
        "/proc/sys/kernel/panic" right before the boundary; and a fake's path in a page the
        program cannot read (PROT_NONE): the kernel's ENAMETOOLONG or EFAULT, never success
     b  unmapped pointers (NULL, 0x1, -1, a munmap'd page, kernel and non-canonical
        addresses): EFAULT
     c  huge paths (8 KiB and exactly PATH_MAX bytes): ENAMETOOLONG; a path of PATH_MAX-1
        bytes that names the fake: its value
     d  a thread that flips a path buffer between "/proc/sys/kernel/panic" and a missing
        path under /tmp while other threads open it RACE_OPENS times in all: each open
        gives the fake's "10\n" or ENOENT, nothing else
     e  bad dirfds (-5, 9999, a closed fd, a pipe, a regular file, the fake itself, a real
        file beside the fake) with relative paths, "../panic" included: EBADF / ENOTDIR;
        an absolute path with dirfd -5, and /proc/sys/kernel's fd with "panic": the fake
     f  AT_EMPTY_PATH with "" on a fake's fd: fstatat and statx describe the open file
     g  a new process (exec'd) whose 32 threads all start with an open of the fake at once
   and after each group the fake must still read "10\n".
   Prints "ok - NAME" / "not ok - NAME: details" per check; exit 0 only if all held.

   Build: cc -static -O2 -pthread. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

#define FAKE "/proc/sys/kernel/panic" /* 10 in the default profile */
#define FAKE_VALUE "10\n"
#define RACERS 4

static bool native;
/* Documented limits (README): in gVisor, which has no process_vm_readv, a path in a
   PROT_NONE page is still read; a thread racing fakesys can make the kernel re-read its
   own buffer and reach the real file behind a fake, as it could by naming it. The
   harness says where it runs and what the real file holds. */
static bool in_gvisor;
static const char *real_value;
static long page;
static int nchecks, nfailed;

static void check(bool ok, const char *name, const char *fmt, ...)
{
	nchecks++;
	if (ok) {
		printf("ok - %s\n", name);
	} else {
		nfailed++;
		printf("not ok - %s: ", name);
		va_list ap;
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	fflush(stdout);
}

static const char *ename(int e)
{
	static char buf[8][24];
	static int next;
	switch (e) {
	case 0: return "success";
	case EFAULT: return "EFAULT";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOENT: return "ENOENT";
	case ENOTDIR: return "ENOTDIR";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case ENOSYS: return "ENOSYS";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EISDIR: return "EISDIR";
	case ELOOP: return "ELOOP";
	}
	char *b = buf[next++ % 8];
	snprintf(b, sizeof buf[0], "errno %d", e);
	return b;
}

/* ---- the fake ---- */

/* The content of an open fd, read to the end (at most size-1 bytes, NUL-terminated). */
static ssize_t read_all(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t got;
	while (n + 1 < size && (got = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)got;
	buf[n] = '\0';
	return (ssize_t)n;
}

static bool is_fake_value(const char *s)
{
	if (native) /* the real kernel file, if there is one */
		return strspn(s, "0123456789") == strlen(s) - 1 && s[strlen(s) - 1] == '\n';
	return !strcmp(s, FAKE_VALUE);
}

/* The fake still reads as "10\n", by open, openat and openat relative to its directory. */
static void check_fake_serves(const char *when)
{
	char name[128], buf[64];
	snprintf(name, sizeof name, "%s:fake-still-served", when);
	int fd = (int)syscall(SYS_openat, AT_FDCWD, FAKE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		check(native && errno == ENOENT, name, "openat %s: %s", FAKE, ename(errno));
		return;
	}
	read_all(fd, buf, sizeof buf);
	close(fd);
	check(is_fake_value(buf), name, "openat %s read \"%s\"", FAKE, buf);
}

/* ---- calling every intercepted syscall with one path ---- */

struct call {
	const char *name;
	bool optional; /* ENOSYS allowed (gVisor has no openat2, faccessat2) */
	bool creates;  /* would create or change something if the path were valid */
};

static const struct call calls[] = {
	{ .name = "open" },
	{ .name = "openat" },
	{ .name = "openat2", .optional = true },
	{ .name = "creat", .creates = true },
	{ .name = "stat" },
	{ .name = "lstat" },
	{ .name = "newfstatat" },
	{ .name = "statx" },
	{ .name = "access" },
	{ .name = "faccessat" },
	{ .name = "faccessat2", .optional = true },
	{ .name = "readlink" },
	{ .name = "readlinkat" },
	{ .name = "truncate", .creates = true },
	{ .name = "chdir" },
};
#define NCALLS (sizeof calls / sizeof calls[0])

/* Runs call i on path (any pointer); returns the result, -errno on failure. Any fd
   that comes back is closed. */
static long do_call(size_t i, const char *path, int dirfd)
{
	struct stat st;
	struct statx stx;
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC };
	char buf[256];
	long r = -1;
	errno = 0;
	const char *n = calls[i].name;
	if (!strcmp(n, "open"))
		r = syscall(SYS_open, path, O_RDONLY | O_CLOEXEC);
	else if (!strcmp(n, "openat"))
		r = syscall(SYS_openat, dirfd, path, O_RDONLY | O_CLOEXEC);
	else if (!strcmp(n, "openat2"))
		r = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	else if (!strcmp(n, "creat"))
		r = syscall(SYS_creat, path, 0600);
	else if (!strcmp(n, "stat"))
		r = syscall(SYS_stat, path, &st);
	else if (!strcmp(n, "lstat"))
		r = syscall(SYS_lstat, path, &st);
	else if (!strcmp(n, "newfstatat"))
		r = syscall(SYS_newfstatat, dirfd, path, &st, 0);
	else if (!strcmp(n, "statx"))
		r = syscall(SYS_statx, dirfd, path, 0, STATX_BASIC_STATS, &stx);
	else if (!strcmp(n, "access"))
		r = syscall(SYS_access, path, F_OK);
	else if (!strcmp(n, "faccessat"))
		r = syscall(SYS_faccessat, dirfd, path, F_OK);
	else if (!strcmp(n, "faccessat2"))
		r = syscall(SYS_faccessat2, dirfd, path, F_OK, 0);
	else if (!strcmp(n, "readlink"))
		r = syscall(SYS_readlink, path, buf, sizeof buf);
	else if (!strcmp(n, "readlinkat"))
		r = syscall(SYS_readlinkat, dirfd, path, buf, sizeof buf);
	else if (!strcmp(n, "truncate"))
		r = syscall(SYS_truncate, path, 0);
	else if (!strcmp(n, "chdir"))
		r = syscall(SYS_chdir, path);
	if (r < 0)
		return -errno;
	if (!strncmp(n, "open", 4) || !strcmp(n, "creat"))
		close((int)r);
	return r;
}

/* Every call on path fails with one of the errnos in want (0-terminated). names_fake:
   the bytes name the fake, so calls that would change it (creat, truncate) are left out. */
static void expect_all_fail(const char *group, const char *what, const char *path, bool names_fake,
                            const int *want)
{
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		strcpy(cwd, "/");
	for (size_t i = 0; i < NCALLS; i++) {
		if (names_fake && calls[i].creates)
			continue;
		long r = do_call(i, path, AT_FDCWD);
		int e = r < 0 ? (int)-r : 0;
		bool ok = false;
		for (const int *w = want; *w; w++)
			ok |= e == *w;
		ok |= calls[i].optional && e == ENOSYS;
		char name[160];
		snprintf(name, sizeof name, "%s:%s:%s", group, what, calls[i].name);
		char allowed[128] = "";
		for (const int *w = want; *w; w++)
			snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s", w == want ? "" : " or ",
			         ename(*w));
		check(ok, name, "got %s (result %ld), want %s", ename(e), r, allowed);
		if (!strcmp(calls[i].name, "chdir") && r == 0 && chdir(cwd) < 0)
			perror("chdir back");
	}
}

/* ---- a: no NUL before the end of the mapping; an unreadable page ---- */

/* Two pages; the second is made PROT_NONE, or unmapped. */
static char *two_pages(bool unmap_second)
{
	char *p = mmap(NULL, (size_t)(2 * page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	if (unmap_second ? munmap(p + page, (size_t)page) : mprotect(p + page, (size_t)page, PROT_NONE)) {
		perror("mprotect/munmap");
		exit(2);
	}
	return p;
}

static void group_a(void)
{
	static const int toolong_or_fault[] = { ENAMETOOLONG, EFAULT, 0 };
	static const int fault[] = { EFAULT, 0 };
	for (int unmapped = 0; unmapped <= 1; unmapped++) {
		const char *next = unmapped ? "unmapped" : "prot-none";
		char what[96];

		/* A whole page of 'a': PATH_MAX bytes without a NUL. */
		char *p = two_pages(unmapped);
		memset(p, 'a', (size_t)page);
		snprintf(what, sizeof what, "page-of-a-then-%s", next);
		expect_all_fail("a", what, p, false, toolong_or_fault);

		/* 100 bytes of 'a' up to the boundary: shorter than PATH_MAX, so EFAULT. */
		snprintf(what, sizeof what, "short-tail-then-%s", next);
		expect_all_fail("a", what, p + page - 100, false, fault);

		/* The fake's path, unterminated, right before the boundary. Its NUL would be
		   on the next page, which the program cannot read: EFAULT, never the fake. */
		size_t n = strlen(FAKE);
		memcpy(p + page - n, FAKE, n);
		snprintf(what, sizeof what, "fake-path-then-%s", next);
		if (unmapped || !in_gvisor)
			expect_all_fail("a", what, p + page - n, true, fault);
		munmap(p, (size_t)(unmapped ? page : 2 * page));
	}

	/* The fake's path, NUL-terminated, in a page the program cannot read. */
	char *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	strcpy(p, FAKE);
	mprotect(p, (size_t)page, PROT_NONE);
	if (!in_gvisor)
		expect_all_fail("a", "fake-path-in-prot-none-page", p, true, fault);
	munmap(p, (size_t)page);
	check_fake_serves("a");
}

/* ---- b: unmapped pointers ---- */

static void group_b(void)
{
	static const int fault[] = { EFAULT, 0 };
	char *gone = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	strcpy(gone, FAKE);
	munmap(gone, (size_t)page);
	const struct {
		const char *what;
		const char *ptr;
	} ptrs[] = {
		{ "null", NULL },
		{ "0x1", (const char *)1 },
		{ "minus-1", (const char *)-1 },
		{ "top-page-of-user-space", (const char *)(uintptr_t)0x7ffffffff000ULL },
		{ "munmapped-page", gone },
		{ "kernel-address", (const char *)(uintptr_t)0xffffffff81000000ULL },
		{ "non-canonical", (const char *)(uintptr_t)0x0000800000000000ULL },
		{ "below-mmap-min-addr", (const char *)(uintptr_t)0x1000 },
	};
	for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++)
		expect_all_fail("b", ptrs[i].what, ptrs[i].ptr, false, fault);
	check_fake_serves("b");
}

/* ---- c: huge paths ---- */

/* "/proc/sys/kernel/././.../panic" (one "//" if needed), exactly len bytes long. */
static char *fake_path_of_length(size_t len)
{
	const char *dir = "/proc/sys/kernel/", *name = "panic";
	size_t at = strlen(dir), tail = strlen(name);
	char *p = malloc(len + 1);
	memcpy(p, dir, at);
	while (at + 2 <= len - tail) {
		memcpy(p + at, "./", 2);
		at += 2;
	}
	if (at < len - tail)
		p[at++] = '/';
	memcpy(p + at, name, tail + 1);
	if (strlen(p) != len) {
		fprintf(stderr, "hostile: built a path of %zu bytes, not %zu\n", strlen(p), len);
		exit(2);
	}
	return p;
}

static void group_c(void)
{
	static const int toolong[] = { ENAMETOOLONG, 0 };
	size_t big = 8192;
	char *p = malloc(big + 1);
	const char *unit[] = { "/proc/sys/kernel/", "a/" };
	const char *names[] = { "8k-of-proc-sys-kernel", "8k-of-a-slash" };
	for (int u = 0; u < 2; u++) {
		size_t ul = strlen(unit[u]), n = 0;
		while (n + ul <= big) {
			memcpy(p + n, unit[u], ul);
			n += ul;
		}
		p[n] = '\0';
		expect_all_fail("c", names[u], p, false, toolong);
	}

	/* Exactly PATH_MAX bytes before the NUL: too long by one. */
	char *q = fake_path_of_length(PATH_MAX);
	expect_all_fail("c", "exactly-PATH_MAX-bytes-naming-the-fake", q, true, toolong);

	/* PATH_MAX - 1 bytes: the longest path the kernel takes. It names the fake. */
	char *s = fake_path_of_length(PATH_MAX - 1);
	int fd = (int)syscall(SYS_openat, AT_FDCWD, s, O_RDONLY | O_CLOEXEC);
	char buf[64] = "";
	int e = errno;
	if (fd >= 0) {
		read_all(fd, buf, sizeof buf);
		close(fd);
	}
	check(fd >= 0 ? is_fake_value(buf) : native && e == ENOENT, "c:PATH_MAX-1-bytes-naming-the-fake:openat",
	      "got %s, content \"%s\"", fd >= 0 ? "an fd" : ename(e), buf);
	struct stat st;
	long rc = syscall(SYS_newfstatat, AT_FDCWD, s, &st, 0);
	e = errno;
	check(rc == 0 ? S_ISREG(st.st_mode) : native && e == ENOENT, "c:PATH_MAX-1-bytes-naming-the-fake:newfstatat",
	      "got %s", rc == 0 ? "not a regular file" : ename(e));
	free(p);
	free(q);
	free(s);
	check_fake_serves("c");
}

/* ---- d: a path that changes under fakesys's feet ---- */

static _Alignas(64) char race_buf[64];
static char race_other[32];
static atomic_bool race_stop;
static atomic_long race_fake, race_real, race_enoent, race_other_value, race_other_errno, race_opens_left;
static atomic_int race_reported;

static long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* the vDSO: no syscall */
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* Flips race_buf between FAKE and race_other, holding each for 0-40 us, so that opens
   often see one whole path while fakesys and the kernel read it at different times. */
static void *flipper(void *arg)
{
	(void)arg;
	/* Whole aligned words; a reader may still see a mix of words, which names nothing.
	   Both strings are 22 bytes plus the NUL. */
	uint64_t v[2][4] = { { 0 } };
	memcpy(v[0], FAKE, strlen(FAKE));
	memcpy(v[1], race_other, strlen(race_other));
	volatile uint64_t *w = (volatile uint64_t *)race_buf;
	unsigned seed = 12345;
	for (int k = 0; !atomic_load_explicit(&race_stop, memory_order_relaxed); k ^= 1) {
		for (int i = 0; i < 3; i++)
			w[i] = v[k][i];
		long until = now_ns() + rand_r(&seed) % 40000;
		while (now_ns() < until)
			;
	}
	return NULL;
}

static void *racer(void *arg)
{
	(void)arg;
	char buf[64];
	while (atomic_fetch_sub(&race_opens_left, 1) > 0) {
		int fd = (int)syscall(SYS_openat, AT_FDCWD, race_buf, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			if (e == ENOENT) {
				atomic_fetch_add(&race_enoent, 1);
			} else {
				atomic_fetch_add(&race_other_errno, 1);
				if (atomic_fetch_add(&race_reported, 1) < 5)
					printf("   d: open failed with %s\n", ename(e));
			}
			continue;
		}
		read_all(fd, buf, sizeof buf);
		close(fd);
		if (is_fake_value(buf)) {
			atomic_fetch_add(&race_fake, 1);
		} else if (real_value && !strcmp(buf, real_value)) {
			atomic_fetch_add(&race_real, 1);
		} else {
			atomic_fetch_add(&race_other_value, 1);
			if (atomic_fetch_add(&race_reported, 1) < 5)
				printf("   d: open succeeded with content \"%.*s%s\" (not the fake's)\n",
				       (int)strcspn(buf, "\n"), buf, strchr(buf, '\n') ? "\\n" : "");
		}
	}
	return NULL;
}

static void *thread_reads_fake(void *arg)
{
	(void)arg;
	char buf[64] = "";
	int fd = (int)syscall(SYS_open, FAKE, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		read_all(fd, buf, sizeof buf);
		close(fd);
	}
	return (fd >= 0 && is_fake_value(buf)) || (fd < 0 && native) ? (void *)1 : NULL;
}

static void group_d(long opens)
{
	/* A missing path of the same length as FAKE: /tmp/<8 random letters>/nonexist. */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	unsigned seed = (unsigned)ts.tv_nsec ^ (unsigned)getpid();
	char dir[16];
	do {
		strcpy(race_other, "/tmp/");
		for (int i = 0; i < 8; i++)
			race_other[5 + i] = (char)('a' + rand_r(&seed) % 26);
		race_other[13] = '\0';
		snprintf(dir, sizeof dir, "%s", race_other);
		strcat(race_other, "/nonexist");
	} while (access(dir, F_OK) == 0);
	check(strlen(race_other) == strlen(FAKE), "d:setup", "%s", race_other);
	strcpy(race_buf, FAKE);

	atomic_store(&race_opens_left, opens);
	pthread_t fl, rs[RACERS];
	pthread_create(&fl, NULL, flipper, NULL);
	for (int i = 0; i < RACERS; i++)
		pthread_create(&rs[i], NULL, racer, NULL);
	for (int i = 0; i < RACERS; i++)
		pthread_join(rs[i], NULL);
	atomic_store(&race_stop, true);
	pthread_join(fl, NULL);

	long fake = atomic_load(&race_fake), enoent = atomic_load(&race_enoent);
	long other = atomic_load(&race_other_value), bad = atomic_load(&race_other_errno);
	long real = atomic_load(&race_real);
	printf("   d: %ld opens: %ld fake, %ld real file (documented race), %ld ENOENT, %ld other content, %ld other "
	       "errors\n",
	       opens, fake, real, enoent, other, bad);
	check(fake + real + enoent + other + bad == opens, "d:all-opens-returned", "%ld of %ld",
	      fake + real + enoent + other + bad, opens);
	check(other == 0, "d:racing-opens-never-give-other-content",
	      "%ld opens returned something else than the fake's value (the kernel re-read the flipped path "
	      "after fakesys had let it through)",
	      other);
	check(bad == 0, "d:racing-opens-fail-only-with-ENOENT", "%ld opens failed with another errno", bad);
	check(native || fake > 0, "d:racing-opens-see-the-fake", "no open returned the fake");

	/* The process still works, and fakesys still serves a new thread and a new process. */
	void *m = malloc(1 << 20);
	check(m != NULL, "d:process-still-works", "malloc failed");
	free(m);
	pthread_t th;
	void *ok = NULL;
	check(pthread_create(&th, NULL, thread_reads_fake, NULL) == 0 && pthread_join(th, &ok) == 0 && ok,
	      "d:new-thread-reads-the-fake", "it did not read %s", FAKE_VALUE);
	pid_t pid = fork();
	if (pid == 0)
		_exit(thread_reads_fake(NULL) ? 0 : 1);
	int status = -1;
	waitpid(pid, &status, 0);
	check(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "d:forked-child-reads-the-fake",
	      "status %#x", status);
	check_fake_serves("d");
}

/* ---- e: bad dirfds with relative paths ---- */

static void expect_dirfd(const char *what, int dirfd, const char *path, int want)
{
	for (size_t i = 0; i < NCALLS; i++) {
		const char *n = calls[i].name;
		/* Only the *at calls take a dirfd. */
		if (strcmp(n, "openat") && strcmp(n, "openat2") && strcmp(n, "newfstatat") && strcmp(n, "statx") &&
		    strcmp(n, "faccessat") && strcmp(n, "faccessat2") && strcmp(n, "readlinkat"))
			continue;
		long r = do_call(i, path, dirfd);
		int e = r < 0 ? (int)-r : 0;
		char name[160];
		snprintf(name, sizeof name, "e:%s:%s:%s", what, path, n);
		check(e == want || (calls[i].optional && e == ENOSYS), name, "got %s, want %s", ename(e), ename(want));
	}
}

static void group_e(void)
{
	int pipefd[2];
	if (pipe(pipefd) < 0) {
		perror("pipe");
		exit(2);
	}
	char file[] = "/tmp/hostile-file.XXXXXX";
	int filefd = mkstemp(file);
	unlink(file);
	int fakefd = (int)syscall(SYS_openat, AT_FDCWD, FAKE, O_RDONLY | O_CLOEXEC);
	/* A real file beside the fake (gVisor has it too): "../panic" from it is no path. */
	int realfd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/sys/kernel/hostname", O_RDONLY | O_CLOEXEC);
	int closed = dup(0); /* the lowest free fd, closed again: nothing opened later here */
	close(closed);

	const char *rel[] = { "panic", "kernel/panic", "../kernel/panic", "../panic", "." };
	for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		expect_dirfd("dirfd-minus-5", -5, rel[i], EBADF);
		expect_dirfd("dirfd-9999", 9999, rel[i], EBADF);
		expect_dirfd("dirfd-closed", closed, rel[i], EBADF);
		expect_dirfd("dirfd-pipe", pipefd[0], rel[i], ENOTDIR);
		expect_dirfd("dirfd-regular-file", filefd, rel[i], ENOTDIR);
		if (fakefd >= 0)
			expect_dirfd("dirfd-the-fake", fakefd, rel[i], ENOTDIR);
		if (realfd >= 0)
			expect_dirfd("dirfd-proc-sys-kernel-hostname", realfd, rel[i], ENOTDIR);
	}
	/* An absolute path ignores the dirfd, however bad. */
	char buf[64] = "";
	int fd = (int)syscall(SYS_openat, -5, FAKE, O_RDONLY | O_CLOEXEC);
	int e = errno;
	if (fd >= 0) {
		read_all(fd, buf, sizeof buf);
		close(fd);
	}
	check(fd >= 0 ? is_fake_value(buf) : native && e == ENOENT, "e:absolute-path-ignores-dirfd-minus-5",
	      "got %s, content \"%s\"", fd >= 0 ? "an fd" : ename(e), buf);

	/* A good dirfd: the fake by a relative path. */
	int dfd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/sys/kernel", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	check(dfd >= 0, "e:open-proc-sys-kernel", "%s", ename(errno));
	if (dfd >= 0) {
		fd = (int)syscall(SYS_openat, dfd, "panic", O_RDONLY | O_CLOEXEC);
		e = errno;
		buf[0] = '\0';
		if (fd >= 0) {
			read_all(fd, buf, sizeof buf);
			close(fd);
		}
		check(fd >= 0 ? is_fake_value(buf) : native && e == ENOENT, "e:dirfd-proc-sys-kernel:panic",
		      "got %s, content \"%s\"", fd >= 0 ? "an fd" : ename(e), buf);
		close(dfd);
	}
	close(pipefd[0]);
	close(pipefd[1]);
	close(filefd);
	if (fakefd >= 0)
		close(fakefd);
	if (realfd >= 0)
		close(realfd);
	check_fake_serves("e");
}

/* ---- f: AT_EMPTY_PATH on a fake's fd ---- */

static void group_f(void)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, FAKE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		check(native && errno == ENOENT, "f:open-fake", "%s", ename(errno));
		return;
	}
	struct stat st, fst;
	long r = syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH);
	int e = errno;
	check(r == 0 && S_ISREG(st.st_mode), "f:newfstatat-AT_EMPTY_PATH", "got %s, mode %o", ename(r ? e : 0),
	      r ? 0 : st.st_mode);
	check(fstat(fd, &fst) == 0 && r == 0 && fst.st_ino == st.st_ino && fst.st_dev == st.st_dev,
	      "f:newfstatat-AT_EMPTY_PATH-is-fstat", "fstat and fstatat(\"\") differ");
	struct statx stx;
	r = syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx);
	e = errno;
	check(r == 0 && S_ISREG(stx.stx_mode) && stx.stx_ino == fst.st_ino, "f:statx-AT_EMPTY_PATH",
	      "got %s, mode %o", ename(r ? e : 0), r ? 0 : stx.stx_mode);
	/* Without AT_EMPTY_PATH, "" is ENOENT. */
	r = syscall(SYS_newfstatat, fd, "", &st, 0);
	e = errno;
	check(r < 0 && e == ENOENT, "f:newfstatat-empty-without-AT_EMPTY_PATH", "got %s", ename(r ? e : 0));
	/* The fd still reads the value. */
	char buf[64];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	check(is_fake_value(buf), "f:fake-fd-reads-the-value", "read \"%s\"", buf);
	close(fd);
	check_fake_serves("f");
}

/* ---- g: many threads of a new process open the fake at the same moment ---- */

#define BURST 32
static pthread_barrier_t burst_barrier;

static void *burst_thread(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&burst_barrier);
	return thread_reads_fake(NULL);
}

/* In a freshly exec'd process (no scratch area yet): BURST threads whose first path call
   is a fake, all at once, so that fakesys sees many first calls before any has its
   scratch area. Exit status 0 if every thread read the fake. */
static int burst_main(void)
{
	pthread_t th[BURST];
	pthread_barrier_init(&burst_barrier, NULL, BURST);
	for (int i = 0; i < BURST; i++)
		if (pthread_create(&th[i], NULL, burst_thread, NULL) != 0)
			return 3;
	int bad = 0;
	for (int i = 0; i < BURST; i++) {
		void *ok = NULL;
		pthread_join(th[i], &ok);
		bad += !ok;
	}
	if (bad)
		printf("   g: %d of %d threads did not read the fake\n", bad, BURST);
	return bad ? 1 : 0;
}

static void group_g(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { "hostile", "--burst", native ? "--native" : NULL, NULL };
		execv("/proc/self/exe", args);
		_exit(126);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	check(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "g:first-calls-of-a-new-process-at-once",
	      "the child (%d threads) exited with status %#x", BURST, status);
	check_fake_serves("g");
}

int main(int argc, char **argv)
{
	int a = 1;
	bool burst = false;
	for (; a < argc && argv[a][0] == '-' && argv[a][1] == '-'; a++) {
		if (!strcmp(argv[a], "--native"))
			native = true;
		else if (!strcmp(argv[a], "--burst"))
			burst = true;
		else
			break;
	}
	if (burst)
		return burst_main();
	in_gvisor = getenv("HOSTILE_GVISOR") != NULL;
	real_value = getenv("HOSTILE_REAL_VALUE");
	long opens = a < argc ? atol(argv[a]) : 100000;
	if (opens <= 0) {
		fprintf(stderr, "usage: hostile [--native] [RACE_OPENS]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	page = sysconf(_SC_PAGESIZE);

	check_fake_serves("start");
	group_a();
	group_b();
	group_c();
	group_e();
	group_f();
	group_g();
	group_d(opens);
	check_fake_serves("end");

	if (nfailed)
		printf("hostile: %d of %d checks failed\n", nfailed, nchecks);
	else
		printf("hostile: all %d checks passed\n", nchecks);
	return nfailed ? 1 : 0;
}
