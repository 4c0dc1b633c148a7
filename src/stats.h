/* Counters for --stats: how many stops and tracer calls each intercepted syscall costs. */
#ifndef FAKESYS_STATS_H
#define FAKESYS_STATS_H

#include <stdio.h>

struct stats {
	unsigned long stops;        /* every waitpid stop of a tracee */
	unsigned long tracer_calls; /* ptrace requests and /proc reads on a tracee's behalf */
	unsigned long intercepted;  /* path syscalls examined */
	unsigned long redirected;   /* path syscalls rewritten to the store or a mirror */
	unsigned long injected;     /* syscalls injected (scratch mappings) */
	unsigned long tasks;        /* tasks seen */
};

extern struct stats stats;

static inline void stats_tracer_call(void) { stats.tracer_calls++; }
void stats_print(FILE *out);

#endif
