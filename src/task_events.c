/* Task events; see task_events.h. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "fake_fds.h"
#include "learn.h"
#include "memory.h"
#include "mount_namespaces.h"
#include "stats.h"
#include "subreaper.h"
#include "task_events.h"
#include "tracer_internal.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef CLONE_VM
#define CLONE_VM 0x00000100
#define CLONE_VFORK 0x00004000
#define CLONE_THREAD 0x00010000
#define CLONE_FILES 0x00000400
#define CLONE_FS 0x00000200
#endif
#ifndef CLONE_PARENT
#define CLONE_PARENT 0x00008000
#endif

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
	return event == PTRACE_EVENT_CLONE ? CLONE_VM | CLONE_THREAD | CLONE_FS | CLONE_FILES
	     : event == PTRACE_EVENT_VFORK ? CLONE_VM | CLONE_VFORK : 0;
}

/* A child that already runs with records of its own (task_event_early_start) learns
   what it shares with its creator. Its address-space record stays its own: a second
   record of one address space only costs a second scratch area. */
static void join_creator(struct task *child, struct task *parent, unsigned long flags)
{
	if (flags & CLONE_FS)
		task_join_fs(child, parent);
	if (flags & CLONE_FILES) {
		files_put(child->files);
		child->files = files_get(parent->files);
		if (files_watched(child)) /* it must stop at its next syscall */
			ptrace(PTRACE_INTERRUPT, child->tid, 0, 0);
	}
}

/* Tgid and PPid of a task, from /proc/TID/status; -1 where unknown. */
static void read_ids(pid_t tid, pid_t *tgid, pid_t *ppid)
{
	char path[64], line[256];
	*tgid = *ppid = -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	stats_tracer_call();
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof line, f) && (*tgid < 0 || *ppid < 0)) {
		if (strncmp(line, "Tgid:", 5) == 0)
			*tgid = (pid_t)atoi(line + 5);
		else if (strncmp(line, "PPid:", 5) == 0)
			*ppid = (pid_t)atoi(line + 5);
	}
	fclose(f);
}

/* Whether task t's pid namespace is fakesys's own (one tracer call the first time a
   task asks; true if unknown). */
static bool in_own_pid_ns(struct task *t)
{
	static char own[64];
	char link[64], ns[64];
	if (t->own_pid_ns >= 0)
		return t->own_pid_ns;
	if (!own[0] && readlink("/proc/self/ns/pid", own, sizeof own - 1) < 0)
		return true;
	snprintf(link, sizeof link, "/proc/%d/ns/pid", (int)t->tid);
	stats_tracer_call();
	ssize_t n = readlink(link, ns, sizeof ns - 1);
	if (n < 0)
		return true;
	ns[n] = '\0';
	t->own_pid_ns = !strcmp(ns, own);
	return t->own_pid_ns;
}

/* Whether tid is a task that no clone event has claimed yet. */
static bool unclaimed(pid_t tid)
{
	const struct task *t = task_find(tid);
	return !t || (!t->claimed && !t->exited);
}

/* Whether tid, in dir (/proc/TGID/task for a thread, /proc for a process), is a task no
   clone event has claimed yet that parent's clone can have made: a thread of its group,
   or a child of its process (of its parent's, with CLONE_PARENT). */
static bool made_by(const struct task *parent, const char *dir, pid_t tid, unsigned long flags, pid_t group_parent)
{
	char path[96];
	if (tid <= 0 || !unclaimed(tid))
		return false;
	if (flags & CLONE_THREAD) {
		snprintf(path, sizeof path, "%s/%d", dir, (int)tid);
		stats_tracer_call();
		return access(path, F_OK) == 0;
	}
	pid_t tgid, ppid;
	read_ids(tid, &tgid, &ppid);
	return tgid == tid && (ppid == parent->tgid || ppid == group_parent);
}

/* The new task a clone event of a creator in another pid namespace names. Linux gives
   its tid in fakesys's namespace, gVisor (runsc 20221219) in the creator's: there, a
   container's threads would wait for their event forever. /proc/PID/status has no NSpid
   in gVisor, so the new task is found among those nobody claimed yet: a thread of the
   creator's group, or a child of its process (of its parent's, with CLONE_PARENT). The
   lowest such tid is the oldest; two creators of one group cloning at once may get each
   other's thread, which shares their group's records all the same. */
static pid_t task_in_own_ns(struct task *parent, pid_t msg, unsigned long flags)
{
	if (in_own_pid_ns(parent))
		return msg;
	pid_t group_parent = -1, best = -1;
	if (flags & CLONE_PARENT)
		read_ids(parent->tgid, &(pid_t){0}, &group_parent);
	char dir[64];
	if (flags & CLONE_THREAD)
		snprintf(dir, sizeof dir, "/proc/%d/task", (int)parent->tgid);
	else
		snprintf(dir, sizeof dir, "/proc");
	/* Linux's answer first: then no directory is listed. */
	if (made_by(parent, dir, msg, flags, group_parent))
		return msg;
	stats_tracer_call();
	DIR *d = opendir(dir);
	if (!d)
		return msg;
	for (struct dirent *e; (e = readdir(d));) {
		pid_t tid = (pid_t)atoi(e->d_name);
		if (tid > 0 && (best < 0 || tid < best) && made_by(parent, dir, tid, flags, group_parent))
			best = tid;
	}
	closedir(d);
	return best > 0 ? best : msg;
}

