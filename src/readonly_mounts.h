/* The readonly-binds fix-up (fixups.h): gVisor (runsc 20221219) cannot make a bind mount
   read-only, so fakesys does. A remount MS_REMOUNT|MS_BIND|MS_RDONLY of a mount point is
   answered 0 without the kernel and the point recorded (as fakesys names it, for tasks
   of every root); a later bind remount without MS_RDONLY, or an unmount of the point or
   of a mount above it, drops it. A call that would change something beneath a recorded
   point, where the innermost mount (the task's mountinfo) is that point, fails as Linux
   fails it on a read-only mount, before the kernel sees it. A remount
   while a traced process has a file of the mount open for writing is EBUSY, as on Linux.
   Not enforced: writes through another name of the file (the bind's source: nor on
   Linux), through a symbolic link other than /proc's magic ones on the way (fakesys
   resolves paths lexically), by an untraced process, or through an fd of a file whose
   name fakesys cannot give (outside the task's root); the remount's other flags
   (MS_NOSUID, MS_NODEV, MS_NOEXEC) are not applied (nor said by statfs, which says
   ST_RDONLY). */
#ifndef FAKESYS_READONLY_MOUNTS_H
#define FAKESYS_READONLY_MOUNTS_H

#include <stdbool.h>
#include "arch.h"
#include "syscalls.h"
#include "tasks.h"

/* mount(2) in regs with MS_REMOUNT|MS_BIND: whether fakesys answers it (*result: 0, or
   the kernel's ENOENT, EINVAL or EBUSY for a target that is missing, no mount point, or
   a mount with a file open for writing in a traced process); false (a mount whose root
   is a symbolic link among them: gVisor's bind of a magic link):
   the kernel's to run. target: the path the mount-fd-target fix-up put in place of the
   call's, or NULL. */
bool readonly_remount(struct task *t, const arch_regs *regs, const char *target, long *result);

/* The call in regs (d->readonly says what it changes): 0, or the -errno Linux fails it
   with on a read-only mount (EROFS). For umount2, its target is kept for its exit. */
long readonly_refusal(struct task *t, const struct syscall_desc *d, const arch_regs *regs);

/* A statfs or fstatfs (d) that the kernel answers: if its file is beneath a read-only
   point, its buffer is kept for readonly_statfs_exit. */
void readonly_expect_statfs(struct task *t, const struct syscall_desc *d, const arch_regs *regs);
/* At its exit: ST_RDONLY in f_flags, if it succeeded. */
void readonly_statfs_exit(struct task *t, long result);

/* At the exit of an umount2 whose target readonly_refusal kept: its points go if it
   succeeded. */
void readonly_umount_exit(struct task *t, long result);

#endif
