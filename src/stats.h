/* What fakesys did and what it cost, for --stats and --metrics: stops and tracer calls,
   each intercepted syscall's outcome, each provider's answers, the tasks traced, and how
   long the tracer holds a tracee at each stop. */
#ifndef FAKESYS_STATS_H
#define FAKESYS_STATS_H

#include <stdint.h>
#include <stdio.h>
#include "syscalls.h"

/* Upper bounds of the stop-handling histogram, in microseconds (then +Inf). */
#define STATS_LATENCY_BUCKETS 12
extern const double stats_latency_bounds_us[STATS_LATENCY_BUCKETS];

struct syscall_counts {
	unsigned long intercepted; /* stopped and examined */
	unsigned long redirected;  /* served by a fake: rewritten, or answered with success */
	unsigned long failed;      /* answered by fakesys with an error (a fake's, or a refused write) */
};                             /* passed to the kernel untouched: the rest */

struct provider_counts {
	const char *name;
	unsigned long served, errors;
};

struct stats {
	unsigned long stops;        /* every waitpid stop of a tracee */
	unsigned long tracer_calls; /* ptrace requests and /proc reads on a tracee's behalf */
	unsigned long intercepted;  /* path syscalls examined */
	unsigned long redirected;   /* path syscalls rewritten to the store or a mirror, or answered */
	unsigned long injected;     /* syscalls injected (scratch mappings) */
	unsigned long tasks;        /* tasks seen */
	unsigned long live_tasks, peak_tasks;
	unsigned long fd_writes;    /* writes on fakes' fds played by fakesys */
	unsigned long polled_waits, poll_hits; /* waits that polled first, and found a stop so */
	struct syscall_counts syscalls[SYSCALLS_MAX];
	struct provider_counts providers[8];
	size_t nproviders;
	unsigned long latency[STATS_LATENCY_BUCKETS + 1]; /* stops per bucket, the last +Inf */
	double latency_sum_us;
};

extern struct stats stats;

static inline void stats_tracer_call(void) { stats.tracer_calls++; }
void stats_intercepted(const struct syscall_desc *d);
/* A call fakesys answered or rewrote for a fake of provider (NULL: none, e.g. a refused
   write); result < 0: it failed with that error. */
void stats_answered(const struct syscall_desc *d, const char *provider, long result);
void stats_task_added(void);
void stats_task_gone(void);
/* A wait that polled first (adaptive_wait.c), and whether that found a stop. */
static inline void stats_wait_polled(bool found)
{
	stats.polled_waits++;
	stats.poll_hits += found;
}
/* The time the tracer held a tracee at one stop. */
void stats_stop_handled(double us);
/* The tracer's own CPU time so far, in seconds, and its peak resident memory. */
void stats_tracer_usage(double *user, double *system, long *max_rss_kib);

/* The report: a table (stderr) or JSON. */
void stats_print_table(FILE *out);
void stats_print_json(FILE *out);

#endif
