/* stress_procs: thousands of short-lived processes in every shape a tracer must follow;
   every exit status is checked with waitpid, and every process reads a fake.

   usage: stress_procs [-n PROCS] [-w WORKERS] [-e EXPECTED] [-f FILE] [-s SHAPES]
            defaults: 5000 processes, 4 workers, every process reads FILE
            (/proc/sys/kernel/panic) and expects EXPECTED "10" and a newline;
            SHAPES "abcdefghijklmn": the rounds cycle through these letters, in the
            order of the list below (a fork-chain, b vfork-exec, ..., l vfork-exec of
            self, m leader-exit, n leader-exit-exec)
          stress_procs --thread-exec CODE   a non-leader thread execs "self --exit CODE"
                                            while other threads read fakes (the process's
                                            final status is CODE); usable as fakesys's CMD
          stress_procs --many N             N processes alive at once each read a fake,
                                            then write 4242 to kernel/keys/root_maxbytes
                                            and read again (exit 0 iff all right)
          stress_procs --store-full N       N processes one after another each open
                                            kernel/keys/root_maxbytes for writing, write
                                            their own value and, keeping that fd open,
                                            read the fake back; counts the errnos of the
                                            opens and writes and the values kept or lost
                                            (for a store on a filesystem that fills up;
                                            refuses to run when not traced)
          stress_procs --fill DIR           creates empty files in DIR until that fails,
                                            prints "fill N errno NAME", removes them
          stress_procs --leader-exit CODE   the main thread calls pthread_exit, then the
                                            other thread exits with CODE
          stress_procs --leader-exit-exec CODE   ... or execs "self --exit CODE" (gVisor
                                            20221219 hangs on this even without fakesys)
          (internal: --exit CODE, --chain DEPTH CODE)

   Each worker process repeats rounds of these shapes until it has started its share:
     fork-chain     fork 4 deep, no exec; each level exits with its own code
     vfork-exec     vfork; the child reads a fake with raw syscalls, then execs
                    self --exit C, /bin/true or /bin/false
     spawn          posix_spawn (clone(CLONE_VM|CLONE_VFORK) in glibc) of self --exit C
     exec-chain     fork+exec self --chain 3 C: each level forks and execs the next
     orphan-init    a child forks a grandchild and exits at once; the grandchild, now an
                    orphan of init (or of the sandbox's init), reads a fake after its
                    parent died and reports through a pipe (EOF = it exited)
     orphan-reaper  the same under a child subreaper (PR_SET_CHILD_SUBREAPER) that
                    waitpid()s the orphans and checks their exit codes
     zombies        16 children exit at once and stay zombies until each is seen with
                    waitid(WNOWAIT) and /proc/PID/stat says Z; then they are reaped
     thread-exec    a child with 3 extra threads; a non-leader thread execs self --exit C
                    or /bin/true while the others read fakes
     thread-fork    4 threads each fork a child and waitpid it from that thread
     signals        children die of SIGTERM, SIGKILL, SIGSEGV, abort
     leader-exit    the main thread calls pthread_exit; the other thread exits later
     leader-exit-exec  ... or execs self --exit C (not in gVisor: it hangs there natively)
   Prints "procs N failures F" (plus the first failures); exit 0 iff F == 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define BAD_FAKE 99 /* exit code of a process whose fake read went wrong */

static char self[4096];
static const char *fake = "/proc/sys/kernel/panic"; /* the file every process reads */
static char expected[64] = "10\n";
static int expected_len = 3;
static int failures;
static long procs;
static int worker_id;
static const char *round_name = "";

static void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void failf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (failures++ < 10)
		fprintf(stderr, "worker %d, %s: %s\n", worker_id, round_name, buf);
}

/* Reads the fake with raw syscalls only (safe in a vfork child). 0 if it is right;
   otherwise says why on stderr. */
