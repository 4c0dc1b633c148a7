/* The event loop. Every tracee stop goes through dispatch(); per-task state lives in
   struct task (tasks.h), so the loop never relies on the order of stops, which
   differs between Linux (entry, SECCOMP, exit) and gVisor (SECCOMP, entry, exit). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "log.h"
#include "memory.h"
#include "redirect.h"
#include "seccomp_filter.h"
#include "stats.h"
#include "tracer.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef CLONE_VM
#define CLONE_VM 0x00000100
#define CLONE_VFORK 0x00004000
#define CLONE_THREAD 0x00010000
#define CLONE_FS 0x00000200
#endif

#define SYSCALL_STOP (SIGTRAP | 0x80)

struct pending_log {
	const char *syscall;
	const char *action;
	char path[PATH_MAX];
	char target[PATH_MAX];
};

static const struct tracer_config *cfg;
static bool use_seccomp;
/* gVisor reports a syscall-entry stop between a seccomp stop and the exit stop;
   measured once at start-up by a probe call (see probe_stop_order). */
static bool entry_after_seccomp;
static volatile pid_t main_pid;
/* fakesys keeps one /proc/PID/mem fd per traced address space, so it raises its own fd
   limit; CMD gets the limit fakesys was started with. */
static struct rlimit original_nofile;
static int main_status;
static bool main_exited;

/* ---- resuming ---------------------------------------------------------------- */

static void resume(struct task *t, int sig)
{
	/* With seccomp, a task runs freely unless an exit stop is needed. */
	int req = (!use_seccomp || t->phase != PHASE_RUNNING) ? PTRACE_SYSCALL : PTRACE_CONT;
	ptrace(req, t->tid, 0, sig); /* ESRCH: it died; its exit is reported by waitpid */
}

/* Leaves a syscall entry with the task waiting for the call's exit stop. */
static void resume_to_exit(struct task *t, enum phase phase)
{
	t->phase = phase;
	t->expect_entry = use_seccomp && entry_after_seccomp;
	resume(t, 0);
}

/* ---- rewriting a call -------------------------------------------------------- */

/* Maps the scratch area by running mmap in place of the current call; the call is
   re-executed once the mapping exists (see on_exit_stop). */
static void inject_scratch(struct task *t, const arch_regs *regs)
{
	arch_regs inj = *regs;
	t->saved = *regs;
	arch_set_syscall_nr(&inj, SYS_mmap);
	arch_set_arg(&inj, 0, 0);
	arch_set_arg(&inj, 1, SCRATCH_SIZE);
	arch_set_arg(&inj, 2, PROT_READ | PROT_WRITE);
	arch_set_arg(&inj, 3, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE);
	arch_set_arg(&inj, 4, (uint64_t)-1);
	arch_set_arg(&inj, 5, 0);
	if (arch_set_regs(t->tid, &inj) < 0)
		return;
	stats.injected++;
	resume_to_exit(t, PHASE_INJECTED);
}

static void remember_for_log(struct task *t, const struct request *req, const char *action, const char *target)
{
	if (!audit_enabled())
		return;
	if (!t->log && !(t->log = malloc(sizeof *t->log)))
		die_oom();
	t->log->syscall = req->desc->name;
	t->log->action = action;
	snprintf(t->log->path, sizeof t->log->path, "%s", req->where.path);
	snprintf(t->log->target, sizeof t->log->target, "%s", target);
}

static const char *action_name(enum action a)
{
	static const char *const names[] = {
		[ACTION_PASS] = "pass", [ACTION_READ] = "read", [ACTION_WRITE] = "write",
		[ACTION_DIR] = "dir",   [ACTION_REAL] = "real", [ACTION_SKIP] = "skip",
	};
	return names[a];
}

