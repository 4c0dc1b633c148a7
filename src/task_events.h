/* Task events: clone, fork and vfork, exec, and group-stops. They keep the task table
   and the address-space records true to the kernel's. */
#ifndef FAKESYS_TASK_EVENTS_H
#define FAKESYS_TASK_EVENTS_H

#include "tasks.h"

/* PTRACE_EVENT_CLONE, _FORK or _VFORK reported by parent. */
void task_event_clone(struct task *parent, int event);
/* PTRACE_EVENT_EXEC. */
void task_event_exec(struct task *t);
/* PTRACE_EVENT_STOP with signal sig: a group-stop, or the end of one. */
void task_event_group_stop(struct task *t, int sig);

#endif
