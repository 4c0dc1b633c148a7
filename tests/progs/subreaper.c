/* A child subreaper as containerd's shim uses one (sys/reaper, runtime/v2/shim): set the
   attribute, let a child fork a grandchild and exit, and reap the grandchild on SIGCHLD
   with wait4(-1, WNOHANG) until 0 or ECHILD; then waitid, blocking waits beside a real
   child, and ECHILD at the end. Prints what it saw, without pids, so that a native run
   (the kernel) and a run under fakesys can be compared line by line. Exit 1 when the
   kernel refuses the attribute, 2 on an unexpected failure.
   "subreaper late-death": a child that dies while the subreaper's blocking waitid is
   inside the kernel, past its look at the children (held there by a userfaultfd page
   under the siginfo, which the kernel writes after it looked). */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int sigchld_pipe[2];

static void on_sigchld(int sig)
{
	(void)sig;
	int saved = errno;
	if (write(sigchld_pipe[1], "c", 1) < 0) {
		/* full: a wake-up is pending anyway */
	}
	errno = saved;
}

static _Noreturn void fail(const char *what)
{
	printf("FAIL %s: %s\n", what, strerror(errno));
	exit(2);
}

static int get_subreaper(void)
{
	int value = -1;
	if (prctl(PR_GET_CHILD_SUBREAPER, &value, 0, 0, 0) < 0)
		fail("PR_GET_CHILD_SUBREAPER");
	return value;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
	}
}

/* In a grandchild: waits until its parent has died and it has been re-parented. */
static void wait_until_orphaned(pid_t parent)
{
	for (int i = 0; getppid() == parent; i++) {
		if (i == 20000)
			_exit(99);
		sleep_ms(1);
	}
}

/* Forks a child that forks a grandchild and exits 0 at once; the grandchild exits with
   code once it is an orphan (after a further delay_ms). Returns the child's pid; the
   grandchild's goes to *grandchild. */
static pid_t fork_orphan(int code, long delay_ms, pid_t *grandchild)
{
	int p[2];
	if (pipe(p) < 0)
		fail("pipe");
	pid_t child = fork();
	if (child < 0)
		fail("fork");
	if (child == 0) {
		pid_t me = getpid();
		pid_t g = fork();
		if (g == 0) {
			wait_until_orphaned(me);
			sleep_ms(delay_ms);
			_exit(code);
		}
		if (write(p[1], &g, sizeof g) != sizeof g)
			_exit(98);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], grandchild, sizeof *grandchild) != sizeof *grandchild)
		fail("read grandchild pid");
	close(p[0]);
	return child;
}

static const char *who(pid_t pid, pid_t child, pid_t grandchild)
{
	return pid == child ? "child" : pid == grandchild ? "grandchild" : "someone else";
}

/* containerd's reaper: on each SIGCHLD, wait4(-1, WNOHANG) until 0 or ECHILD. */
static void reap_like_containerd(void)
{
	pid_t grandchild, child = fork_orphan(7, 0, &grandchild);
	int seen = 0, exits[2] = { -1, -1 };
	while (seen < 2) {
		struct pollfd pfd = { sigchld_pipe[0], POLLIN, 0 };
		int n = poll(&pfd, 1, 20000);
		if (n == 0) {
			puts("containerd-style: no SIGCHLD within 20 s");
			exit(2);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("poll");
		}
		char buf[16];
		if (read(sigchld_pipe[0], buf, sizeof buf) < 0)
			fail("read");
		for (;;) {
			int status;
			struct rusage ru;
			pid_t pid = wait4(-1, &status, WNOHANG, &ru);
			if (pid == 0 || (pid < 0 && errno == ECHILD))
				break;
			if (pid < 0)
				fail("wait4");
			if (pid != child && pid != grandchild) {
				printf("containerd-style: reaped %s\n", who(pid, child, grandchild));
				exit(2);
			}
			exits[pid == grandchild] = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			seen++;
		}
	}
	printf("containerd-style: child exit %d, grandchild exit %d, both on SIGCHLD\n", exits[0], exits[1]);
	errno = 0;
	pid_t pid = wait4(-1, NULL, WNOHANG, NULL);
	printf("containerd-style: then wait4(-1, WNOHANG) = %d %s\n", (int)pid, pid < 0 ? strerror(errno) : "");
}

/* waitid for an orphan with only it left to wait for: blocking, WNOWAIT, P_PID. */
static void reap_with_waitid(void)
{
	pid_t grandchild, child = fork_orphan(9, 100, &grandchild);
	if (waitpid(child, NULL, 0) != child)
		fail("waitpid child");
	siginfo_t si;
	memset(&si, 0, sizeof si);
	if (waitid(P_PID, (id_t)grandchild, &si, WEXITED | WNOWAIT) < 0)
		fail("waitid WNOWAIT");
	printf("waitid: blocking P_PID WNOWAIT: signo %s code %s status %d %s uid %s\n",
	       si.si_signo == SIGCHLD ? "SIGCHLD" : "?", si.si_code == CLD_EXITED ? "CLD_EXITED" : "?", si.si_status,
	       who(si.si_pid, child, grandchild), si.si_uid == getuid() ? "mine" : "other");
	memset(&si, 0, sizeof si);
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0)
		fail("waitid P_ALL");
	printf("waitid: then P_ALL WNOHANG: status %d %s\n", si.si_status, who(si.si_pid, child, grandchild));
	errno = 0;
	int rc = waitid(P_ALL, 0, &si, WEXITED | WNOHANG);
	printf("waitid: then again: %d %s\n", rc, rc < 0 ? strerror(errno) : "");
}

