/* The tracer's wait for the next tracee stop. */
#ifndef FAKESYS_ADAPTIVE_WAIT_H
#define FAKESYS_ADAPTIVE_WAIT_H

#include <sys/resource.h>
#include <sys/types.h>

/* wait4(-1, status, __WALL, ru), first polled for a short while when that pays. */
pid_t adaptive_wait(int *status, struct rusage *ru);

#endif
