/* The statfs-enosys fix-up (fixups.h): a statfs or fstatfs that the kernel answers
   with ENOSYS (gVisor: procfs files, pipes) gets the answer of the filesystem its file
   is on, from mountinfo. */
#ifndef FAKESYS_STATFS_FIXUP_H
#define FAKESYS_STATFS_FIXUP_H

#include "arch.h"
#include "syscalls.h"
#include "tasks.h"

/* At the entry of a statfs or fstatfs no fake answers: whether its exit needs a look.
   named: the path a statfs passed, as redirect_classify read it; NULL for fstatfs, or
   if it could not be read. */
void statfs_fixup_entry(struct task *t, const struct syscall_desc *d, const arch_regs *regs, const char *named);
/* At its exit: an ENOSYS becomes the answer, *result 0. */
void statfs_fixup_exit(struct task *t, long *result);
/* At the entry of a mount(2): a FUSE mount a traced process makes (see entry_check). */
void statfs_fixup_mount(struct task *t, const arch_regs *regs);

#endif
