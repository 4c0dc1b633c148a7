/* The seccomp-bpf filter that makes only path syscalls stop. */
#ifndef FAKESYS_SECCOMP_FILTER_H
#define FAKESYS_SECCOMP_FILTER_H

/* Installs the filter in the calling process (the child, before exec). Returns 0, or
   a negative errno. The filter only ever returns ALLOW or TRACE: gVisor kills a
   process whose filter returns anything else. kinds: see syscall_traced. */
int seccomp_install(unsigned kinds);

#endif