static int fake_ok(void)
{
	char buf[64], msg[200];
	int fd = (int)syscall(SYS_openat, AT_FDCWD, fake, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int n = snprintf(msg, sizeof msg, "pid %ld: open %s: %s\n", syscall(SYS_getpid), fake, strerror(errno));
		syscall(SYS_write, 2, msg, n);
		return -1;
	}
	long n = syscall(SYS_read, fd, buf, sizeof buf - 1);
	int e = errno;
	syscall(SYS_close, fd);
	if (n == expected_len && memcmp(buf, expected, (size_t)n) == 0)
		return 0;
	buf[n > 0 ? n : 0] = 0;
	int m = snprintf(msg, sizeof msg, "pid %ld: read %s: %ld bytes \"%s\"%s%s, want \"%.*s\\n\"\n",
	                 syscall(SYS_getpid), fake, n, buf, n < 0 ? " " : "", n < 0 ? strerror(e) : "",
	                 expected_len - 1, expected);
	syscall(SYS_write, 2, msg, m);
	return -1;
}

static void describe(int st, char *out, size_t cap)
{
	if (WIFEXITED(st))
		snprintf(out, cap, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(out, cap, "signal %d", WTERMSIG(st));
	else
		snprintf(out, cap, "status 0x%x", st);
}

/* waitpid PID and check it exited with CODE (or died of signal -CODE). */
static int expect(pid_t pid, int code, const char *what)
{
	int st;
	pid_t r;
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (r != pid) {
		failf("%s: waitpid(%d): %s", what, (int)pid, strerror(errno));
		return -1;
	}
	int ok = code >= 0 ? (WIFEXITED(st) && WEXITSTATUS(st) == code) : (WIFSIGNALED(st) && WTERMSIG(st) == -code);
	if (!ok) {
		char d[64];
		describe(st, d, sizeof d);
		failf("%s: pid %d: %s, want %s %d%s", what, (int)pid, d, code >= 0 ? "exit" : "signal",
		      code >= 0 ? code : -code, WIFEXITED(st) && WEXITSTATUS(st) == BAD_FAKE ? " (the fake read was wrong)" : "");
		return -1;
	}
	return 0;
}

static pid_t xfork(void)
{
	pid_t p;
	for (int tries = 0; (p = fork()) < 0 && errno == EAGAIN && tries < 100; tries++)
		usleep(10000);
	if (p < 0) {
		failf("fork: %s", strerror(errno));
		return -1;
	}
	procs++;
	return p;
}

static _Noreturn void child_exit(int code)
{
	_exit(fake_ok() == 0 ? code : BAD_FAKE);
}

/* ---- shapes ------------------------------------------------------------------- */

/* In a child: fork DEPTH more levels; each level checks its child and exits 20+depth. */
static _Noreturn void chain_level(int depth)
{
	while (depth > 0) {
		pid_t p = fork();
		if (p < 0)
			_exit(98);
		if (p == 0) {
			depth--;
			continue;
		}
		int st;
		if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 20 + depth - 1)
			_exit(WIFEXITED(st) && WEXITSTATUS(st) == BAD_FAKE ? BAD_FAKE : 97);
		child_exit(20 + depth);
	}
	child_exit(20);
}

static void fork_chain(void)
{
	round_name = "fork-chain";
	pid_t p = xfork();
	if (p == 0)
		chain_level(3);
	if (p > 0) {
		procs += 3;
		expect(p, 23, "fork chain of 4");
	}
}

static void vfork_exec(int variant)
{
	round_name = "vfork-exec";
	char code[16];
	int want = variant == 0 ? 0 : variant == 1 ? 1 : 3 + (int)(procs % 120);
	snprintf(code, sizeof code, "%d", want);
	pid_t p = vfork();
	if (p == 0) {
		if (fake_ok() != 0)
			_exit(BAD_FAKE);
		if (variant == 0)
			execl("/bin/true", "true", (char *)NULL);
		else if (variant == 1)
			execl("/bin/false", "false", (char *)NULL);
		else
			execl(self, self, "--exit", code, (char *)NULL);
		_exit(96);
	}
	if (p < 0) {
		failf("vfork: %s", strerror(errno));
		return;
	}
	procs++;
	expect(p, want, variant == 0 ? "vfork+exec /bin/true" : variant == 1 ? "vfork+exec /bin/false" : "vfork+exec self");
}

