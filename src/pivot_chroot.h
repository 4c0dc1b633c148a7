/* The pivot-root-chroot fix-up (fixups.h). runc jails a container with
   pivot_root(".", ".") in the container's rootfs, then umount2(".", MNT_DETACH) of the
   old root that pivot_root stacked there; runsc 20221219 refuses every pivot_root with
   EINVAL, and its MS_MOVE too (runc's --no-pivot). fakesys runs such a pivot_root as
   chroot(new_root): the caller's root becomes the new root, as pivot_root makes it, and
   the umount of the stacked old root succeeds, since nothing is stacked.

   What differs from Linux: the old root stays in the (sandbox's one) mount namespace
   instead of being unmounted, reachable by a process that leaves the chroot (it needs
   CAP_SYS_CHROOT); only the caller and the tasks sharing its fs_struct move (pivot_root
   moves every process of the namespace whose root was the old one: runc's init is alone
   there). A pivot_root whose two directories differ is left to the kernel. */
#ifndef FAKESYS_PIVOT_CHROOT_H
#define FAKESYS_PIVOT_CHROOT_H

#include <stdbool.h>
#include "arch.h"
#include "tasks.h"

/* Whether the pivot_root in regs names one directory twice, and that directory is a
   mount point (as pivot_root requires of new_root): then the root t leaves, as fakesys
   names it (malloc'ed), else NULL. */
char *pivot_emulable(struct task *t, const arch_regs *regs);
/* Whether the umount2 in regs unmounts the old root an emulated pivot_root left
   stacked on t's new root: it names that old root (runc: "." after an fchdir to a
   descriptor of it) or the new root ("/", or "." from there: the mount on top). */
bool pivot_old_root_umount(struct task *t, const arch_regs *regs);

#endif
