/* The mount-ns-teardown fix-up (fixups.h): a kernel with one mount namespace for
   everything (runsc 20221219) keeps the mounts of a namespace that died, and containerd
   cannot unmount a container's rootfs after it. fakesys keeps, per mount namespace its
   tracees made (unshare, clone with CLONE_NEWNS), the mounts its members made, and
   unmounts them when its last member process is gone, before its parent can learn of
   that. Everything here is a no-op while the fix-up is off. */
#ifndef FAKESYS_MOUNT_NAMESPACES_H
#define FAKESYS_MOUNT_NAMESPACES_H

#include <sys/types.h>
#include "arch.h"
#include "tasks.h"

/* A traced process began: in the namespace of process creator (0 or untraced: the
   initial one), or in a new one (CLONE_NEWNS in clone_flags). */
void mount_ns_process_started(pid_t pid, pid_t creator, unsigned long clone_flags);
/* The entry of unshare(flags), of umount2, and of a mount(2) as it is to run (after
   the mount fix-ups rewrote it): what the exit stop is to record, if anything
   (t->mount_ns_call). */
void mount_ns_expect_unshare(struct task *t, uint64_t flags);
void mount_ns_expect_umount(struct task *t, const arch_regs *regs);
void mount_ns_expect_mount(struct task *t, const arch_regs *regs);
/* The exit stop of such a call, with its result. */
void mount_ns_call_exit(struct task *t, long result);
/* A task's PTRACE_EVENT_EXIT stop (after task_set_exiting): when it is the last of its
   process, the process leaves its namespace, and a namespace left empty is torn down. */
void mount_ns_task_exiting(struct task *t);
/* The tracer reaped task tid of process tgid (t's record is already gone): a process
   killed before its exit stop leaves its namespace now. */
void mount_ns_task_reaped(pid_t tid, pid_t tgid);

#endif