static void spawn(void)
{
	round_name = "spawn";
	char code[16];
	int want = 100 + (int)(procs % 100);
	snprintf(code, sizeof code, "%d", want);
	char *args[] = { self, "--exit", code, NULL };
	pid_t p;
	int e = posix_spawn(&p, self, NULL, NULL, args, environ);
	if (e) {
		failf("posix_spawn: %s", strerror(e));
		return;
	}
	procs++;
	expect(p, want, "posix_spawn self");
}

static void exec_chain(void)
{
	round_name = "exec-chain";
	pid_t p = xfork();
	if (p == 0) {
		execl(self, self, "--chain", "3", "77", (char *)NULL);
		_exit(96);
	}
	if (p > 0) {
		procs += 3;
		expect(p, 77, "fork+exec chain of 4");
	}
}

/* A child that forks N orphans and exits; each orphan reads a fake after its parent is
   gone, writes "k" to the pipe and exits with 30+i. Returns the read end. */
static int make_orphans(int n, pid_t *child)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0) {
		failf("pipe: %s", strerror(errno));
		return -1;
	}
	pid_t p = xfork();
	if (p < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (p == 0) {
		close(fds[0]);
		pid_t parent = getpid();
		for (int i = 0; i < n; i++) {
			pid_t g = fork();
			if (g == 0) {
				/* Wait until the parent has died, so this runs as a true orphan. */
				for (int t = 0; t < 2000 && getppid() == parent; t++)
					usleep(500);
				char c = fake_ok() == 0 ? 'k' : 'x';
				if (getppid() == parent)
					c = 'p';
				if (write(fds[1], &c, 1) != 1)
					_exit(95);
				_exit(30 + i);
			}
			if (g < 0)
				_exit(98);
		}
		_exit(0);
	}
	procs += n;
	close(fds[1]);
	*child = p;
	return fds[0];
}

/* Reads until EOF (every orphan exited or at least closed the pipe). */
static void check_orphan_pipe(int fd, int n, const char *what)
{
	char buf[256];
	int got = 0, ok = 0, bad_fake = 0, early = 0;
	ssize_t r;
	while ((r = read(fd, buf, sizeof buf)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			failf("%s: read: %s", what, strerror(errno));
			break;
		}
		for (ssize_t i = 0; i < r; i++) {
			got++;
			ok += buf[i] == 'k';
			bad_fake += buf[i] == 'x';
			early += buf[i] == 'p';
		}
	}
	close(fd);
	if (got != n || ok != n)
		failf("%s: %d reports of %d, %d ok, %d wrong fake reads, %d never orphaned", what, got, n, ok, bad_fake,
		      early);
}

static void orphan_init(void)
{
	round_name = "orphan-init";
	pid_t child;
	int fd = make_orphans(3, &child);
	if (fd < 0)
		return;
	expect(child, 0, "parent of orphans");
	check_orphan_pipe(fd, 3, "orphans of init");
}

static bool have_subreaper = true; /* gVisor (20221219) has no PR_SET_CHILD_SUBREAPER */

static void orphan_reaper(void)
{
	round_name = "orphan-reaper";
	if (!have_subreaper) {
		orphan_init();
		return;
	}
	pid_t reaper = xfork();
	if (reaper < 0)
		return;
	if (reaper == 0) {
		failures = 0;
		if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
			_exit(94);
		pid_t child;
		int fd = make_orphans(4, &child);
		if (fd < 0)
			_exit(93);
		expect(child, 0, "parent of orphans");
		check_orphan_pipe(fd, 4, "orphans of a subreaper");
		/* The orphans are now ours: reap each and check its code. */
		int seen = 0, mask = 0, st;
		pid_t r;
		while ((r = waitpid(-1, &st, 0)) > 0 || (r < 0 && errno == EINTR)) {
			if (r < 0)
				continue;
			seen++;
			if (WIFEXITED(st) && WEXITSTATUS(st) >= 30 && WEXITSTATUS(st) < 34)
				mask |= 1 << (WEXITSTATUS(st) - 30);
			else {
				char d[64];
				describe(st, d, sizeof d);
				failf("orphan of subreaper: pid %d: %s, want exit 30..33", (int)r, d);
			}
		}
		if (seen != 4 || mask != 0xf)
			failf("subreaper reaped %d orphans (codes mask 0x%x), want 4 (0xf)", seen, mask);
		_exit(failures ? 1 : 0);
	}
	procs += 5;
	expect(reaper, 0, "subreaper");
}

