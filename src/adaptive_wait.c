/* A tracer that blocks in wait4 is woken on another CPU when its tracee stops, and the
   tracee again when the tracer resumes it. On VMs whose idle CPUs halt (this project's
   Firecracker hosts: cpuidle haltpoll with guest_halt_poll_ns 0) each such wakeup costs
   20-100 us, far more than handling the stop (2-5 us). So the tracer first polls for a
   short window: a stop that comes soon, as in a loop of path syscalls, is caught without
   a wakeup of the tracer (bench/: about 3x on open-plain unpinned).

   A poll that finds nothing only burns CPU (--stats shows the tracer's CPU per call),
   so each miss doubles the number of waits that block at once, up to MAX_BACKOFF, and a
   hit ends that. This also switches polling off where stops never come that soon (in
   gVisor a stop takes longer than the window). With one CPU to run on, the tracee
   cannot run while the tracer polls: then the tracer always blocks. */
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <time.h>
#include "adaptive_wait.h"
#include "stats.h"

#define POLL_WINDOW_NS 50000L
#define MAX_BACKOFF 64U

static unsigned backoff;      /* waits that block at once after the last miss */
static unsigned blocking_left; /* of them, those still to come */

static bool several_cpus(void)
{
	static int cpus = -1;
	if (cpus < 0) {
		cpu_set_t set;
		cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
	}
	return cpus > 1;
}

static long since_ns(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000000000L + (now.tv_nsec - start->tv_nsec);
}

/* A stop found by polling: >0 its tid, -1 an error (ECHILD, EINTR), 0 none in time. */
static pid_t poll_for_stop(int *status, struct rusage *ru)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		pid_t tid = wait4(-1, status, __WALL | WNOHANG, ru);
		if (tid != 0)
			return tid;
	} while (since_ns(&start) < POLL_WINDOW_NS);
	return 0;
}

pid_t adaptive_wait(int *status, struct rusage *ru)
{
	if (blocking_left) {
		blocking_left--;
	} else if (several_cpus()) {
		pid_t tid = poll_for_stop(status, ru);
		stats_wait_polled(tid != 0);
		if (tid != 0) {
			backoff = 0;
			return tid;
		}
		backoff = backoff ? (backoff * 2 < MAX_BACKOFF ? backoff * 2 : MAX_BACKOFF) : 1;
		blocking_left = backoff;
	}
	return wait4(-1, status, __WALL, ru);
}
