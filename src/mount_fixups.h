/* Fix-ups of mount(2) for gVisor (runsc 20221219; fixups.h), without which containerd
   cannot unpack an image (its snapshotters mount a layer as a recursive bind) and runc
   cannot prepare a container's rootfs:
   - mount-rec: MS_REC is EINVAL on every call, and MS_SLAVE too;
   - mount-fd-target: a target /proc/self/fd/N (runc's way of mounting on exactly the
     directory it checked) mounts on the magic link itself, not on the file it names;
   - mount-strictatime: MS_STRICTATIME is EINVAL, while every read updates the access
     time anyway (measured on tmpfs: a second read a second later moves it);
   - devpts-single: devpts cannot be mounted (ENODEV); the sandbox has one instance, at
     /dev/pts. */
#ifndef FAKESYS_MOUNT_FIXUPS_H
#define FAKESYS_MOUNT_FIXUPS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include "arch.h"
#include "tasks.h"

/* The task's mountinfo (mount points as the task names them), or NULL; valid until the
   next call. */
const char *task_mountinfo(struct task *t);

/* mount-rec: the flags the mount(2) call in regs is to run with: without MS_REC where
   that is the same operation, that is
   - a remount, or a move (MS_REC means nothing to either);
   - a recursive bind (MS_BIND|MS_REC) whose source has nothing mounted beneath it, named
     by a path without ".." or symbolic links (so that the mounts beneath it are known);
   - MS_PRIVATE|MS_REC or MS_SLAVE|MS_REC where no mount of the caller's mount namespace
     (as its mountinfo shows them) has peers or a master: it runs as MS_PRIVATE.
   Otherwise its own flags, and the kernel's EINVAL. */
uint64_t mount_rec_flags(struct task *t, const arch_regs *regs);

/* devpts-single: whether the mount(2) in regs mounts a devpts while the caller's /dev/pts
   is one: it is then to bind that one instance, as Linux did before 4.7 where it was
   built without CONFIG_DEVPTS_MULTIPLE_INSTANCES (newinstance and the mode options are
   then not applied: the container shares the sandbox's terminals). */
bool mount_devpts_single(struct task *t, const arch_regs *regs);
#define DEVPTS_INSTANCE "/dev/pts"

/* mount-fd-target: if the target of the mount(2) call in regs is one of the caller's fd
   links (/proc/self/fd/N, /proc/thread-self/fd/N), the path of the file it
   names, as the caller names it, in out (true). The kernel then walks that path again,
   where Linux takes the file itself: a symbolic link put in its way meanwhile would be
   followed (docs/security.md). */
bool mount_fd_target(struct task *t, const arch_regs *regs, char out[PATH_MAX]);

/* Where fakesys walks a path as task t names it, in t's own root and mounts: out, then
   the path. /proc/TID/root, or in a chroot the root's path (gVisor cannot walk
   /proc/TID/root of a chrooted task). 0, or -errno. */
int task_walk_root(struct task *t, char out[PATH_MAX]);

#endif
