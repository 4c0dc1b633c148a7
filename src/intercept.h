/* Interception: what fakesys does at a path syscall's entry (classify, then rewrite the
   path, inject the scratch mapping, or answer the call itself) and at its exit stop. */
#ifndef FAKESYS_INTERCEPT_H
#define FAKESYS_INTERCEPT_H

#include "arch.h"
#include "tasks.h"

/* A stop at the entry of a syscall that the filter traced (or, without seccomp, of any
   syscall): regs are the task's registers there. Always resumes the task. */
void intercept_entry(struct task *t, arch_regs regs);
/* The exit stop of a call the task was resumed into with PTRACE_SYSCALL. Always
   resumes the task. */
void intercept_exit(struct task *t);

#endif
