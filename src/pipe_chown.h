/* The pipe-chown fix-up (fixups.h): gVisor refuses fchown(2) of a pipe with EPERM, even
   to the owner it has (runsc 20221219), and containerd's shim chowns the pipes of a
   container's stdio to the container's root before it starts runc. */
#ifndef FAKESYS_PIPE_CHOWN_H
#define FAKESYS_PIPE_CHOWN_H

#include <stdbool.h>
#include "arch.h"
#include "tasks.h"

/* Whether the fchown(2) in regs names a pipe and the owner and group it has already (or
   -1, "unchanged"): on Linux such a call changes nothing a program can see (a pipe has no
   set-user-ID bit to clear), so it can succeed without reaching the kernel. A change of
   owner stays the kernel's, and fails. */
bool pipe_chown_is_noop(struct task *t, const arch_regs *regs);

#endif
