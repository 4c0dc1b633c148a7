/* ptcost [N]: the unit costs of the cost model, measured directly.
 *   syscall_us  one getppid, untraced (like seccomp_us: the median of 5 runs in a child,
 *               alternating with seccomp_us's, 10 N calls each)
 *   stop_us     one ptrace syscall stop and resume (PTRACE_SYSCALL + waitpid), per stop
 *   getregs_us  one PTRACE_GETREGS on a stopped tracee
 *   peek_us     one PTRACE_PEEKDATA
 *   pread_us    one pread of 64 bytes of /proc/PID/mem
 *   secstop_us  one seccomp RET_TRACE stop and PTRACE_CONT (fakesys's stop), per stop
 *   seccomp_us  one getppid in a process with a one-instruction ALLOW seccomp filter
 *               (the floor for any seccomp-accelerated tracer: the syscall entry slow path)
 *   startup_us  what the least tracer adds to a run of a program that exits at once
 *               (ptcost itself, as `ptcost --exit`): the child seized before its exec, a
 *               filter that traces nothing it calls, the exec and exit events; the median
 *               of 21 runs, alternating with 21 untraced ones (fork, exec, wait)
 * Prints one line of key=value pairs. */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* getppid cost in a child of its own, under an allow-everything seccomp filter or none:
   both measured the same way, so that only the filter differs */
static double child_getppid_us(long n, int filtered)
{
	int fds[2];
	double us = -1;
	if (pipe(fds) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
		struct sock_fprog prog = { 1, allow };
		if (!filtered || (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
		                  syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)) {
			double t = now();
			for (long i = 0; i < n; i++)
				syscall(SYS_getppid);
			us = (now() - t) / n * 1e6;
		}
		if (write(fds[1], &us, sizeof us) != sizeof us)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &us, sizeof us) != sizeof us)
		us = -1;
	close(fds[0]);
	waitpid(pid, NULL, 0);
	return us;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of the n values in v (which it sorts). */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, by_value);
	return v[n / 2];
}

/* The median of 5 alternating runs each: getppid without and with the filter. */
static void getppid_costs(long n, double *plain_us, double *filtered_us)
{
	double plain[5], filtered[5];
	for (int i = 0; i < 5; i++) {
		plain[i] = child_getppid_us(n, 0);
		filtered[i] = child_getppid_us(n, 1);
	}
	*plain_us = median(plain, 5);
	*filtered_us = median(filtered, 5);
}

/* Installs a filter that returns TRACE for syscall nr alone. 0 or -1. */
static int trace_only(long nr)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { 4, f };
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0
	               ? 0
	               : -1;
}

/* seccomp stops: a child whose filter returns TRACE for getppid, resumed with PTRACE_CONT */
static double seccomp_stop_us(long n, double syscall_us)
{
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		if (trace_only(SYS_getppid) != 0)
			_exit(1);
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	int st;
	long stops = 0;
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		return -1;
	ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESECCOMP);
	double t = now();
	for (;;) {
		ptrace(PTRACE_CONT, pid, 0, 0);
		if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
			break;
		stops++;
	}
	double total = now() - t;
	return stops ? (total - n * syscall_us / 1e6) / stops * 1e6 : -1;
}

/* One run of `self --exit`: traced (seized, filtered, followed to its exit) or not. */
static double run_once_us(const char *self, int traced)
{
	int go[2];
	if (pipe(go) != 0)
		return -1;
	double t = now();
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(go[1]);
		/* traces openat, which `ptcost --exit` never calls */
		if (traced && (read(go[0], &c, 1) != 1 || trace_only(SYS_openat) != 0))
			_exit(1);
		execl(self, self, "--exit", (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	int st;
	if (traced && (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL) != 0 ||
	               write(go[1], "g", 1) != 1)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(go[1]);
		return -1;
	}
	close(go[1]);
	while (waitpid(pid, &st, 0) == pid && WIFSTOPPED(st))
		ptrace(PTRACE_CONT, pid, 0, 0); /* the exec event */
	return (now() - t) * 1e6;
}

/* The start-up floor: median traced run − median untraced run. */
static double startup_floor_us(const char *self)
{
	double plain[21], traced[21];
	for (int i = 0; i < 21; i++) {
		plain[i] = run_once_us(self, 0);
		traced[i] = run_once_us(self, 1);
	}
	double p = median(plain, 21), t = median(traced, 21);
	return p < 0 || t < 0 ? -1 : t - p;
}

static char target[64] = "/proc/sys/kernel/panic";

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return 0;
	long n = argc > 1 ? atol(argv[1]) : 2000;
	double syscall_us, seccomp_us;
	getppid_costs(n * 10, &syscall_us, &seccomp_us);

	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
		fprintf(stderr, "ptcost: child did not stop\n");
		return 1;
	}
	struct user_regs_struct regs;
	double t = now();
	for (long i = 0; i < n; i++)
		ptrace(PTRACE_GETREGS, pid, 0, &regs);
	double getregs_us = (now() - t) / n * 1e6;
	t = now();
	for (long i = 0; i < n; i++)
		ptrace(PTRACE_PEEKDATA, pid, (void *)target, 0);
	double peek_us = (now() - t) / n * 1e6;
	char path[64], buf[64];
	snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
	int mem = open(path, O_RDONLY | O_CLOEXEC);
	double pread_us = -1;
	if (mem >= 0) {
		t = now();
		for (long i = 0; i < n; i++)
			if (pread(mem, buf, sizeof buf, (off_t)(unsigned long)target) < 0)
				break;
		pread_us = (now() - t) / n * 1e6;
		close(mem);
	}
	ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD);
	long stops = 0;
	t = now();
	for (;;) {
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
		if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
			break;
		stops++;
	}
	double total = now() - t;
	/* the traced getppid calls themselves cost syscall_us each */
	double stop_us = stops ? (total - n * syscall_us / 1e6) / stops * 1e6 : -1;
	double secstop_us = seccomp_stop_us(n, syscall_us);
	char self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	double startup_us = -1;
	if (len > 0) {
		self[len] = '\0';
		startup_us = startup_floor_us(self);
	}
	printf("syscall_us=%.3f seccomp_us=%.3f stop_us=%.2f secstop_us=%.2f getregs_us=%.2f peek_us=%.2f pread_us=%.2f "
	       "startup_us=%.1f stops=%ld\n",
	       syscall_us, seccomp_us, stop_us, secstop_us, getregs_us, peek_us, pread_us, startup_us, stops);
	return 0;
}
