/* Task events: clone, fork and vfork, exec, and group-stops. They keep the task table
   and the address-space records true to the kernel's. */
#ifndef FAKESYS_TASK_EVENTS_H
#define FAKESYS_TASK_EVENTS_H

#include <stdbool.h>
#include "tasks.h"

/* PTRACE_EVENT_CLONE, _FORK or _VFORK reported by parent. */
void task_event_clone(struct task *parent, int event);
/* The first stop of task t came before its creator's clone event, which may never
   come (the creator can die first). Returns true if t may run now, with records of its
   own; false if it must wait for the event (a thread of a known process). */
bool task_event_early_start(struct task *t, bool dying);
/* PTRACE_EVENT_EXEC. */
void task_event_exec(struct task *t);
/* PTRACE_EVENT_STOP with signal sig: a group-stop, or the end of one. */
void task_event_group_stop(struct task *t, int sig);

#endif
