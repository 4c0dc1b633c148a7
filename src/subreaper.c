/* The child-subreaper fix-up; see subreaper.h and README ("Fix-ups for gVisor") for
   where it differs from Linux. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "log.h"
#include "memory.h"
#include "subreaper.h"
#include "tracer_internal.h"

#ifndef CLONE_PARENT
#define CLONE_PARENT 0x00008000
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* An adopted orphan that died and is not reaped yet. */
struct zombie {
	pid_t pid;
	uid_t uid;
	int status;
	struct rusage ru;
	struct zombie *next;
};

/* A traced process, as far as reaping goes. */
struct proc {
	pid_t pid;
	pid_t ppid;         /* its parent, real or emulated; 0 if untraced (fakesys, init) */
	uid_t uid;          /* its real uid when it began to exit, for waitid's si_uid */
	bool adopted;       /* ppid is its emulated parent: the kernel's is init */
	bool subreaper;     /* prctl(PR_SET_CHILD_SUBREAPER) */
	bool exiting;       /* its last task is exiting: it adopts no orphan */
	unsigned child_deaths; /* children (real or adopted) that died so far */
	struct zombie *zombies, **zombies_tail; /* its adopted orphans that died */
	struct proc *next;
};

/* A wait the entry let run with WNOHANG added: what it asked for. */
struct child_wait {
	arch_regs saved; /* the call as made, to restore its arguments or run it again */
	bool waitid;
	pid_t pid;       /* -1: any child */
	int options;
	uint64_t status, info, rusage; /* output addresses, 0 if none */
	bool parked;     /* held at its exit stop until a child dies */
	unsigned child_deaths; /* the process's count at the entry */
};

#define NBUCKETS 256
static struct proc *buckets[NBUCKETS];

static bool enabled(void)
{
	return tracer_cfg->fixups.child_subreaper;
}

static struct proc **bucket(pid_t pid)
{
	return &buckets[(unsigned)pid % NBUCKETS];
}

static struct proc *proc_find(pid_t pid)
{
	for (struct proc *p = *bucket(pid); p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void proc_remove(struct proc *p)
{
	for (struct proc **q = bucket(p->pid); *q; q = &(*q)->next) {
		if (*q == p) {
			*q = p->next;
			break;
		}
	}
	while (p->zombies) {
		struct zombie *z = p->zombies;
		p->zombies = z->next;
		free(z);
	}
	free(p);
}

static struct proc *reaper_of_children(const struct proc *dying);

void subreaper_process_started(pid_t pid, pid_t ppid)
{
	if (!enabled())
		return;
	/* A record under this pid is of a process that died unseen (its pid is in use). */
	struct proc *stale = proc_find(pid);
	if (stale)
		proc_remove(stale);
	struct proc *p = calloc(1, sizeof *p);
	if (!p)
		die_oom();
	p->pid = pid;
	struct proc *parent = proc_find(ppid);
	/* A child forked by a thread of a process whose children have passed on already
	   goes where they went, as the kernel's exit_notify does. */
	if (parent && parent->exiting) {
		parent = reaper_of_children(parent);
		p->adopted = parent != NULL;
	}
	p->ppid = parent ? parent->pid : 0;
	p->zombies_tail = &p->zombies;
	p->next = *bucket(pid);
	*bucket(pid) = p;
}

pid_t subreaper_parent_of_new(const struct task *creator, unsigned long clone_flags)
{
	const struct proc *p = (clone_flags & CLONE_PARENT) && enabled() ? proc_find(creator->tgid) : NULL;
	return p ? p->ppid : creator->tgid;
}

/* A number from a "Name:\tvalue" line of /proc/PID/status; fallback if none. */
static unsigned long long status_field(pid_t pid, const char *name, int base, unsigned long long fallback)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return fallback;
	size_t len = strlen(name);
	unsigned long long value = fallback;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, name, len) && line[len] == ':') {
			value = strtoull(line + len + 1, NULL, base);
			break;
		}
	fclose(f);
	return value;
}

/* Linux's rule: the nearest ancestor that is a subreaper and still has a living
   thread; none means init. */