/* Blocking wait4 beside a real child: the orphan's exit ends it, then the real child's. */
static void reap_blocking(void)
{
	int hold[2];
	if (pipe(hold) < 0)
		fail("pipe");
	pid_t real = fork();
	if (real == 0) {
		char c;
		close(hold[1]);
		_exit(read(hold[0], &c, 1) == 0 ? 3 : 97); /* exits when the parent closes it */
	}
	close(hold[0]);
	pid_t grandchild, child = fork_orphan(5, 200, &grandchild);
	int exits[2] = { -1, -1 };
	for (int i = 0; i < 2; i++) {
		int status;
		pid_t pid = wait4(-1, &status, 0, NULL);
		if (pid < 0)
			fail("wait4 blocking");
		if (pid != child && pid != grandchild) {
			printf("blocking: got %s first\n", pid == real ? "the real child" : "someone else");
			exit(2);
		}
		exits[pid == grandchild] = WEXITSTATUS(status);
	}
	close(hold[1]);
	int status;
	pid_t pid = waitpid(-1, &status, 0);
	printf("blocking: child exit %d, grandchild exit %d, then %s exit %d\n", exits[0], exits[1],
	       pid == real ? "the real child" : "someone else", WEXITSTATUS(status));
	errno = 0;
	pid = waitpid(-1, NULL, 0);
	printf("blocking: then waitpid(-1) = %d %s\n", (int)pid, pid < 0 ? strerror(errno) : "");
}

struct late_death {
	int uffd, hold;  /* the userfaultfd; the pipe end whose close ends the child */
	void *page;
};

/* Holds the waitid's siginfo page. Under fakesys's WNOHANG wait, the kernel writes it
   at once (nothing found): then the child dies, the tracer has time to see that, and the
   page comes. The kernel's own blocking waitid writes it only once the child is dead:
   the child dies after 0.5 s with no fault. */
static void *release_late(void *arg)
{
	struct late_death *l = arg;
	struct pollfd pfd = { l->uffd, POLLIN, 0 };
	bool early = poll(&pfd, 1, 500) == 1;
	close(l->hold);
	struct uffd_msg msg;
	if ((!early && poll(&pfd, 1, 20000) != 1) || read(l->uffd, &msg, sizeof msg) != sizeof msg ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		printf("late-death: no fault on the siginfo\n");
		exit(2);
	}
	if (early)
		sleep_ms(300);
	struct uffdio_zeropage zero = { .range = { (unsigned long)l->page, (unsigned long)sysconf(_SC_PAGESIZE) } };
	if (ioctl(l->uffd, UFFDIO_ZEROPAGE, &zero) < 0)
		fail("UFFDIO_ZEROPAGE");
	return NULL;
}

static void late_death(void)
{
	long pagesize = sysconf(_SC_PAGESIZE);
	struct late_death l;
	int hold[2];
	l.uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	struct uffdio_api api = { .api = UFFD_API };
	if (l.uffd < 0 || ioctl(l.uffd, UFFDIO_API, &api) < 0)
		fail("userfaultfd");
	l.page = mmap(NULL, (size_t)pagesize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct uffdio_register reg = { .range = { (unsigned long)l.page, (unsigned long)pagesize },
		                       .mode = UFFDIO_REGISTER_MODE_MISSING };
	if (l.page == MAP_FAILED || ioctl(l.uffd, UFFDIO_REGISTER, &reg) < 0)
		fail("UFFDIO_REGISTER");
	if (pipe(hold) < 0)
		fail("pipe");
	pid_t child = fork();
	if (child == 0) {
		char c;
		close(hold[1]);
		_exit(read(hold[0], &c, 1) == 0 ? 3 : 97);
	}
	close(hold[0]);
	l.hold = hold[1];
	pthread_t releaser;
	if (pthread_create(&releaser, NULL, release_late, &l))
		fail("pthread_create");
	siginfo_t *si = l.page;
	if (waitid(P_ALL, 0, si, WEXITED) < 0)
		fail("waitid");
	pthread_join(releaser, NULL);
	printf("late-death: waitid found %s, exit %d\n", si->si_pid == child ? "the child" : "nothing",
	       si->si_status);
}

/* The attribute is a process's own: not inherited by fork, kept across execve. */
static void attribute_scope(char *self)
{
	pid_t pid = fork();
	if (pid == 0) {
		printf("fork child: get %d\n", get_subreaper());
		fflush(stdout);
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
			_exit(2);
		execl(self, self, "get", (char *)NULL);
		_exit(2);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("attribute scope child");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "get")) {
		printf("after execve: get %d\n", get_subreaper());
		return 0;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		printf("PR_SET_CHILD_SUBREAPER: %s\n", strerror(errno));
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "late-death")) {
		late_death();
		return 0;
	}
	printf("set: get %d\n", get_subreaper());
	if (prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0) < 0)
		fail("clear");
	printf("cleared: get %d\n", get_subreaper());
	if (prctl(PR_SET_CHILD_SUBREAPER, 42, 0, 0, 0) < 0)
		fail("set 42");
	printf("set 42: get %d\n", get_subreaper());
	attribute_scope("/proc/self/exe");

	if (pipe(sigchld_pipe) < 0)
		fail("pipe");
	struct sigaction sa = { .sa_handler = on_sigchld, .sa_flags = SA_RESTART | SA_NOCLDSTOP };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	reap_like_containerd();
	reap_with_waitid();
	reap_blocking();
	return 0;
}
