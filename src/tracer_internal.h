/* State and helpers shared by the pieces of the tracer: the loop (tracer.c), start-up
   (startup.c), task events (task_events.c), signals (signals.c), interception
   (intercept.c) and the fix-ups that act on calls (subreaper.c, mount_fixups.c). Nothing
   outside those files includes this. */
#ifndef FAKESYS_TRACER_INTERNAL_H
#define FAKESYS_TRACER_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>
#include "arch.h"
#include "tasks.h"
#include "tracer.h"

#define SYSCALL_STOP (SIGTRAP | 0x80)

extern const struct tracer_config *tracer_cfg;
/* The seccomp filter is installed: tasks run freely between path syscalls. */
extern bool tracer_use_seccomp;
/* gVisor reports a syscall-entry stop between a seccomp stop and the exit stop;
   measured once at start-up by a probe call (see startup.c). */
extern bool tracer_entry_after_seccomp;
/* CMD itself; 0 once it has exited (its pid may be reused). */
extern volatile pid_t tracer_main_pid;

/* Resumes a stopped task, delivering sig (0 for none). */
void tracer_resume(struct task *t, int sig);
/* Cancels the call at its entry stop: it returns result. */
void tracer_skip_call(struct task *t, arch_regs *regs, long result);
/* Leaves a syscall entry with the task waiting for the call's exit stop. */
void tracer_resume_to_exit(struct task *t, enum phase phase);

#endif
