/* The kernel identity a profile fakes: the values of kernel.osrelease and kernel.version
   (/proc/sys/kernel/{osrelease,version}), which uname(2) and /proc/version follow, as
   on Linux, where all of them read the same utsname. containerd and k3s decide features
   by the release (see docs/profiles.md). */
#ifndef FAKESYS_KERNEL_IDENTITY_H
#define FAKESYS_KERNEL_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "rules.h"
#include "store.h"
#include "tasks.h"

#define IDENTITY_RELEASE_PATH "/proc/sys/kernel/osrelease"
#define IDENTITY_VERSION_PATH "/proc/sys/kernel/version"

/* Whether the rule set fakes either value (then uname(2) is traced). */
bool identity_faked(const struct ruleset *rs);
/* At the exit of a uname(2) of t that succeeded with buffer buf: its release and version
   become the fakes' (its node and domain names stay its own UTS namespace's). */
void identity_answer_uname(struct task *t, uint64_t buf, struct store *s);
/* /proc/version for process pid: the real line with the release and version replaced,
   or "Linux version RELEASE VERSION" where there is none. */
void identity_proc_version(struct store *s, pid_t pid, char *out, size_t outlen);

#endif
