/* Work-arounds for sandbox kernels that refuse what Linux accepts. Each one is probed at
   start-up, so it is on exactly where the kernel needs it (gVisor) and off on Linux;
   --no-fixups turns them all off. */
#ifndef FAKESYS_FIXUPS_H
#define FAKESYS_FIXUPS_H

#include <stdbool.h>

struct fixups {
	/* statx and newfstatat with AT_NO_AUTOMOUNT fail with EINVAL on every path (runsc
	   20221219), which breaks coreutils ls and stat: the flag is dropped. It only keeps
	   an automount point from being mounted, and such a kernel has none. */
	bool strip_no_automount;
	/* statfs and fstatfs of a file inside procfs or cgroupfs fail with ENOSYS (runsc
	   20221219; runc's libcontainer refuses such a file): the answer is made from the
	   filesystem type mountinfo gives the file's mount. */
	bool statfs_enosys;
	/* openat2 is ENOSYS: an openat2 of a fake is left to fail so, as it would (on a
	   kernel that has it, a redirected openat2 runs as openat). */
	bool no_openat2;
};

/* The fix-ups this kernel needs. */
struct fixups fixups_probe(void);

#endif