static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '?';
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static void zombies(void)
{
	round_name = "zombies";
	enum { N = 16 };
	pid_t kids[N];
	int n = 0;
	for (int i = 0; i < N; i++) {
		pid_t p = xfork();
		if (p == 0)
			child_exit(40 + i);
		if (p < 0)
			break;
		kids[n++] = p;
	}
	/* Every child must become a zombie while nobody waits for it. */
	for (int i = 0; i < n; i++) {
		siginfo_t si;
		memset(&si, 0, sizeof si);
		int r;
		while ((r = waitid(P_PID, (id_t)kids[i], &si, WEXITED | WNOWAIT)) < 0 && errno == EINTR)
			;
		if (r < 0 || si.si_pid != kids[i])
			failf("waitid(WNOWAIT) %d: %s", (int)kids[i], r < 0 ? strerror(errno) : "no child");
		char s = proc_state(kids[i]);
		if (s != 'Z' && s != 'X' && s != '?')
			failf("child %d is in state %c after it exited, want Z", (int)kids[i], s);
	}
	usleep(2000);
	for (int i = 0; i < n; i++)
		expect(kids[i], 40 + i, "zombie");
}

static void *fake_reader(void *arg)
{
	volatile int *stop = arg;
	while (!*stop)
		if (fake_ok() != 0)
			_exit(BAD_FAKE);
	return NULL;
}

struct exec_req {
	const char *path;
	char code[16];
};

static void *exec_thread(void *arg)
{
	struct exec_req *r = arg;
	usleep(1000);
	if (strcmp(r->path, "/bin/true") == 0)
		execl("/bin/true", "true", (char *)NULL);
	else
		execl(r->path, r->path, "--exit", r->code, (char *)NULL);
	_exit(96);
}

/* In the current process: 2 threads read fakes, a third execs. Never returns. */
static _Noreturn void do_thread_exec(const char *path, int code)
{
	static volatile int stop;
	static struct exec_req req;
	req.path = path;
	snprintf(req.code, sizeof req.code, "%d", code);
	pthread_t t;
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t, NULL, fake_reader, (void *)&stop))
			_exit(92);
	if (pthread_create(&t, NULL, exec_thread, &req))
		_exit(92);
	for (;;)
		pause(); /* the leader waits in a syscall while a thread execs */
}

static void thread_exec(int variant)
{
	round_name = "thread-exec";
	int want = variant ? 50 + (int)(procs % 50) : 0;
	pid_t p = xfork();
	if (p == 0)
		do_thread_exec(variant ? self : "/bin/true", want);
	if (p > 0)
		expect(p, want, variant ? "exec of self from a non-leader thread" : "exec of /bin/true from a non-leader thread");
}

/* The leader calls pthread_exit first; then the last thread exits with CODE, or (with
   a path) execs it. The leader is a zombie meanwhile, and a tracer may be told of its
   death before the process's real end. */
static void *after_leader(void *arg)
{
	struct exec_req *r = arg;
	usleep(2000);
	if (fake_ok() != 0)
		_exit(BAD_FAKE);
	if (r->path)
		execl(r->path, r->path, "--exit", r->code, (char *)NULL);
	else
		exit(atoi(r->code));
	_exit(96);
}

static _Noreturn void do_leader_exit(const char *path, int code)
{
	static struct exec_req req;
	req.path = path;
	snprintf(req.code, sizeof req.code, "%d", code);
	pthread_t t;
	if (pthread_create(&t, NULL, after_leader, &req))
		_exit(92);
	pthread_exit(NULL);
}

static void leader_exit(int exec)
{
	round_name = exec ? "leader-exit-exec" : "leader-exit";
	int want = 70 + (int)(procs % 20);
	pid_t p = xfork();
	if (p == 0)
		do_leader_exit(exec ? self : NULL, want);
	if (p > 0)
		expect(p, want, exec ? "exec from a thread after the leader exited" : "exit from a thread after the leader exited");
}

