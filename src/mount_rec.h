/* The mount-rec fix-up (fixups.h): gVisor refuses MS_REC on every mount(2) (runsc
   20221219: EINVAL), and MS_SLAVE too, so containerd cannot unpack an image (its
   snapshotters mount a layer as a recursive bind) and runc cannot set up a rootfs. */
#ifndef FAKESYS_MOUNT_REC_H
#define FAKESYS_MOUNT_REC_H

#include <stdint.h>
#include "arch.h"
#include "tasks.h"

/* The flags the mount(2) call in regs is to run with: without MS_REC where that is the
   same operation, that is
   - a recursive bind (MS_BIND|MS_REC) whose source has nothing mounted beneath it, named
     by a path without ".." or symbolic links (so that the mounts beneath it are known);
   - MS_PRIVATE|MS_REC or MS_SLAVE|MS_REC where no mount of the caller's mount namespace
     (as its mountinfo shows them) has peers or a master: it runs as MS_PRIVATE.
   Otherwise its own flags, and the kernel's EINVAL. */
uint64_t mount_rec_flags(struct task *t, const arch_regs *regs);

#endif