static struct proc *reaper_of_children(const struct proc *dying)
{
	for (struct proc *a = proc_find(dying->ppid); a; a = proc_find(a->ppid))
		if (a->subreaper && !a->exiting)
			return a;
	return NULL;
}

/* gVisor (runsc 20221219) leaves a signal that comes while the task is in a ptrace
   stop pending but undelivered until the task is interrupted again; the extra stop
   costs Linux little. */
static void interrupt_process(pid_t pid)
{
	const struct task *t = task_of_process(pid);
	if (t)
		ptrace(PTRACE_INTERRUPT, t->tid, 0, 0);
}

/* Runs a wait again: it stops at its entry and is answered anew. */
static void rerun_wait(struct task *t)
{
	arch_regs regs = t->child_wait->saved;
	bool was_parked = t->child_wait->parked;
	free(t->child_wait);
	t->child_wait = NULL;
	arch_rewind_syscall(&regs);
	if (arch_set_regs(t->tid, &regs) < 0)
		return;
	t->in_syscall = false;
	tracer_resume(t, 0);
	if (was_parked) /* signals that came during the park (interrupt_process) */
		ptrace(PTRACE_INTERRUPT, t->tid, 0, 0);
}

static void wake_if_parked(struct task *t, void *arg)
{
	if (t->tgid == *(pid_t *)arg && t->child_wait && t->child_wait->parked)
		rerun_wait(t);
}

/* A child of process p died: its parked waits look again, and a wait still on its way
   through the kernel (which may have looked before the death) sees the count change. */
static void wake_waiters(struct proc *p)
{
	p->child_deaths++;
	task_for_each(wake_if_parked, &p->pid);
}

/* Linux reaps a child at once for a parent that ignores SIGCHLD (and sends no signal). */
static bool ignores_sigchld(pid_t pid)
{
	return status_field(pid, "SigIgn", 16, 0) & (1ULL << (SIGCHLD - 1));
}

/* An adopted orphan's death reaches its reaper: a zombie to wait for, and SIGCHLD
   (from fakesys: si_code SI_USER and fakesys's pid, where the kernel says CLD_EXITED and
   the child's pid). */
static void deliver(struct proc *reaper, struct zombie *z)
{
	if (ignores_sigchld(reaper->pid)) {
		free(z);
	} else {
		z->next = NULL;
		*reaper->zombies_tail = z;
		reaper->zombies_tail = &z->next;
		kill(reaper->pid, SIGCHLD);
		interrupt_process(reaper->pid);
	}
	wake_waiters(reaper);
}

/* The process's children pass to their new reaper (or to init: then they are the
   kernel's again), with the orphans that died unreaped. */
static void process_exiting(struct proc *p)
{
	p->exiting = true;
	p->uid = (uid_t)status_field(p->pid, "Uid", 10, 0);
	struct proc *reaper = reaper_of_children(p);
	for (size_t i = 0; i < NBUCKETS; i++)
		for (struct proc *c = buckets[i]; c; c = c->next)
			if (c->ppid == p->pid) {
				c->ppid = reaper ? reaper->pid : 0;
				c->adopted = reaper != NULL;
			}
	struct zombie *z = p->zombies;
	p->zombies = NULL;
	p->zombies_tail = &p->zombies;
	while (z) {
		struct zombie *next = z->next;
		if (reaper)
			deliver(reaper, z);
		else
			free(z);
		z = next;
	}
}

void subreaper_task_exiting(struct task *t)
{
	task_set_exiting(t);
	struct proc *p = proc_find(t->tgid);
	if (p && !p->exiting && !task_living_threads(t->tgid))
		process_exiting(p);
}

void subreaper_task_reaped(pid_t tid, pid_t tgid, int status, const struct rusage *ru)
{
	struct proc *p = tid == tgid ? proc_find(tgid) : NULL;
	if (!p || task_of_process(tgid)) /* a thread exec'd in place of the leader */
		return;
	if (!p->exiting) /* killed before its exit stop */
		process_exiting(p);
	struct proc *parent = proc_find(p->ppid);
	if (parent && p->adopted) {
		struct zombie *z = malloc(sizeof *z);
		if (!z)
			die_oom();
		*z = (struct zombie){ .pid = p->pid, .uid = p->uid, .status = status, .ru = *ru };
		deliver(parent, z);
	} else if (parent) {
		wake_waiters(parent); /* the kernel has the zombie for its real parent */
	}
	proc_remove(p);
}

