/* Start-up: fork CMD, seize it, install the seccomp filter in it before exec, and probe
   the stop order of this kernel. */
#ifndef FAKESYS_STARTUP_H
#define FAKESYS_STARTUP_H

#include <stdbool.h>
#include <sys/types.h>
#include "fixups.h"
#include "tracer.h"

/* CMD's process before it is traced: forked first thing, so that the fork (~3 ms in
   gVisor, where the child then took ms more to first run) overlaps the probes and the
   store's setup. It waits at the go pipe for startup_child. */
struct cmd_child {
	pid_t pid;
	int go, status; /* pipes to it and from it */
};

/* Forks tc->argv's process, which installs the filter of tc's rules while it waits.
   0, or -1 after a one-line message. probes: the fix-up probes that CMD's process runs
   first (fixups_probe_in_cmd; fixups_cmd_forked is the caller's), or NULL. */
int startup_fork(const struct tracer_config *tc, struct cmd_child *c, struct fixup_probes *probes);
/* Ends a child that will not run CMD (fakesys could not set up). */
void startup_cancel(struct cmd_child *c);
/* Seizes c and has it install the fix-ups' filter, if any, and execute CMD. Returns
   CMD's pid, stopped nowhere and traced, or -1 after a one-line message; *inherits_dir:
   whether CMD inherits a directory fd (fake_fds.h). Sets tracer_use_seccomp and
   tracer_entry_after_seccomp. */
pid_t startup_child(struct cmd_child *c, bool *inherits_dir);

#endif
