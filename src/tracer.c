/* The event loop. Every tracee stop goes through dispatch(); per-task state lives in
   struct task (tasks.h), so the loop never relies on the order of stops, which
   differs between Linux (entry, SECCOMP, exit) and gVisor (SECCOMP, entry, exit).
   What happens at each kind of stop lives elsewhere: intercept.c (path syscalls),
   task_events.c (clone, exec, group-stops), startup.c and signals.c. */
#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "adaptive_wait.h"
#include "fake_fds.h"
#include "grow.h"
#include "intercept.h"
#include "metrics.h"
#include "mount_namespaces.h"
#include "signals.h"
#include "startup.h"
#include "stats.h"
#include "subreaper.h"
#include "task_events.h"
#include "tracer_internal.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

const struct tracer_config *tracer_cfg;
bool tracer_use_seccomp;
bool tracer_entry_after_seccomp;
volatile pid_t tracer_main_pid;
bool tracer_cmd_executed;
static int main_status;
static bool main_exited;

void tracer_resume(struct task *t, int sig)
{
	/* With seccomp, a task runs freely unless an exit stop is needed or its fd table
	   holds a fake opened for writing (whose writes fakesys plays). */
	int req = (!tracer_use_seccomp || t->phase != PHASE_RUNNING || files_watched(t)) ? PTRACE_SYSCALL : PTRACE_CONT;
	ptrace(req, t->tid, 0, sig); /* ESRCH: it died; its exit is reported by waitpid */
}

void tracer_skip_call(struct task *t, arch_regs *regs, long result)
{
	arch_set_syscall_nr(regs, -1);
	arch_set_result(regs, result);
	t->skip_result = result;
	if (arch_set_regs(t->tid, regs) < 0)
		return;
	/* Linux returns the result set here; gVisor needs it again at the exit stop. */
	tracer_resume_to_exit(t, PHASE_SKIPPED);
}

void tracer_resume_to_exit(struct task *t, enum phase phase)
{
	t->phase = phase;
	/* Only a seccomp stop is followed by gVisor's extra entry stop. */
	t->expect_entry = t->at_seccomp_stop && tracer_entry_after_seccomp;
	tracer_resume(t, 0);
}

static void on_syscall_stop(struct task *t)
{
	t->at_seccomp_stop = false;
	if (tracer_use_seccomp && t->expect_entry) {
		t->expect_entry = false;
		ptrace(PTRACE_SYSCALL, t->tid, 0, 0);
		return;
	}
	if (tracer_use_seccomp && t->phase != PHASE_RUNNING) {
		intercept_exit(t);
		return;
	}
	/* Every call stops twice (no seccomp, or a fd table that holds a fake opened for
	   writing); entry and exit alternate. Only after a stop that can come in the middle
	   of a call (a signal, PTRACE_INTERRUPT) is it unknown which comes next: then the
	   entry marker says. (gVisor does not always set the marker at an entry, e.g. right
	   after a cancelled call: it cannot be the rule.) */
	arch_regs regs;
	if (arch_get_regs(t->tid, &regs) < 0)
		return;
	if (t->syscall_unknown)
		t->in_syscall = arch_entry_marker_is_set(&regs);
	else
		t->in_syscall = !t->in_syscall;
	t->syscall_unknown = false;
	if (!t->in_syscall)
		intercept_exit(t);
	else if (!tracer_use_seccomp)
		intercept_entry(t, regs);
	else if (!fake_fds_entry(t, &regs)) /* path syscalls have their seccomp stop */
		tracer_resume(t, 0);
}

static void dispatch(struct task *t, int status)
{
	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;
	if (sig == SYSCALL_STOP) {
		on_syscall_stop(t);
		return;
	}
	if (event == PTRACE_EVENT_STOP) {
		t->syscall_unknown = true;
		task_event_group_stop(t, sig);
		return;
	}
	if (sig == SIGTRAP && event) {
		switch (event) {
		case PTRACE_EVENT_SECCOMP: {
			arch_regs regs;
			/* Linux stops here after the entry, gVisor before it. */
			t->in_syscall = !tracer_entry_after_seccomp;
			t->at_seccomp_stop = true;
			if (arch_get_regs(t->tid, &regs) == 0)
				intercept_entry(t, regs);
			return;
		}
		case PTRACE_EVENT_FORK:
		case PTRACE_EVENT_VFORK:
		case PTRACE_EVENT_CLONE:
			task_event_clone(t, event);
			return;
		case PTRACE_EVENT_EXEC:
			tracer_cmd_executed = true;
			task_event_exec(t);
			return;
		case PTRACE_EVENT_EXIT: /* asked for by the child-subreaper and mount-ns-teardown fix-ups only */
			subreaper_task_exiting(t);
			mount_ns_task_exiting(t);
			tracer_resume(t, 0);
			return;
		default:
			tracer_resume(t, 0);
			return;
		}
	}
	/* A signal on its way to the task: deliver it unchanged. */
	t->syscall_unknown = true;
	tracer_resume(t, sig);
}

