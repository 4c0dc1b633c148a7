/* The cgroup v1 controllers and their control files, as data: which file exists where,
   what it holds when a cgroup is made, which are computed at each open, and how a write
   is parsed and printed back, the way the kernel's cgroup v1 handlers do
   (kernel/cgroup/cgroup-v1.c, kernel/sched/core.c, mm/memcontrol.c, kernel/cgroup/pids.c,
   kernel/cgroup/cpuset.c, mm/hugetlb_cgroup.c, security/device_cgroup.c,
   kernel/cgroup/legacy_freezer.c, block/blk-throttle.c). */
#ifndef FAKESYS_CGROUP_FILES_H
#define FAKESYS_CGROUP_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum controller {
	CG_CPU, CG_CPUACCT, CG_CPUSET, CG_MEMORY, CG_PIDS, CG_DEVICES, CG_FREEZER, CG_BLKIO, CG_HUGETLB,
	CG_NCONTROLLERS
};
extern const char *const cgroup_controller_names[CG_NCONTROLLERS];
/* The controller named by one path component, or -1. */
int cgroup_controller(const char *name, size_t len);

/* Files computed at each open from the cgroup's members (cgroup_members.h). */
enum cg_live {
	LIVE_NONE, LIVE_PROCS, LIVE_TASKS, LIVE_PIDS_CURRENT, LIVE_CPU_STAT, LIVE_CPUACCT_USAGE,
	LIVE_CPUACCT_USER, LIVE_CPUACCT_SYS, LIVE_CPUACCT_PERCPU, LIVE_CPUACCT_PERCPU_USER,
	LIVE_CPUACCT_PERCPU_SYS, LIVE_CPUACCT_ALL, LIVE_CPUACCT_STAT, LIVE_MEM_USAGE, LIVE_MEM_MAX_USAGE,
	LIVE_MEM_STAT, LIVE_MEM_NUMA_STAT, LIVE_EFFECTIVE_CPUS, LIVE_EFFECTIVE_MEMS,
};

/* How a written value is checked and printed back. */
enum cg_format {
	FMT_READONLY,   /* mode 0444: root may open it for writing, each write is EINVAL */
	FMT_BOOL,       /* a number; nonzero sets the flag (reads 1) */
	FMT_U64,        /* a number */
	FMT_S64,        /* a signed number */
	FMT_SHARES,     /* cpu.shares: clamped to 2..262144 */
	FMT_QUOTA,      /* cpu.cfs_quota_us: -1, or 1000 and more */
	FMT_PERIOD,     /* cpu.cfs_period_us: 1000..1000000 */
	FMT_BYTES,      /* memory and hugetlb limits: memparse, -1 = unlimited, page-rounded */
	FMT_PIDS_MAX,   /* "max" or 0..PID_MAX_LIMIT */
	FMT_CPULIST,    /* cpuset.cpus, cpuset.mems: a list within the parent's */
	FMT_PROCS,      /* cgroup.procs, tasks: a pid that moves here */
	FMT_DEVICES,    /* devices.allow, devices.deny: rules that change devices.list */
	FMT_FREEZER,    /* freezer.state: FROZEN or THAWED */
	FMT_SWAPPINESS, /* 0..200 */
	FMT_WEIGHT,     /* blkio.bfq.weight: 1..1000, else ERANGE */
	FMT_TRIGGER,    /* write-only actions (memory.force_empty, blkio.reset_stats) */
	FMT_DEVICE_LIMIT, /* blkio.throttle.*_device: "MAJ:MIN N" */
};

enum cg_scope { IN_ALL, ROOT_ONLY, CHILD_ONLY };

struct cg_file {
	enum controller ctl; /* CG_NCONTROLLERS: in every hierarchy */
	const char *name;    /* "%s" is a huge page size ("2MB"), for hugetlb */
	enum cg_scope scope;
	enum cg_format format;
	enum cg_live live;
	const char *initial; /* content of a new cgroup's file; NULL: live, or made by
	                        cgroup_initial (inherited or machine-dependent) */
};

extern const struct cg_file cgroup_files[];
extern const size_t cgroup_nfiles;

/* Whether file f is in a cgroup of controller ctl (the hierarchy's root, or a child). */
bool cgroup_file_in(const struct cg_file *f, int ctl, bool root);
/* The file spec of `name` in a cgroup of controller ctl, or NULL. */
const struct cg_file *cgroup_file(enum controller ctl, const char *name, bool root);
/* What a write to file `name` of a hierarchy's root fails with: -errno, or 0. */
int cgroup_root_refuses(const char *name);
/* The huge page sizes of this machine ("2MB", "1GB"), from /sys/kernel/mm/hugepages. */
size_t cgroup_huge_sizes(const char *const **sizes);

/* Parses data written to a file of format fmt and prints the value back as the kernel
   would into out (size outlen). Returns 0, or -errno as the kernel's handler does.
   For FMT_BYTES, page is the page size it rounds to (4096, or the huge page size); for
   FMT_CPULIST, the number of bits the list may name (nr_cpu_ids, or MAX_NUMNODES). */
int cgroup_parse(enum cg_format fmt, const char *data, size_t len, unsigned long long page, char *out,
                 size_t outlen);
/* A cpu list "0-3,8" into a bit set of nbits (at most 1024) cpus, and back. -EINVAL if
   malformed, -ERANGE if it names a bit beyond nbits. */
int cgroup_cpulist_parse(const char *s, size_t len, unsigned nbits, unsigned long long set[16]);
void cgroup_cpulist_print(const unsigned long long set[16], char *out, size_t outlen);

#endif