static void *fork_from_thread(void *arg)
{
	int i = (int)(long)arg;
	pid_t p = fork();
	if (p == 0)
		child_exit(60 + i);
	if (p < 0)
		return (void *)1L;
	int st;
	if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 60 + i)
		return (void *)2L;
	return NULL;
}

static void thread_fork(void)
{
	round_name = "thread-fork";
	pthread_t t[4];
	int n = 0;
	for (int i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, fork_from_thread, (void *)(long)i) == 0)
			n++;
		else
			failf("pthread_create: failed");
	for (int i = 0; i < n; i++) {
		void *r;
		pthread_join(t[i], &r);
		if (r)
			failf("thread %d: %s", i, r == (void *)1L ? "fork failed" : "child status wrong");
	}
	procs += n;
}

static void signals(int variant)
{
	round_name = "signals";
	static const int sigs[] = { SIGTERM, SIGKILL, SIGSEGV, SIGABRT };
	int sig = sigs[variant % 4];
	pid_t p = xfork();
	if (p == 0) {
		signal(sig == SIGKILL ? SIGTERM : sig, SIG_DFL);
		if (fake_ok() != 0)
			_exit(BAD_FAKE);
		if (sig == SIGSEGV) {
			int *volatile bad = (int *)8;
			*bad = 1;
		}
		if (sig == SIGABRT)
			abort();
		raise(sig);
		_exit(91);
	}
	if (p > 0)
		expect(p, -sig, "death by signal");
}

/* --many N: N processes alive at once, each with its own address space that has read
   a fake; then each writes WRITTEN to a fake and reads again. A tracer that keeps
   per-process resources (fds) runs out of them here; a write it cannot redirect must
   fail, never reach the real kernel file. */
#define MANY_FILE "/proc/sys/kernel/keys/root_maxbytes"
#define WRITTEN "4242"

static int many(int n)
{
	int ready[2], go[2];
	if (pipe(ready) < 0 || pipe(go) < 0)
		return 2;
	int started = 0;
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p < 0) {
			fprintf(stderr, "fork %d: %s\n", i, strerror(errno));
			break;
		}
		if (p == 0) {
			close(ready[0]);
			close(go[1]);
			int code = fake_ok() == 0 ? 0 : 1;
			char c = 'r';
			if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 0)
				_exit(5);
			if (code)
				_exit(code);
			int fd = open(MANY_FILE, O_WRONLY | O_TRUNC | O_CLOEXEC);
			if (fd < 0)
				_exit(2);
			if (write(fd, WRITTEN "\n", 5) != 5 || close(fd) < 0)
				_exit(3);
			_exit(fake_ok() == 0 ? 0 : 4);
		}
		started++;
	}
	close(ready[1]);
	close(go[0]);
	char c;
	int got = 0;
	while (got < started && read(ready[0], &c, 1) == 1)
		got++;
	close(go[1]); /* all at once */
	int counts[256] = {0}, other = 0, st;
	pid_t r;
	while ((r = wait(&st)) > 0 || (r < 0 && errno == EINTR))
		if (r > 0) {
			if (WIFEXITED(st))
				counts[WEXITSTATUS(st)]++;
			else
				other++;
		}
	char buf[64] = "";
	int fd = open(MANY_FILE, O_RDONLY | O_CLOEXEC);
	ssize_t len = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[len > 0 ? len : 0] = 0;
	bool value_ok = strcmp(buf, WRITTEN "\n") == 0;
	printf("many %d: alive together %d; ok %d, first read wrong %d, open for write failed %d, write failed %d, "
	       "second read wrong %d, other %d; %s reads \"%.*s\"\n",
	       started, got, counts[0], counts[1], counts[2], counts[3], counts[4], other + counts[5], MANY_FILE,
	       len > 0 ? (int)len - 1 : 0, buf);
	return started == n && counts[0] == n && value_ok ? 0 : 1;
}