/* A stop or an exit, as wait4 reported it. */
struct report {
	pid_t tid;
	int status;
	struct rusage ru; /* an adopted orphan's, for its emulated reaper (subreaper.c) */
};

static void handle(pid_t tid, int status, const struct rusage *ru)
{
	struct timespec stopped;
	clock_gettime(CLOCK_MONOTONIC, &stopped);
	struct task *t = task_find(tid);
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		bool cmd = tid == tracer_main_pid;
		if (cmd) {
			main_status = status;
			main_exited = true;
			tracer_main_pid = 0; /* the pid may be reused: forward no more signals */
		}
		if (t && !t->exited) {
			pid_t tgid = t->tgid;
			task_exited(t);
			subreaper_task_reaped(tid, tgid, status, ru);
			mount_ns_task_reaped(tid, tgid);
		}
		/* Only where traced processes outlive CMD: without them the loop ends at its
		   next wait (the handlers are 11 sigactions, ~0.6 ms in gVisor). */
		if (cmd && stats.live_tasks > 0)
			signals_cmd_exited();
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	stats.stops++;
	if (t && t->exited) {
		task_remove(t); /* a tombstone, and its tid is in use again */
		t = NULL;
	}
	if (!t && (unsigned)status >> 16 == PTRACE_EVENT_EXEC) {
		/* A leader whose death was reported comes back after a thread's exec. */
		t = task_add(tid);
		t->attached = t->claimed = true;
	}
	if (!t) {
		/* A new task stopped before its creator's clone event. */
		t = task_add(tid);
		if (!task_event_early_start(t, (unsigned)status >> 16 == PTRACE_EVENT_EXIT)) {
			t->attached = true; /* held until the event */
			return;
		}
	}
	if (!t->attached) {
		/* The first stop of a task. */
		t->attached = true;
		if ((unsigned)status >> 16 == PTRACE_EVENT_STOP) {
			tracer_resume(t, 0);
			return;
		}
	}
	dispatch(t, status);
	struct timespec resumed;
	clock_gettime(CLOCK_MONOTONIC, &resumed);
	stats_stop_handled((double)(resumed.tv_sec - stopped.tv_sec) * 1e6 +
	                   (double)(resumed.tv_nsec - stopped.tv_nsec) / 1e3);
}

/* Every report pending now, waiting for the first; 0 if a signal came first, -1 once
   every tracee is gone. Linux's wait reports the most recently attached tracees
   first, so a loop that handled one report per wait starved the oldest tasks while
   new threads kept stopping (a process that made threads in a loop never saw its
   main thread resumed): each round handles all of them, as strace does. A stopped
   task has one report at most, so the rounds are as big as the tree at most. */
static long wait_round(struct report **reports, size_t *cap)
{
	size_t n = 0;
	for (;;) {
		*reports = grow_for_one(*reports, n, cap, sizeof **reports, 64);
		struct report *r = &(*reports)[n];
		r->tid = n ? wait4(-1, &r->status, __WALL | WNOHANG, &r->ru) : adaptive_wait(&r->status, &r->ru);
		if (r->tid <= 0)
			return n || errno == EINTR ? (long)n : -1; /* -1: ECHILD */
		/* One traced task cannot be starved: no extra wait4 per stop then. */
		if (++n && stats.live_tasks <= 1)
			return (long)n;
	}
}

static void loop(void)
{
	struct report *reports = NULL;
	size_t cap = 0;
	for (;;) {
		signals_pass_on_pending();
		metrics_poll();
		long n = wait_round(&reports, &cap);
		if (n < 0)
			break;
		for (long i = 0; i < n; i++)
			handle(reports[i].tid, reports[i].status, &reports[i].ru);
	}
	free(reports);
}

int tracer_run(const struct tracer_config *config)
{
	tracer_cfg = config;
	signals_install();
	/* One /proc/PID/mem fd per traced address space: the limit as high as it goes. */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
		struct rlimit raised = { nofile.rlim_max, nofile.rlim_max };
		setrlimit(RLIMIT_NOFILE, &raised);
	}
	bool inherits_dir;
	pid_t pid = startup_child(config->child, &inherits_dir);
	if (pid < 0)
		return 125;
	struct task *t = task_add(pid);
	t->attached = t->claimed = true;
	/* Learn mode sees every name, so it never skips a dirfd (redirect.c). */
	t->files->may_reach_fakes = inherits_dir || config->learner;
	t->mm = mm_new();
	t->fs = fs_new("/"); /* fakesys's own root, as fakesys names it */
	stats_task_added();
	subreaper_process_started(pid, getpid());
	mount_ns_process_started(pid, 0, 0);
	tracer_main_pid = pid;
	metrics_start();
	loop();
	if (!main_exited)
		return 125;
	if (WIFEXITED(main_status))
		return WEXITSTATUS(main_status);
	return 128 + WTERMSIG(main_status);
}
