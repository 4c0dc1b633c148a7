/* The child-subreaper fix-up (fixups.h): prctl(PR_SET_CHILD_SUBREAPER) emulated for a
   kernel that refuses it. fakesys keeps the attribute per process, hands the children of
   a dying process to its nearest living emulated-subreaper ancestor, signals that one
   when an adopted orphan dies, and answers its wait4 and waitid for it; its real children
   stay the kernel's. Everything here is a no-op while the fix-up is off. */
#ifndef FAKESYS_SUBREAPER_H
#define FAKESYS_SUBREAPER_H

#include <sys/resource.h>
#include <sys/types.h>
#include "arch.h"
#include "tasks.h"

/* A traced process began, a child of ppid (which may be untraced). */
void subreaper_process_started(pid_t pid, pid_t ppid);
/* A clone event: the parent of the new process, as the kernel picks it (CLONE_PARENT:
   its creator's parent). */
pid_t subreaper_parent_of_new(const struct task *creator, unsigned long clone_flags);
/* A task's PTRACE_EVENT_EXIT stop: when it is the last of its process, the process's
   children pass to their new reaper, before the kernel moves them. */
void subreaper_task_exiting(struct task *t);
/* The tracer reaped task tid of process tgid with this status and usage (t's record is
   already gone): when it was the process's last, its death reaches its (emulated)
   parent. */
void subreaper_task_reaped(pid_t tid, pid_t tgid, int status, const struct rusage *ru);
/* The entry of prctl, wait4 or waitid (ACCESS_CHILDREN). Always resumes the task, or,
   for a blocking wait with nothing to report yet, parks it at the call's exit stop
   until a child of its process dies. */
void subreaper_entry(struct task *t, arch_regs *regs);
/* The exit stop of a wait the entry let run without blocking (PHASE_CHILD_WAIT). */
void subreaper_wait_exit(struct task *t);

#endif