/* Chooses what the tracee gets instead. Returns false to let the call through. */
static bool choose_target(struct task *t, struct request *req, const char **target, bool *stable,
                          char scratch_buf[PATH_MAX])
{
	*stable = true;
	switch (req->action) {
	case ACTION_PASS:
	case ACTION_SKIP:
		return false;
	case ACTION_READ:
		if (store_read_target(cfg->store, t->tgid, req->match.rule, target))
			break;
		req->action = ACTION_REAL; /* real-first rule whose real file is readable */
		return choose_target(t, req, target, stable, scratch_buf);
	case ACTION_DIR:
		if (store_dir_target(cfg->store, t->tgid, req->match.dir, target))
			break;
		req->action = ACTION_REAL; /* the real directory already lists every fake */
		return choose_target(t, req, target, stable, scratch_buf);
	case ACTION_REAL:
		/* Only a path reached through a mirror needs rewriting to the real one. */
		if (!req->through_mirror)
			return false;
		*target = req->where.path;
		*stable = false;
		return true;
	case ACTION_WRITE:
		if (store_new_writer(cfg->store, req->match.rule, req->write_prefill, scratch_buf) < 0) {
			msg("cannot create a writer file for %s: %s", req->where.path, strerror(errno));
			req->error = errno;
			return false;
		}
		*target = scratch_buf;
		*stable = false;
		return true;
	}
	if (req->where.must_be_dir) {
		/* Keep the caller's trailing slash so a file still fails with ENOTDIR. */
		snprintf(scratch_buf, PATH_MAX, "%s/", *target);
		*target = scratch_buf;
		*stable = false;
	}
	return true;
}

static void skip_call(struct task *t, arch_regs *regs, long result)
{
	arch_set_syscall_nr(regs, -1);
	arch_set_result(regs, result);
	t->skip_result = result;
	if (arch_set_regs(t->tid, regs) < 0)
		return;
	/* Linux returns the result set here; gVisor needs it again at the exit stop. */
	resume_to_exit(t, PHASE_SKIPPED);
}

/* Resumes a task after its entry stop; an exit stop is taken only when the call
   must be logged or changes the fs_struct. */
static void finish_entry(struct task *t)
{
	if (t->log || t->fs_change != FS_KEEP)
		resume_to_exit(t, PHASE_AFTER_CALL);
	else
		resume(t, 0);
}

/* After chdir into a directory with fake entries the cwd is a store mirror; getcwd
   answers with the directory it stands for. Other cwds pass untouched. */
static void answer_getcwd(struct task *t, arch_regs *regs)
{
	char virt[PATH_MAX];
	if (!redirect_cwd_in_mirror(t, cfg->store, virt)) {
		finish_entry(t);
		return;
	}
	size_t len = strlen(virt) + 1;
	long result = (long)len;
	if (len > arch_arg(regs, 1))
		result = -ERANGE;
	else if (mem_write_result(t, arch_arg(regs, 0), virt, len) < 0)
		result = -EFAULT;
	skip_call(t, regs, result);
}

/* A call fakesys cannot redirect goes on untouched, except a write to a fake: that one
   fails with err rather than reach the real kernel file. */
static void cannot_redirect(struct task *t, const struct request *req, arch_regs *regs, int err)
{
	if (req->action != ACTION_WRITE) {
		finish_entry(t);
		return;
	}
	remember_for_log(t, req, "refused", "");
	skip_call(t, regs, -err);
}

