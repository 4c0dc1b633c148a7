/* Which cgroup of each fake hierarchy a process is in, and what the members of a cgroup
   use, measured from the real sources: /proc/PID/stat and status for the processes,
   /proc/stat and /proc/meminfo for the root cgroup (which holds the whole machine, as the
   kernel's root cgroup does).

   A process is where a write to cgroup.procs put it; otherwise where its parent was when
   fakesys first asked (a fork child starts in its parent's cgroup); otherwise in the
   root. Records are keyed by pid and start time, so a reused pid starts afresh. */
#ifndef FAKESYS_CGROUP_MEMBERS_H
#define FAKESYS_CGROUP_MEMBERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "cgroup_files.h"

#define CG_MAX_CPUS 1024

/* The cgroup (a path like "/" or "/kubepods/pod1") of pid in hierarchy ctl, or NULL if
   there is no such process. */
const char *cgroup_of(pid_t pid, enum controller ctl);
/* Moves the whole process pid to cgroup cg of ctl (cgroup.procs and tasks). 0 or -ESRCH. */
int cgroup_move(pid_t pid, enum controller ctl, const char *cg);
/* Every process in exactly cg (the one to ask for the tid lists of `tasks` with
   threads), ascending. Returns the count; *pids is malloc'ed (free it). */
size_t cgroup_members(enum controller ctl, const char *cg, pid_t **pids);
/* Whether cg, or any cgroup below it, holds a process. */
bool cgroup_populated(enum controller ctl, const char *cg);

struct cg_usage {
	unsigned long long user_ns, sys_ns;
	unsigned ncpus;
	unsigned long long cpu_user_ns[CG_MAX_CPUS], cpu_sys_ns[CG_MAX_CPUS];
	unsigned long long rss, cache, shmem, mapped_file; /* bytes */
	unsigned long long procs, threads;
	unsigned long long pgfault, pgmajfault;
};
/* What cg of ctl and everything below it use. */
void cgroup_usage(enum controller ctl, const char *cg, struct cg_usage *u);
/* Nanoseconds in a clock tick (USER_HZ), the unit of /proc/PID/stat's and /proc/stat's
   times and of cpuacct.stat. */
unsigned long long cgroup_ns_per_tick(void);
/* The number of cpus (possible: cpu0..cpuN-1 in /proc/stat) and the online list. */
unsigned cgroup_ncpus(void);

#endif