/* --store-full N: for a store whose filesystem fills up (run with TMPDIR on a tiny
   tmpfs). Process i (started only after process i-1 has reported) opens MANY_FILE with
   O_WRONLY|O_TRUNC, writes 1000+i, and while it keeps that fd open (so every writer
   file the tracer made stays allocated) opens the fake again and reads it back: a write
   reported successful must read back its own value. Prints one line
     store-full N: reported R; open ok A errors E1=n,...; write ok B errors E2=n,...;
     kept K lost L; readback errors E3=n,...; final "V" want "W"; bad exits X
   (errors "none" if there were none; want is the last successful write's value) and the
   first lost writes on stderr. Exit 0 iff all N reported and exited 0, no write was
   lost, no read-back failed and the value read after all have exited is the last one
   kept. The caller judges the errnos. It refuses to run untraced (exit 2): natively it
   would write the real kernel file. */
struct full_rec {
	int stage; /* 0 open failed, 1 write failed, 2 written */
	int err;   /* errno of the failed call (write: EIO for a short write) */
	int rb_err; /* written: errno of the read-back open or read, 0 if it read */
	char got[32]; /* written: what the read-back read */
};

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);
	static char buf[16];
	if (n)
		return n;
	snprintf(buf, sizeof buf, "errno%d", e);
	return buf;
}

/* Appends "NAME=count,..." (or "none") for counts[] to out; counts[0] is "unknown". */
static void errlist(char *out, size_t cap, const int *counts)
{
	size_t len = strlen(out);
	int any = 0;
	for (int e = 0; e < 4096; e++)
		if (counts[e] && len < cap) {
			len += (size_t)snprintf(out + len, cap - len, "%s%s=%d", any ? "," : "", e ? errname(e) : "unknown",
			                        counts[e]);
			any = 1;
		}
	if (!any && len < cap)
		snprintf(out + len, cap - len, "none");
}

/* 1 if this process is ptraced (TracerPid in /proc/self/status is not 0). */
static int traced(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t len = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[len > 0 ? len : 0] = 0;
	const char *t = strstr(buf, "\nTracerPid:");
	return t && atoi(t + strlen("\nTracerPid:")) != 0;
}