static void on_path_syscall(struct task *t, arch_regs regs)
{
	const struct syscall_desc *d = syscall_lookup(arch_syscall_nr(&regs));
	if (!d) {
		resume(t, 0);
		return;
	}
	stats.intercepted++;
	enum fs_change change = redirect_fs_change(d, &regs);
	if (change != FS_KEEP)
		fs_change_begin(t, change);
	if (d->access == ACCESS_GETCWD) {
		answer_getcwd(t, &regs);
		return;
	}
	struct request req;
	if (d->path_arg < 0 || !redirect_classify(t, &regs, d, cfg->rules, cfg->store, &req)) {
		finish_entry(t);
		return;
	}
	if (req.action == ACTION_SKIP) {
		remember_for_log(t, &req, req.error ? "refused" : "skip", "");
		skip_call(t, &regs, -req.error);
		return;
	}
	if (!t->mm->scratch) {
		if (t->mm->scratch_failed)
			cannot_redirect(t, &req, &regs, EIO);
		else
			inject_scratch(t, &regs);
		return;
	}

	static char buf[PATH_MAX];
	const char *target;
	bool stable;
	uint64_t addr;
	if (!choose_target(t, &req, &target, &stable, buf)) {
		if (req.action == ACTION_REAL && req.match.kind == MATCH_FILE)
			remember_for_log(t, &req, "real", req.where.path);
		cannot_redirect(t, &req, &regs, req.error);
		return;
	}
	if (scratch_place(t, target, stable, &addr) < 0) {
		msg("cannot write to the scratch area of task %d; %s not redirected", (int)t->tid, req.where.path);
		cannot_redirect(t, &req, &regs, EIO);
		return;
	}
	arch_set_arg(&regs, d->path_arg, addr);
	/* gVisor rejects AT_NO_AUTOMOUNT on every path; it means nothing for the store. */
	if (d->flags_where == FLAGS_AT && req.action != ACTION_REAL)
		arch_set_arg(&regs, d->flags_arg, req.flags & ~(uint64_t)AT_NO_AUTOMOUNT);
	if (arch_set_regs(t->tid, &regs) < 0)
		return;
	stats.redirected++;
	remember_for_log(t, &req, action_name(req.action), target);
	finish_entry(t);
}

static void log_result(struct task *t, long result)
{
	if (!t->log)
		return;
	struct audit_event e = {
		.pid = t->tgid, .tid = t->tid, .syscall = t->log->syscall, .path = t->log->path,
		.action = t->log->action, .target = t->log->target, .result = result,
	};
	audit(&e);
	free(t->log);
	t->log = NULL;
}

/* The exit stop of a call the task was resumed into with PTRACE_SYSCALL. */
static void on_exit_stop(struct task *t)
{
	enum phase phase = t->phase;
	t->phase = PHASE_RUNNING;
	long result = 0;
	switch (phase) {
	case PHASE_RUNNING:
		break;
	case PHASE_INJECTED: {
		arch_regs regs;
		if (arch_get_regs(t->tid, &regs) < 0)
			return;
		long addr = arch_result(&regs);
		if (addr < 0 && addr > -4096) {
			msg("cannot map a scratch area in process %d: %s; its paths are left alone", (int)t->tgid,
			    strerror((int)-addr));
			t->mm->scratch_failed = true;
		} else if (!t->mm->scratch) {
			/* Threads that raced into their first redirect each mapped one; the first
			   stays in use, the others are only reserved address space. */
			t->mm->scratch = (uint64_t)addr;
		}
		/* Run the interrupted call again; it stops once more and is handled anew. */
		arch_rewind_syscall(&t->saved);
		if (arch_set_regs(t->tid, &t->saved) < 0)
			return;
		break;
	}
	case PHASE_SKIPPED:
		result = t->skip_result;
		if (arch_poke_result(t->tid, result) < 0)
			return;
		log_result(t, result);
		break;
	case PHASE_AFTER_CALL:
		if (t->fs_change != FS_KEEP) {
			/* Only unshare's result matters: it decides whether the fs_struct is shared. */
			if (t->fs_change == FS_UNSHARE && arch_peek_result(t->tid, &result) < 0)
				return;
			fs_change_end(t, result == 0);
		}
		if (t->log) {
			if (arch_peek_result(t->tid, &result) < 0)
				return;
			log_result(t, result);
		}
		break;
	}
	resume(t, 0);
}