void task_event_clone(struct task *parent, int event)
{
	unsigned long msgval;
	stats_tracer_call();
	if (ptrace(PTRACE_GETEVENTMSG, parent->tid, 0, &msgval) < 0)
		return;
	if ((pid_t)msgval <= 0) { /* gVisor: the child is gone already (reaped), its tid unknown */
		tracer_resume(parent, 0);
		return;
	}
	unsigned long flags = clone_flags(parent, event);
	pid_t tid = task_in_own_ns(parent, (pid_t)msgval, flags);
	struct task *child = task_find(tid);
	if (child && child->exited) {
		task_remove(child); /* it came and went before this event */
	} else if (child && child->started_early) {
		child->claimed = true;
		join_creator(child, parent, flags);
		/* Its mount namespace was its parent's guess (CLONE_PARENT, CLONE_NEWNS). */
		if (!(flags & CLONE_THREAD))
			mount_ns_process_started(tid, parent->tgid, flags);
	} else {
		if (!child)
			child = task_add(tid);
		stats_task_added();
		child->claimed = true;
		task_set_tgid(child, (flags & CLONE_THREAD) ? parent->tgid : tid);
		if (!(flags & CLONE_THREAD)) {
			subreaper_process_started(tid, subreaper_parent_of_new(parent, flags));
			mount_ns_process_started(tid, parent->tgid, flags);
		}
		task_set_mm(child, (flags & CLONE_VM) ? mm_get(parent->mm) : mm_fork(parent->mm));
		task_set_fs_from(child, parent, flags & CLONE_FS);
		files_put(child->files);
		child->files = (flags & CLONE_FILES) ? files_get(parent->files) : files_copy(parent->files);
		if (child->attached)
			tracer_resume(child, 0);
	}
	tracer_resume(parent, 0);
}

bool task_event_early_start(struct task *t, bool dying)
{
	pid_t tgid, ppid;
	read_ids(t->tid, &tgid, &ppid);
	/* A thread dies with its creator (exit_group, exec and SIGKILL take the whole
	   group), so its clone event comes unless it goes too: it can wait for it. One whose
	   first stop is its exit stop cannot: its creator may have died before its event, and
	   the group's death waits for this thread's. */
	if (tgid > 0 && tgid != t->tid && task_of_process(tgid) && !dying)
		return false;
	/* A process may outlive its creator, whose event then never comes: it runs now,
	   knowing nothing of its cwd and root, with what it still holds of its parent's
	   fakes opened for writing. */
	stats_task_added();
	t->started_early = true;
	task_set_tgid(t, tgid > 0 ? tgid : t->tid);
	if (t->tgid == t->tid) {
		subreaper_process_started(t->tgid, ppid);
		mount_ns_process_started(t->tgid, ppid, 0);
	}
	task_set_mm(t, mm_new());
	t->fs = fs_new(NULL);
	struct task *parent = ppid > 0 ? task_of_process(ppid) : NULL;
	files_put(t->files);
	t->files = files_copy_verified(parent ? parent->files : NULL, t->tid);
	return true;
}

static void drop_other_threads(struct task *t, void *arg)
{
	const struct task *execer = arg;
	if (t != execer && t->tgid == execer->tgid)
		task_remove(t);
}

/* The tid a task had before its exec: a non-leader thread that execs takes over the
   leader's. A living leader alone in its group exec'd itself: no thread can run
   unrecorded (a new one waits for its creator's event), and an exiting one cannot exec;
   that saves the tracer call for most execs. */
static pid_t former_tid(const struct task *t)
{
	unsigned long former;
	if (t->tid == t->tgid && !t->exiting && task_living_threads(t->tgid) == 1)
		return t->tid;
	stats_tracer_call();
	return ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &former) == 0 ? (pid_t)former : t->tid;
}

void task_event_exec(struct task *t)
{
	pid_t former = former_tid(t);
	struct task *old = former != t->tid ? task_find(former) : NULL;
	/* A non-leader thread exec'd and took over the leader's tid, with its own fs_struct;
	   its old tid is never reported again, and the other threads are gone. */
	task_take_fs(t, old);
	if (old)
		task_remove(old);
	task_for_each(drop_other_threads, t);
	task_set_mm(t, mm_new());
	files_exec(t);
	free(t->fd_op.path);
	t->fd_op = (struct fd_op){.kind = FD_OP_NONE};
	t->phase = PHASE_RUNNING;
	t->expect_entry = false;
	if (t->fs_change != FS_KEEP)
		fs_change_end(t, false);
	t->in_syscall = true; /* --no-seccomp: execve's exit stop comes next */
	free(t->log);
	t->log = NULL;
	learn_call_free(t->learn);
	t->learn = NULL;
	tracer_resume(t, 0);
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Whether fakesys is the foreground job of its controlling terminal: only then can a
   stop come from the terminal, and only then does a shell wait to see fakesys stop.
   (Stopped otherwise, fakesys would leave CMD stopped for good once someone else sent
   it SIGCONT.) */
static bool in_terminal_foreground(void)
{
	int fd = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return false; /* no controlling terminal */
	bool foreground = tcgetpgrp(fd) == getpgrp();
	close(fd);
	return foreground;
}

void task_event_group_stop(struct task *t, int sig)
{
	if (!is_stop_signal(sig)) {
		tracer_resume(t, 0); /* end of a group-stop after PTRACE_LISTEN */
		return;
	}
	/* A group-stop: stay stopped but let SIGCONT through. Should the kernel refuse (the
	   stop already ended), run on rather than leave the task stopped for good. */
	if (ptrace(PTRACE_LISTEN, t->tid, 0, 0) < 0 && errno != ESRCH) {
		tracer_resume(t, 0);
		return;
	}
	/* The shell that started fakesys should see its job stop when CMD stops at the
	   terminal's request, as it would without fakesys. */
	if (t->tid == tracer_main_pid && sig != SIGSTOP && in_terminal_foreground())
		raise(SIGSTOP);
}