static int store_full(int n)
{
	int go[2];
	if (!traced()) {
		fprintf(stderr, "--store-full writes %s: it runs only under fakesys\n", MANY_FILE);
		return 2;
	}
	if (n < 1 || n > 10000 || pipe(go) < 0)
		return 2;
	static int open_err[4096], write_err[4096], rb_err[4096];
	int reported = 0, opened = 0, written = 0, kept = 0, lost = 0, children = 0;
	char want[32] = "";
	for (int i = 0; i < n; i++) {
		int rep[2];
		if (pipe(rep) < 0)
			break;
		pid_t p = fork();
		if (p < 0) {
			fprintf(stderr, "fork %d: %s\n", i, strerror(errno));
			close(rep[0]);
			close(rep[1]);
			break;
		}
		if (p == 0) {
			close(go[1]);
			close(rep[0]);
			struct full_rec r = {0};
			char val[32];
			int len = snprintf(val, sizeof val, "%d\n", 1000 + i);
			int fd = open(MANY_FILE, O_WRONLY | O_TRUNC | O_CLOEXEC);
			if (fd < 0) {
				r.stage = 0, r.err = errno;
			} else {
				ssize_t w = write(fd, val, (size_t)len);
				if (w != len) {
					r.stage = 1, r.err = w < 0 ? errno : EIO;
				} else {
					r.stage = 2;
					int rfd = open(MANY_FILE, O_RDONLY | O_CLOEXEC);
					ssize_t got = rfd < 0 ? -1 : read(rfd, r.got, sizeof r.got - 1);
					if (got < 0)
						r.rb_err = errno ? errno : EIO;
					else
						r.got[got] = 0;
					if (rfd >= 0)
						close(rfd);
				}
			}
			char c;
			if (write(rep[1], &r, sizeof r) != sizeof r)
				_exit(5);
			/* Keep fd open until the parent lets every child go at once. */
			if (read(go[0], &c, 1) != 0)
				_exit(6);
			_exit(0);
		}
		children++;
		close(rep[1]);
		struct full_rec r;
		ssize_t got = read(rep[0], &r, sizeof r);
		close(rep[0]);
		if (got != sizeof r) {
			fprintf(stderr, "process %d: no report\n", i);
			continue;
		}
		reported++;
		if (r.stage == 0) {
			open_err[r.err > 0 && r.err < 4096 ? r.err : 0]++;
			continue;
		}
		opened++;
		if (r.stage == 1) {
			write_err[r.err > 0 && r.err < 4096 ? r.err : 0]++;
			continue;
		}
		written++;
		snprintf(want, sizeof want, "%d\n", 1000 + i);
		if (r.rb_err) {
			rb_err[r.rb_err < 4096 ? r.rb_err : 0]++;
		} else if (strcmp(r.got, want) == 0) {
			kept++;
		} else {
			if (lost++ < 5)
				fprintf(stderr, "process %d: write of %d reported successful, read back \"%.*s\"\n", i,
				        1000 + i, (int)strcspn(r.got, "\n"), r.got);
		}
	}
	close(go[1]); /* every child exits now, closing its fd */
	int bad_exit = 0, st;
	pid_t r;
	while ((r = wait(&st)) > 0 || (r < 0 && errno == EINTR))
		if (r > 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
			bad_exit++;
	char final[32] = "";
	int fd = open(MANY_FILE, O_RDONLY | O_CLOEXEC);
	ssize_t len = fd >= 0 ? read(fd, final, sizeof final - 1) : -1;
	if (fd >= 0)
		close(fd);
	final[len > 0 ? len : 0] = 0;
	char line[2048];
	snprintf(line, sizeof line, "store-full %d: reported %d; open ok %d errors ", n, reported, opened);
	errlist(line, sizeof line, open_err);
	snprintf(line + strlen(line), sizeof line - strlen(line), "; write ok %d errors ", written);
	errlist(line, sizeof line, write_err);
	snprintf(line + strlen(line), sizeof line - strlen(line), "; kept %d lost %d; readback errors ", kept, lost);
	errlist(line, sizeof line, rb_err);
	snprintf(line + strlen(line), sizeof line - strlen(line), "; final \"%.*s\" want \"%.*s\"; bad exits %d",
	         (int)strcspn(final, "\n"), final, (int)strcspn(want, "\n"), want, bad_exit);
	puts(line);
	bool rb_ok = true;
	for (int e = 0; e < 4096; e++)
		rb_ok = rb_ok && !rb_err[e];
	return reported == n && children == n && !lost && rb_ok && !bad_exit && !open_err[0] && !write_err[0] &&
	               (!want[0] || strcmp(final, want) == 0)
	           ? 0
	           : 1;
}

/* --fill DIR: how creating a file fails when DIR's filesystem is full. */
static int fill(const char *dir)
{
	char path[4096];
	int i, e = 0;
	for (i = 0; i < 1000000; i++) {
		snprintf(path, sizeof path, "%s/fill.%d", dir, i);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			e = errno;
			break;
		}
		close(fd);
	}
	for (int j = 0; j < i; j++) {
		snprintf(path, sizeof path, "%s/fill.%d", dir, j);
		unlink(path);
	}
	if (!e) {
		printf("fill %d errno none\n", i);
		return 1;
	}
	printf("fill %d errno %s\n", i, errname(e));
	return 0;
}

/* ---- main --------------------------------------------------------------------- */

/* The shapes of one cycle of rounds, as letters a.. (default every shape in turn). */
static const char *shapes = "abcdefghijklmn";

static int worker(long quota)
{
	size_t nshapes = strlen(shapes);
	for (long round = 0; procs < quota; round++) {
		switch (shapes[round % (long)nshapes] - 'a') {
		case 0: fork_chain(); break;
		case 1: vfork_exec((int)(round / 12 % 3)); break;
		case 2: spawn(); break;
		case 3: exec_chain(); break;
		case 4: orphan_init(); break;
		case 5: orphan_reaper(); break;
		case 6: zombies(); break;
		case 7: thread_exec(0); break;
		case 8: thread_exec(1); break;
		case 9: thread_fork(); break;
		case 10: signals((int)(round / 12)); break;
		case 11: vfork_exec(2); break;
		case 12: leader_exit(0); break;
		case 13: leader_exit(1); break;
		default: failf("bad shape letter"); return failures;
		}
		if (failures > 50)
			break;
	}
	return failures;
}