static void on_syscall_stop(struct task *t)
{
	if (use_seccomp) {
		if (t->expect_entry) {
			t->expect_entry = false;
			ptrace(PTRACE_SYSCALL, t->tid, 0, 0);
			return;
		}
		on_exit_stop(t);
		return;
	}
	/* Without seccomp every call stops twice; entry and exit alternate. The entry
	   marker corrects the count if a stop was missed (an interrupted call). */
	arch_regs regs;
	if (arch_get_regs(t->tid, &regs) < 0)
		return;
	t->in_syscall = !t->in_syscall && arch_entry_marker_is_set(&regs);
	if (t->in_syscall)
		on_path_syscall(t, regs);
	else
		on_exit_stop(t);
}

/* ---- process events ---------------------------------------------------------- */

static unsigned long clone_flags(struct task *t, int event)
{
	arch_regs regs;
	if (arch_get_regs(t->tid, &regs) == 0) {
		long nr = arch_syscall_nr(&regs);
		if (nr == SYS_clone)
			return arch_arg(&regs, 0);
		uint64_t flags;
		if (nr == SYS_clone3 && mem_read(t, arch_arg(&regs, 0), &flags, sizeof flags) == 0)
			return flags;
	}
	/* fork, vfork, or registers we could not read: the event says enough. */
	return event == PTRACE_EVENT_CLONE ? CLONE_VM | CLONE_THREAD | CLONE_FS
	     : event == PTRACE_EVENT_VFORK ? CLONE_VM | CLONE_VFORK : 0;
}

static void on_clone(struct task *parent, int event)
{
	unsigned long msgval;
	stats_tracer_call();
	if (ptrace(PTRACE_GETEVENTMSG, parent->tid, 0, &msgval) < 0)
		return;
	pid_t tid = (pid_t)msgval;
	unsigned long flags = clone_flags(parent, event);
	struct task *child = task_find(tid);
	if (!child)
		child = task_add(tid);
	stats.tasks++;
	child->claimed = true;
	child->tgid = (flags & CLONE_THREAD) ? parent->tgid : tid;
	task_set_mm(child, (flags & CLONE_VM) ? mm_get(parent->mm) : mm_fork(parent->mm));
	task_set_fs_from(child, parent, flags & CLONE_FS);
	if (child->attached)
		resume(child, 0);
	resume(parent, 0);
}

static void drop_other_threads(struct task *t, void *arg)
{
	const struct task *execer = arg;
	if (t != execer && t->tgid == execer->tgid)
		task_remove(t);
}

static void on_exec(struct task *t)
{
	unsigned long former;
	struct task *old = NULL;
	stats_tracer_call();
	if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &former) == 0 && (pid_t)former != t->tid)
		old = task_find((pid_t)former);
	/* A non-leader thread exec'd and took over the leader's tid, with its own fs_struct;
	   its old tid is never reported again, and the other threads are gone. */
	task_take_fs(t, old);
	if (old)
		task_remove(old);
	task_for_each(drop_other_threads, t);
	task_set_mm(t, mm_new());
	t->phase = PHASE_RUNNING;
	t->expect_entry = false;
	if (t->fs_change != FS_KEEP)
		fs_change_end(t, false);
	t->in_syscall = true; /* --no-seccomp: execve's exit stop comes next */
	free(t->log);
	t->log = NULL;
	resume(t, 0);
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void on_event_stop(struct task *t, int sig)
{
	if (!is_stop_signal(sig)) {
		resume(t, 0); /* end of a group-stop after PTRACE_LISTEN */
		return;
	}
	/* A group-stop: stay stopped but let SIGCONT through. Should the kernel refuse (the
	   stop already ended), run on rather than leave the task stopped for good. */
	if (ptrace(PTRACE_LISTEN, t->tid, 0, 0) < 0 && errno != ESRCH) {
		resume(t, 0);
		return;
	}
	/* The shell that started fakesys should see its job stop when CMD stops at the
	   terminal's request, as it would without fakesys. */
	if (t->tid == main_pid && sig != SIGSTOP)
		raise(SIGSTOP);
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
		on_event_stop(t, sig);
		return;
	}
	if (sig == SIGTRAP && event) {
		switch (event) {
		case PTRACE_EVENT_SECCOMP: {
			arch_regs regs;
			if (arch_get_regs(t->tid, &regs) == 0)
				on_path_syscall(t, regs);
			return;
		}
		case PTRACE_EVENT_FORK:
		case PTRACE_EVENT_VFORK:
		case PTRACE_EVENT_CLONE:
			on_clone(t, event);
			return;
		case PTRACE_EVENT_EXEC:
			on_exec(t);
			return;
		default:
			resume(t, 0);
			return;
		}
	}
	/* A signal on its way to the task: deliver it unchanged. */
	resume(t, sig);
}

