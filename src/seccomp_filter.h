/* The seccomp-bpf filter that makes only path syscalls stop. */
#ifndef FAKESYS_SECCOMP_FILTER_H
#define FAKESYS_SECCOMP_FILTER_H

#include <stdbool.h>

/* Installs the filter in the calling process (the child, before exec). Returns 0, or
   a negative errno. The filter only ever returns ALLOW or TRACE: gVisor kills a
   process whose filter returns anything else. trees, statfs, subreaper: see syscall_traced. */
int seccomp_install(bool trees, bool statfs, bool subreaper);

#endif