int main(int argc, char **argv)
{
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0) {
		perror("readlink /proc/self/exe");
		return 2;
	}
	self[n] = 0;
	const char *e = getenv("STRESS_EXPECTED");
	if (e)
		snprintf(expected, sizeof expected, "%s\n", e);
	if (getenv("STRESS_FILE"))
		fake = getenv("STRESS_FILE");
	expected_len = (int)strlen(expected);

	if (argc == 3 && strcmp(argv[1], "--exit") == 0)
		child_exit(atoi(argv[2]));
	if (argc == 4 && strcmp(argv[1], "--chain") == 0) {
		int depth = atoi(argv[2]), code = atoi(argv[3]);
		if (depth <= 0)
			child_exit(code);
		pid_t p = fork();
		if (p == 0) {
			char d[16];
			snprintf(d, sizeof d, "%d", depth - 1);
			execl(self, self, "--chain", d, argv[3], (char *)NULL);
			_exit(96);
		}
		int st;
		if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st))
			_exit(97);
		if (WEXITSTATUS(st) != code)
			_exit(WEXITSTATUS(st));
		child_exit(code);
	}
	if (argc == 3 && strcmp(argv[1], "--thread-exec") == 0)
		do_thread_exec(self, atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "--many") == 0)
		return many(atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "--store-full") == 0)
		return store_full(atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "--fill") == 0)
		return fill(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--leader-exit") == 0)
		do_leader_exit(NULL, atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "--leader-exit-exec") == 0)
		do_leader_exit(self, atoi(argv[2]));

	long total = 5000;
	int workers = 4, c;
	while ((c = getopt(argc, argv, "n:w:e:f:s:")) != -1) {
		switch (c) {
		case 'f':
			fake = optarg;
			setenv("STRESS_FILE", optarg, 1);
			break;
		case 's': shapes = optarg; break;
		case 'n': total = atol(optarg); break;
		case 'w': workers = atoi(optarg); break;
		case 'e':
			snprintf(expected, sizeof expected, "%s\n", optarg);
			expected_len = (int)strlen(expected);
			setenv("STRESS_EXPECTED", optarg, 1); /* for the exec'd selves */
			break;
		default:
			fprintf(stderr, "usage: %s [-n PROCS] [-w WORKERS] [-e EXPECTED] [-f FILE] [-s SHAPES]\n", argv[0]);
			return 2;
		}
	}
	if (workers < 1 || total < 1)
		return 2;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == 0)
		prctl(PR_SET_CHILD_SUBREAPER, 0);
	else {
		have_subreaper = false;
		printf("note: PR_SET_CHILD_SUBREAPER: %s; orphan-reaper rounds run orphan-init\n", strerror(errno));
		fflush(stdout); /* children that exit() must not print it again */
	}
	if (fake_ok() != 0) {
		fprintf(stderr, "%s does not read \"%.*s\"\n", fake, expected_len - 1, expected);
		return 1;
	}

	int fds[2];
	if (pipe(fds) < 0)
		return 2;
	pid_t *w = calloc((size_t)workers, sizeof *w);
	for (int i = 0; i < workers; i++) {
		w[i] = fork();
		if (w[i] == 0) {
			close(fds[0]);
			worker_id = i;
			int f = worker(total / workers);
			long rec[2] = { procs, f };
			if (write(fds[1], rec, sizeof rec) != sizeof rec)
				_exit(3);
			_exit(f ? 1 : 0);
		}
		if (w[i] < 0) {
			perror("fork");
			return 2;
		}
	}
	close(fds[1]);
	long sum = workers, fails = 0, rec[2];
	while (read(fds[0], rec, sizeof rec) == sizeof rec) {
		sum += rec[0];
		fails += rec[1];
	}
	worker_id = -1;
	round_name = "main";
	for (int i = 0; i < workers; i++) {
		if (!fails)
			fails += expect(w[i], 0, "worker") != 0;
		else
			waitpid(w[i], NULL, 0);
	}
	printf("procs %ld failures %ld\n", sum, fails + failures);
	return fails + failures ? 1 : 0;
}