static void loop(void)
{
	for (;;) {
		int status;
		pid_t tid = waitpid(-1, &status, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: every tracee is gone */
		}
		struct task *t = task_find(tid);
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (tid == main_pid) {
				main_status = status;
				main_exited = true;
				main_pid = 0; /* the pid may be reused: forward no more signals */
			}
			if (t)
				task_remove(t);
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		stats.stops++;
		if (!t && (unsigned)status >> 16 == PTRACE_EVENT_EXEC) {
			/* A leader whose death was reported comes back after a thread's exec. */
			t = task_add(tid);
			t->attached = t->claimed = true;
		}
		if (!t) {
			/* A new task stopped before its creator's clone event: hold it until we
			   know its address space. */
			t = task_add(tid);
			t->attached = true;
			continue;
		}
		if (!t->attached) {
			/* The first stop of a task whose creator was already seen. */
			t->attached = true;
			if ((unsigned)status >> 16 == PTRACE_EVENT_STOP) {
				resume(t, 0);
				continue;
			}
		}
		dispatch(t, status);
	}
}

/* ---- signals to fakesys ------------------------------------------------------ */

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
                                 SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH };
#define NFORWARDED (sizeof forwarded / sizeof forwarded[0])
static struct sigaction original[NFORWARDED + 1]; /* + SIGPIPE */

static void forward_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/* A signal from the terminal already reached CMD, which shares our process
	   group; one sent to fakesys alone is passed on. */
	if (si->si_code == SI_KERNEL)
		return;
	if (main_pid > 0)
		kill(main_pid, sig);
}

static void install_signal_handlers(void)
{
	struct sigaction sa = { .sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART };
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &sa, &original[i]);
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigaction(SIGPIPE, &ign, &original[NFORWARDED]);
}

/* CMD inherits the dispositions fakesys was started with, not fakesys's own. */
static void restore_signal_handlers(void)
{
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &original[i], NULL);
	sigaction(SIGPIPE, &original[NFORWARDED], NULL);
}

/* ---- start-up ---------------------------------------------------------------- */

static _Noreturn void child_main(char **argv, int go_fd, int status_fd, bool want_seccomp)
{
	restore_signal_handlers();
	setrlimit(RLIMIT_NOFILE, &original_nofile);
	char c;
	/* Wait until the parent has seized us: nothing may run untraced. */
	if (read(go_fd, &c, 1) != 1)
		_exit(125);
	int rc = want_seccomp ? seccomp_install() : 1;
	if (write(status_fd, &rc, sizeof rc) != sizeof rc || read(go_fd, &c, 1) != 1)
		_exit(125);
	close(go_fd);
	close(status_fd);
	if (rc == 0)
		syscall(SYS_faccessat, -1, "", 0); /* the probe: see probe_stop_order */
	execvp(argv[0], argv);
	int err = errno;
	msg("%s: %s", argv[0], strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

static void explain_ptrace_failure(int err)
{
	char why[160] = "";
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	int scope;
	if (f && fscanf(f, "%d", &scope) == 1 && scope >= 2)
		snprintf(why, sizeof why, " (kernel.yama.ptrace_scope is %d%s)", scope,
		         scope == 3 ? ": ptrace is disabled" : ": CAP_SYS_PTRACE is needed");
	else if (err == EPERM)
		snprintf(why, sizeof why, " (missing CAP_SYS_PTRACE, or a seccomp policy forbids ptrace)");
	if (f)
		fclose(f);
	msg("cannot trace: ptrace: %s%s", strerror(err), why);
}

static int wait_for(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, __WALL) < 0)
		if (errno != EINTR)
			return -1;
	stats.stops++;
	return status;
}