/* PR_SET_CHILD_SUBREAPER and PR_GET_CHILD_SUBREAPER; other options go to the kernel. */
static void answer_prctl(struct task *t, arch_regs *regs)
{
	int option = (int)arch_arg(regs, 0);
	struct proc *p = proc_find(t->tgid);
	if (!p || (option != PR_SET_CHILD_SUBREAPER && option != PR_GET_CHILD_SUBREAPER)) {
		tracer_resume(t, 0);
		return;
	}
	long result = 0;
	if (option == PR_SET_CHILD_SUBREAPER) {
		p->subreaper = arch_arg(regs, 1) != 0;
	} else {
		int value = p->subreaper;
		if (mem_write_result(t, arch_arg(regs, 1), &value, sizeof value) < 0)
			result = -EFAULT;
	}
	tracer_skip_call(t, regs, result);
}

/* What a wait asks for, if adopted orphans can be among its answers: any child or one
   pid (a process group is left to the kernel), exits included, no __WCLONE only,
   options the kernel accepts. */
static bool parse_wait(const arch_regs *regs, struct child_wait *w)
{
	*w = (struct child_wait){ .saved = *regs, .waitid = arch_syscall_nr(regs) == SYS_waitid };
	int valid = WNOHANG | __WNOTHREAD | __WCLONE | __WALL;
	if (w->waitid) {
		int idtype = (int)arch_arg(regs, 0);
		/* Without a siginfo, a WNOHANG waitid cannot tell finding from not finding. */
		if ((idtype != P_ALL && idtype != P_PID) || !arch_arg(regs, 2))
			return false;
		w->pid = idtype == P_ALL ? -1 : (pid_t)arch_arg(regs, 1);
		w->info = arch_arg(regs, 2);
		w->options = (int)arch_arg(regs, 3);
		w->rusage = arch_arg(regs, 4);
		valid |= WEXITED | WSTOPPED | WCONTINUED | WNOWAIT;
		if (!(w->options & WEXITED) || (idtype == P_PID && w->pid <= 0))
			return false;
	} else {
		w->pid = (pid_t)arch_arg(regs, 0);
		w->status = arch_arg(regs, 1);
		w->options = (int)arch_arg(regs, 2);
		w->rusage = arch_arg(regs, 3);
		valid |= WUNTRACED | WCONTINUED;
		if (w->pid < -1 || w->pid == 0)
			return false;
	}
	return !(w->options & ~valid) && !((w->options & __WCLONE) && !(w->options & __WALL));
}

static struct zombie **ready_zombie(struct proc *p, const struct child_wait *w)
{
	for (struct zombie **z = &p->zombies; *z; z = &(*z)->next)
		if (w->pid == -1 || (*z)->pid == w->pid)
			return z;
	return NULL;
}

static bool living_orphan(const struct proc *p, const struct child_wait *w)
{
	for (size_t i = 0; i < NBUCKETS; i++)
		for (const struct proc *c = buckets[i]; c; c = c->next)
			if (c->adopted && c->ppid == p->pid && (w->pid == -1 || c->pid == w->pid))
				return true;
	return false;
}

