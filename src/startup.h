/* Start-up: fork CMD, seize it, install the seccomp filter in it before exec, and probe
   the stop order of this kernel. */
#ifndef FAKESYS_STARTUP_H
#define FAKESYS_STARTUP_H

#include <sys/types.h>

/* Returns CMD's pid, stopped nowhere and traced, or -1 after a one-line message. Sets
   tracer_use_seccomp and tracer_entry_after_seccomp. */
pid_t startup_child(void);

#endif