/* Learns whether this kernel reports an entry stop after a seccomp stop (gVisor)
   from the child's probe call, whose result is never -ENOSYS. */
static int probe_stop_order(pid_t pid)
{
	int st = wait_for(pid);
	if (st < 0 || !WIFSTOPPED(st) || (unsigned)st >> 16 != PTRACE_EVENT_SECCOMP)
		return -1;
	ptrace(PTRACE_SYSCALL, pid, 0, 0);
	st = wait_for(pid);
	if (st < 0 || !WIFSTOPPED(st) || WSTOPSIG(st) != SYSCALL_STOP)
		return -1;
	arch_regs regs;
	if (arch_get_regs(pid, &regs) < 0)
		return -1;
	if (arch_entry_marker_is_set(&regs)) {
		entry_after_seccomp = true;
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
		st = wait_for(pid);
		if (st < 0 || !WIFSTOPPED(st) || WSTOPSIG(st) != SYSCALL_STOP)
			return -1;
	}
	ptrace(PTRACE_CONT, pid, 0, 0);
	return 0;
}

static pid_t start_child(void)
{
	int go[2], status[2];
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(status, O_CLOEXEC) < 0) {
		msg("pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		msg("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(go[1]);
		close(status[0]);
		child_main(cfg->argv, go[0], status[1], !cfg->no_seccomp);
	}
	close(go[0]);
	close(status[1]);
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
	            PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL;
	int rc = -1;
	if (ptrace(PTRACE_SEIZE, pid, 0, opts) < 0) {
		explain_ptrace_failure(errno);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(go[1]);
		close(status[0]);
		return -1;
	}
	if (write(go[1], "g", 1) != 1 || read(status[0], &rc, sizeof rc) != sizeof rc)
		rc = -EPIPE;
	use_seccomp = rc == 0;
	if (!use_seccomp) {
		if (!cfg->no_seccomp)
			msg("warning: seccomp filter unavailable (%s); stopping at every syscall", strerror(-rc));
		/* Stop the child where it waits, so that it runs every call under PTRACE_SYSCALL. */
		ptrace(PTRACE_INTERRUPT, pid, 0, 0);
		int st = wait_for(pid);
		if (st < 0 || !WIFSTOPPED(st)) {
			msg("cannot stop the child for syscall tracing");
			return -1;
		}
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
	}
	if (write(go[1], "g", 1) != 1) {
		msg("cannot start the child");
		return -1;
	}
	close(go[1]);
	close(status[0]);
	if (use_seccomp && probe_stop_order(pid) < 0) {
		msg("unexpected stop while probing the child");
		return -1;
	}
	return pid;
}

int tracer_run(const struct tracer_config *config)
{
	cfg = config;
	install_signal_handlers();
	if (getrlimit(RLIMIT_NOFILE, &original_nofile) == 0) {
		struct rlimit raised = { original_nofile.rlim_max, original_nofile.rlim_max };
		setrlimit(RLIMIT_NOFILE, &raised);
	}
	pid_t pid = start_child();
	if (pid < 0)
		return 125;
	struct task *t = task_add(pid);
	t->attached = t->claimed = true;
	t->mm = mm_new();
	t->fs = fs_new("/"); /* fakesys's own root, as fakesys names it */
	stats.tasks++;
	main_pid = pid;
	loop();
	if (!main_exited)
		return 125;
	if (WIFEXITED(main_status))
		return WEXITSTATUS(main_status);
	return 128 + WTERMSIG(main_status);
}