/* The wait reports an adopted orphan's death, writing what the kernel would. */
static void answer_wait(struct task *t, struct proc *p, struct zombie **zp, const struct child_wait *w,
                        arch_regs *regs)
{
	struct zombie *z = *zp;
	long result = w->waitid ? 0 : z->pid;
	if (w->status && mem_write_result(t, w->status, &z->status, sizeof z->status) < 0)
		result = -EFAULT;
	if (w->info) {
		siginfo_t si = { .si_signo = SIGCHLD };
		si.si_code = WIFEXITED(z->status) ? CLD_EXITED : WCOREDUMP(z->status) ? CLD_DUMPED : CLD_KILLED;
		si.si_pid = z->pid;
		si.si_uid = z->uid;
		si.si_status = WIFEXITED(z->status) ? WEXITSTATUS(z->status) : WTERMSIG(z->status);
		/* The fields the kernel writes, which end with si_status. */
		size_t len = (size_t)((char *)&si.si_status - (char *)&si) + sizeof si.si_status;
		if (mem_write_result(t, w->info, &si, len) < 0)
			result = -EFAULT;
	}
	if (w->rusage && mem_write_result(t, w->rusage, &z->ru, sizeof z->ru) < 0)
		result = -EFAULT;
	if (!(w->options & WNOWAIT)) {
		*zp = z->next;
		if (p->zombies_tail == &z->next)
			p->zombies_tail = zp;
		free(z);
	}
	tracer_skip_call(t, regs, result);
}

void subreaper_entry(struct task *t, arch_regs *regs)
{
	if (arch_syscall_nr(regs) == SYS_prctl) {
		answer_prctl(t, regs);
		return;
	}
	struct proc *p = proc_find(t->tgid);
	struct child_wait w;
	if (!p || !parse_wait(regs, &w)) {
		tracer_resume(t, 0);
		return;
	}
	struct zombie **z = ready_zombie(p, &w);
	if (z) {
		answer_wait(t, p, z, &w, regs);
		return;
	}
	/* A subreaper's blocking wait for any child may have to end for an orphan adopted
	   meanwhile (one for a pid that is no child yet is ECHILD on Linux too). */
	bool blocking = !(w.options & WNOHANG);
	if (!living_orphan(p, &w) && !(p->subreaper && blocking && w.pid == -1)) {
		tracer_resume(t, 0); /* only real children can answer: the kernel's business */
		return;
	}
	/* Ask the kernel about the real children without blocking; the exit stop decides. */
	if (!(t->child_wait = malloc(sizeof w)))
		die_oom();
	w.child_deaths = p->child_deaths;
	*t->child_wait = w;
	arch_set_arg(regs, w.waitid ? 3 : 2, (uint64_t)(w.options | WNOHANG));
	if (arch_set_regs(t->tid, regs) < 0)
		return;
	tracer_resume_to_exit(t, PHASE_CHILD_WAIT);
}

/* Whether a waitid that returned 0 found a child (si_pid is set). */
static bool waitid_found(struct task *t, const struct child_wait *w)
{
	siginfo_t si;
	return mem_read(t, w->info, &si, sizeof si) == 0 && si.si_pid != 0;
}

void subreaper_wait_exit(struct task *t)
{
	struct child_wait *w = t->child_wait;
	long result;
	if (arch_peek_result(t->tid, &result) < 0)
		return;
	struct proc *p = proc_find(t->tgid);
	bool found = w->waitid ? result == 0 && waitid_found(t, w) : result > 0;
	if (!found && (result == 0 || result == -ECHILD) && p) {
		/* A child died since the entry: the kernel may have looked before its death. */
		if (p->child_deaths != w->child_deaths) {
			rerun_wait(t);
			return;
		}
		bool orphans = living_orphan(p, w);
		if (!(w->options & WNOHANG) && (orphans || result == 0)) {
			/* Nothing yet, and something to wait for: held here (signals wait too)
			   until a child of the process dies. */
			w->parked = true;
			return;
		}
		if (orphans) /* (waitid: the kernel zeroed the siginfo even for ECHILD) */
			result = 0;
	}
	/* The options as the program passed them (argument registers are kept by a call). */
	arch_regs regs;
	int options = w->options;
	bool waitid = w->waitid;
	free(w);
	t->child_wait = NULL;
	if (arch_get_regs(t->tid, &regs) < 0)
		return;
	arch_set_arg(&regs, waitid ? 3 : 2, (uint64_t)options);
	arch_set_result(&regs, result);
	if (arch_set_regs(t->tid, &regs) < 0)
		return;
	t->in_syscall = false;
	tracer_resume(t, 0);
}
