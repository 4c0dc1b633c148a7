/* The cgroup v1 control files as data, and the kernel's parsing of what is written to
   them; see cgroup_files.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cgroup_files.h"

const char *const cgroup_controller_names[CG_NCONTROLLERS] = {
	"cpu", "cpuacct", "cpuset", "memory", "pids", "devices", "freezer", "blkio", "hugetlb",
};

int cgroup_controller(const char *name, size_t len)
{
	for (int i = 0; i < CG_NCONTROLLERS; i++)
		if (strlen(cgroup_controller_names[i]) == len && !strncmp(name, cgroup_controller_names[i], len))
			return i;
	return -1;
}

#define UNLIMITED "9223372036854771712\n" /* PAGE_COUNTER_MAX pages of 4096 bytes */
#define ALL CG_NCONTROLLERS
#define Z "0\n"

/* Per controller, the files of a v1 hierarchy on Linux 6.1 (those with CONFIG options a
   distribution kernel sets), in the order `ls` shows no matter: listings sort. */
const struct cg_file cgroup_files[] = {
	{ ALL, "cgroup.procs", IN_ALL, FMT_PROCS, LIVE_PROCS, NULL },
	{ ALL, "tasks", IN_ALL, FMT_PROCS, LIVE_TASKS, NULL },
	{ ALL, "cgroup.clone_children", IN_ALL, FMT_BOOL, LIVE_NONE, Z },
	{ ALL, "notify_on_release", IN_ALL, FMT_BOOL, LIVE_NONE, Z },
	{ ALL, "cgroup.sane_behavior", ROOT_ONLY, FMT_READONLY, LIVE_NONE, Z },
	{ ALL, "release_agent", ROOT_ONLY, FMT_TRIGGER, LIVE_NONE, "\n" },

	{ CG_CPU, "cpu.shares", IN_ALL, FMT_SHARES, LIVE_NONE, "1024\n" },
	{ CG_CPU, "cpu.cfs_period_us", IN_ALL, FMT_PERIOD, LIVE_NONE, "100000\n" },
	{ CG_CPU, "cpu.cfs_quota_us", IN_ALL, FMT_QUOTA, LIVE_NONE, "-1\n" },
	{ CG_CPU, "cpu.cfs_burst_us", IN_ALL, FMT_U64, LIVE_NONE, Z },
	{ CG_CPU, "cpu.idle", IN_ALL, FMT_BOOL, LIVE_NONE, Z },
	{ CG_CPU, "cpu.rt_period_us", IN_ALL, FMT_U64, LIVE_NONE, "1000000\n" },
	{ CG_CPU, "cpu.rt_runtime_us", CHILD_ONLY, FMT_S64, LIVE_NONE, Z },
	{ CG_CPU, "cpu.rt_runtime_us", ROOT_ONLY, FMT_S64, LIVE_NONE, "950000\n" },
	{ CG_CPU, "cpu.stat", IN_ALL, FMT_READONLY, LIVE_CPU_STAT, NULL },
	{ CG_CPU, "cpu.stat.local", IN_ALL, FMT_READONLY, LIVE_NONE, "throttled_time 0\n" },

	{ CG_CPUACCT, "cpuacct.usage", IN_ALL, FMT_TRIGGER, LIVE_CPUACCT_USAGE, NULL },
	{ CG_CPUACCT, "cpuacct.usage_user", IN_ALL, FMT_READONLY, LIVE_CPUACCT_USER, NULL },
	{ CG_CPUACCT, "cpuacct.usage_sys", IN_ALL, FMT_READONLY, LIVE_CPUACCT_SYS, NULL },
	{ CG_CPUACCT, "cpuacct.usage_percpu", IN_ALL, FMT_READONLY, LIVE_CPUACCT_PERCPU, NULL },
	{ CG_CPUACCT, "cpuacct.usage_percpu_user", IN_ALL, FMT_READONLY, LIVE_CPUACCT_PERCPU_USER, NULL },
	{ CG_CPUACCT, "cpuacct.usage_percpu_sys", IN_ALL, FMT_READONLY, LIVE_CPUACCT_PERCPU_SYS, NULL },
	{ CG_CPUACCT, "cpuacct.usage_all", IN_ALL, FMT_READONLY, LIVE_CPUACCT_ALL, NULL },
	{ CG_CPUACCT, "cpuacct.stat", IN_ALL, FMT_READONLY, LIVE_CPUACCT_STAT, NULL },

	{ CG_CPUSET, "cpuset.cpus", IN_ALL, FMT_CPULIST, LIVE_NONE, NULL },
	{ CG_CPUSET, "cpuset.mems", IN_ALL, FMT_CPULIST, LIVE_NONE, NULL },
	{ CG_CPUSET, "cpuset.effective_cpus", IN_ALL, FMT_READONLY, LIVE_EFFECTIVE_CPUS, NULL },
	{ CG_CPUSET, "cpuset.effective_mems", IN_ALL, FMT_READONLY, LIVE_EFFECTIVE_MEMS, NULL },
	{ CG_CPUSET, "cpuset.cpu_exclusive", IN_ALL, FMT_BOOL, LIVE_NONE, Z },
	{ CG_CPUSET, "cpuset.mem_exclusive", IN_ALL, FMT_BOOL, LIVE_NONE, Z },
	{ CG_CPUSET, "cpuset.mem_hardwall", IN_ALL, FMT_BOOL, LIVE_NONE, Z },
	{ CG_CPUSET, "cpuset.memory_migrate", IN_ALL, FMT_BOOL, LIVE_NONE, Z },
	{ CG_CPUSET, "cpuset.memory_pressure", IN_ALL, FMT_READONLY, LIVE_NONE, Z },
	{ CG_CPUSET, "cpuset.memory_pressure_enabled", ROOT_ONLY, FMT_BOOL, LIVE_NONE, Z },
	{ CG_CPUSET, "cpuset.memory_spread_page", IN_ALL, FMT_BOOL, LIVE_NONE, Z },
	{ CG_CPUSET, "cpuset.memory_spread_slab", IN_ALL, FMT_BOOL, LIVE_NONE, Z },
	{ CG_CPUSET, "cpuset.sched_load_balance", IN_ALL, FMT_BOOL, LIVE_NONE, "1\n" },
	{ CG_CPUSET, "cpuset.sched_relax_domain_level", IN_ALL, FMT_S64, LIVE_NONE, "-1\n" },

	{ CG_MEMORY, "cgroup.event_control", IN_ALL, FMT_TRIGGER, LIVE_NONE, "" },
	{ CG_MEMORY, "memory.limit_in_bytes", IN_ALL, FMT_BYTES, LIVE_NONE, UNLIMITED },
	{ CG_MEMORY, "memory.soft_limit_in_bytes", IN_ALL, FMT_BYTES, LIVE_NONE, UNLIMITED },
	{ CG_MEMORY, "memory.usage_in_bytes", IN_ALL, FMT_READONLY, LIVE_MEM_USAGE, NULL },
	{ CG_MEMORY, "memory.max_usage_in_bytes", IN_ALL, FMT_TRIGGER, LIVE_MEM_MAX_USAGE, NULL },
	{ CG_MEMORY, "memory.failcnt", IN_ALL, FMT_TRIGGER, LIVE_NONE, Z },
	{ CG_MEMORY, "memory.stat", IN_ALL, FMT_READONLY, LIVE_MEM_STAT, NULL },
	{ CG_MEMORY, "memory.kmem.limit_in_bytes", IN_ALL, FMT_BYTES, LIVE_NONE, UNLIMITED },
	{ CG_MEMORY, "memory.kmem.usage_in_bytes", IN_ALL, FMT_READONLY, LIVE_NONE, Z },
	{ CG_MEMORY, "memory.kmem.max_usage_in_bytes", IN_ALL, FMT_TRIGGER, LIVE_NONE, Z },
	{ CG_MEMORY, "memory.kmem.failcnt", IN_ALL, FMT_TRIGGER, LIVE_NONE, Z },
	{ CG_MEMORY, "memory.kmem.slabinfo", IN_ALL, FMT_READONLY, LIVE_NONE, "" },
	{ CG_MEMORY, "memory.memsw.limit_in_bytes", IN_ALL, FMT_BYTES, LIVE_NONE, UNLIMITED },
	{ CG_MEMORY, "memory.memsw.usage_in_bytes", IN_ALL, FMT_READONLY, LIVE_MEM_USAGE, NULL },
	{ CG_MEMORY, "memory.memsw.max_usage_in_bytes", IN_ALL, FMT_TRIGGER, LIVE_MEM_MAX_USAGE, NULL },
	{ CG_MEMORY, "memory.memsw.failcnt", IN_ALL, FMT_TRIGGER, LIVE_NONE, Z },
	{ CG_MEMORY, "memory.numa_stat", IN_ALL, FMT_READONLY, LIVE_MEM_NUMA_STAT, NULL },
	{ CG_MEMORY, "memory.kmem.tcp.limit_in_bytes", IN_ALL, FMT_BYTES, LIVE_NONE, UNLIMITED },
	{ CG_MEMORY, "memory.kmem.tcp.usage_in_bytes", IN_ALL, FMT_READONLY, LIVE_NONE, Z },
	{ CG_MEMORY, "memory.kmem.tcp.max_usage_in_bytes", IN_ALL, FMT_TRIGGER, LIVE_NONE, Z },
	{ CG_MEMORY, "memory.kmem.tcp.failcnt", IN_ALL, FMT_TRIGGER, LIVE_NONE, Z },
	{ CG_MEMORY, "memory.swappiness", IN_ALL, FMT_SWAPPINESS, LIVE_NONE, "60\n" },
	{ CG_MEMORY, "memory.use_hierarchy", IN_ALL, FMT_BOOL, LIVE_NONE, "1\n" },
	{ CG_MEMORY, "memory.move_charge_at_immigrate", IN_ALL, FMT_U64, LIVE_NONE, Z },
	{ CG_MEMORY, "memory.oom_control", IN_ALL, FMT_BOOL, LIVE_NONE, "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n" },
	{ CG_MEMORY, "memory.force_empty", IN_ALL, FMT_TRIGGER, LIVE_NONE, "" },
	{ CG_MEMORY, "memory.pressure_level", IN_ALL, FMT_READONLY, LIVE_NONE, "" },

	{ CG_PIDS, "pids.max", CHILD_ONLY, FMT_PIDS_MAX, LIVE_NONE, "max\n" },
	{ CG_PIDS, "pids.current", IN_ALL, FMT_READONLY, LIVE_PIDS_CURRENT, NULL },
	{ CG_PIDS, "pids.events", CHILD_ONLY, FMT_READONLY, LIVE_NONE, "max 0\n" },
	{ CG_PIDS, "pids.peak", CHILD_ONLY, FMT_READONLY, LIVE_PIDS_CURRENT, NULL },

	{ CG_DEVICES, "devices.allow", IN_ALL, FMT_DEVICES, LIVE_NONE, "" },
	{ CG_DEVICES, "devices.deny", IN_ALL, FMT_DEVICES, LIVE_NONE, "" },
	{ CG_DEVICES, "devices.list", IN_ALL, FMT_READONLY, LIVE_NONE, NULL },

	{ CG_FREEZER, "freezer.state", CHILD_ONLY, FMT_FREEZER, LIVE_NONE, "THAWED\n" },
	{ CG_FREEZER, "freezer.self_freezing", CHILD_ONLY, FMT_READONLY, LIVE_NONE, Z },
	{ CG_FREEZER, "freezer.parent_freezing", CHILD_ONLY, FMT_READONLY, LIVE_NONE, Z },

	{ CG_BLKIO, "blkio.bfq.weight", CHILD_ONLY, FMT_WEIGHT, LIVE_NONE, "100\n" },
	{ CG_BLKIO, "blkio.bfq.weight_device", CHILD_ONLY, FMT_DEVICE_LIMIT, LIVE_NONE, "" },
	{ CG_BLKIO, "blkio.bfq.io_service_bytes", IN_ALL, FMT_READONLY, LIVE_NONE, "Total 0\n" },
	{ CG_BLKIO, "blkio.bfq.io_service_bytes_recursive", IN_ALL, FMT_READONLY, LIVE_NONE, "Total 0\n" },
	{ CG_BLKIO, "blkio.bfq.io_serviced", IN_ALL, FMT_READONLY, LIVE_NONE, "Total 0\n" },
	{ CG_BLKIO, "blkio.bfq.io_serviced_recursive", IN_ALL, FMT_READONLY, LIVE_NONE, "Total 0\n" },
	{ CG_BLKIO, "blkio.reset_stats", IN_ALL, FMT_TRIGGER, LIVE_NONE, "" },
	{ CG_BLKIO, "blkio.throttle.io_service_bytes", IN_ALL, FMT_READONLY, LIVE_NONE, "Total 0\n" },
	{ CG_BLKIO, "blkio.throttle.io_service_bytes_recursive", IN_ALL, FMT_READONLY, LIVE_NONE, "Total 0\n" },
	{ CG_BLKIO, "blkio.throttle.io_serviced", IN_ALL, FMT_READONLY, LIVE_NONE, "Total 0\n" },
	{ CG_BLKIO, "blkio.throttle.io_serviced_recursive", IN_ALL, FMT_READONLY, LIVE_NONE, "Total 0\n" },
	{ CG_BLKIO, "blkio.throttle.read_bps_device", IN_ALL, FMT_DEVICE_LIMIT, LIVE_NONE, "" },
	{ CG_BLKIO, "blkio.throttle.write_bps_device", IN_ALL, FMT_DEVICE_LIMIT, LIVE_NONE, "" },
	{ CG_BLKIO, "blkio.throttle.read_iops_device", IN_ALL, FMT_DEVICE_LIMIT, LIVE_NONE, "" },
	{ CG_BLKIO, "blkio.throttle.write_iops_device", IN_ALL, FMT_DEVICE_LIMIT, LIVE_NONE, "" },

	{ CG_HUGETLB, "hugetlb.%s.limit_in_bytes", IN_ALL, FMT_BYTES, LIVE_NONE, NULL },
	{ CG_HUGETLB, "hugetlb.%s.rsvd.limit_in_bytes", IN_ALL, FMT_BYTES, LIVE_NONE, NULL },
	{ CG_HUGETLB, "hugetlb.%s.usage_in_bytes", IN_ALL, FMT_READONLY, LIVE_NONE, Z },
	{ CG_HUGETLB, "hugetlb.%s.rsvd.usage_in_bytes", IN_ALL, FMT_READONLY, LIVE_NONE, Z },
	{ CG_HUGETLB, "hugetlb.%s.max_usage_in_bytes", IN_ALL, FMT_TRIGGER, LIVE_NONE, Z },
	{ CG_HUGETLB, "hugetlb.%s.rsvd.max_usage_in_bytes", IN_ALL, FMT_TRIGGER, LIVE_NONE, Z },
	{ CG_HUGETLB, "hugetlb.%s.failcnt", IN_ALL, FMT_TRIGGER, LIVE_NONE, Z },
	{ CG_HUGETLB, "hugetlb.%s.rsvd.failcnt", IN_ALL, FMT_TRIGGER, LIVE_NONE, Z },
};
const size_t cgroup_nfiles = sizeof cgroup_files / sizeof *cgroup_files;

int cgroup_root_refuses(const char *name)
{
	/* The root task group has no shares or bandwidth (kernel/sched/core.c), the root
	   memcg no limit (mm/memcontrol.c), and the top cpuset always every cpu and node. */
	static const struct { const char *name; int err; } refused[] = {
		{"cpu.shares", EINVAL}, {"cpu.cfs_quota_us", EINVAL}, {"cpu.cfs_period_us", EINVAL},
		{"cpu.cfs_burst_us", EINVAL}, {"memory.limit_in_bytes", EINVAL}, {"memory.memsw.limit_in_bytes", EINVAL},
		{"cpuset.cpus", EACCES}, {"cpuset.mems", EACCES},
	};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
		if (!strcmp(name, refused[i].name))
			return -refused[i].err;
	return 0;
}

/* Whether name is the file pattern pat, where "%s" stands for a huge page size. */
static bool name_is(const char *pat, const char *name)
{
	const char *hole = strstr(pat, "%s");
	if (!hole)
		return !strcmp(pat, name);
	size_t pre = (size_t)(hole - pat), n = strlen(name), post = strlen(hole + 2);
	if (n <= pre + post || strncmp(name, pat, pre) || strcmp(name + n - post, hole + 2))
		return false;
	const char *const *sizes;
	size_t nsizes = cgroup_huge_sizes(&sizes);
	for (size_t i = 0; i < nsizes; i++)
		if (strlen(sizes[i]) == n - pre - post && !strncmp(name + pre, sizes[i], n - pre - post))
			return true;
	return false;
}

/* BFQ's blkio files, blkio.bfq.*, come with the scheduler (block/bfq-cgroup.c registers
   them with its policy): the kernel has them if any disk offers bfq in queue/scheduler.
   Where no disk is seen (gVisor), the tree stands for a kernel without it, as the root
   disk's generated queue/scheduler says (none). */
static bool kernel_has_bfq(void)
{
	static int has = -1;
	if (has < 0) {
		has = 0;
		DIR *d = opendir("/sys/block");
		struct dirent *e;
		while (d && !has && (e = readdir(d))) {
			char path[PATH_MAX], list[256];
			snprintf(path, sizeof path, "/sys/block/%s/queue/scheduler", e->d_name);
			FILE *f = e->d_name[0] != '.' ? fopen(path, "re") : NULL;
			if (f && fgets(list, sizeof list, f))
				for (char *w = strtok(list, " []\n"); w && !has; w = strtok(NULL, " []\n"))
					has = !strcmp(w, "bfq");
			if (f)
				fclose(f);
		}
		if (d)
			closedir(d);
	}
	return has;
}

bool cgroup_file_in(const struct cg_file *f, int ctl, bool root)
{
	return ((int)f->ctl == ctl || f->ctl == ALL) && (f->scope == IN_ALL || (f->scope == ROOT_ONLY) == root) &&
	       (strncmp(f->name, "blkio.bfq.", 10) || kernel_has_bfq());
}

const struct cg_file *cgroup_file(enum controller ctl, const char *name, bool root)
{
	for (size_t i = 0; i < cgroup_nfiles; i++)
		if (cgroup_file_in(&cgroup_files[i], (int)ctl, root) && name_is(cgroup_files[i].name, name))
			return &cgroup_files[i];
	return NULL;
}

size_t cgroup_huge_sizes(const char *const **sizes)
{
	/* The kernel names a size in the largest unit that divides it: 2048kB is "2MB". */
	static char names[8][32];
	static const char *list[8];
	static size_t n;
	static bool known;
	if (!known) {
		known = true;
		DIR *d = opendir("/sys/kernel/mm/hugepages");
		struct dirent *e;
		while (d && (e = readdir(d)) && n < 8) {
			unsigned long kb;
			if (sscanf(e->d_name, "hugepages-%lukB", &kb) != 1)
				continue;
			if (kb % (1024 * 1024) == 0)
				snprintf(names[n], sizeof names[n], "%luGB", kb / (1024 * 1024));
			else if (kb % 1024 == 0)
				snprintf(names[n], sizeof names[n], "%luMB", kb / 1024);
			else
				snprintf(names[n], sizeof names[n], "%luKB", kb);
			list[n] = names[n];
			n++;
		}
		if (d)
			closedir(d);
	}
	*sizes = list;
	return n;
}

/* ---- parsing, as the kernel's handlers do ---- */

/* The written text without the blanks around it (strstrip), NUL-terminated in buf. */
static const char *stripped(const char *data, size_t len, char buf[256])
{
	while (len && isspace((unsigned char)*data))
		data++, len--;
	while (len && isspace((unsigned char)data[len - 1]))
		len--;
	if (len > 255)
		len = 255;
	memcpy(buf, data, len);
	buf[len] = '\0';
	return buf;
}

/* kstrtoull and kstrtoll with base 0, as cgroup_file_write calls them for the u64 and
   s64 files: an optional '+' (or '-' when signed), a number, at most one "\n", nothing
   else (blanks are EINVAL); ERANGE if it does not fit. */
static int kstrto(const char *data, size_t len, bool is_signed, long long *sv, unsigned long long *uv)
{
	char buf[64];
	if (len && data[len - 1] == '\n')
		len--;
	if (!len || len >= sizeof buf || memchr(data, '\0', len))
		return -EINVAL;
	memcpy(buf, data, len);
	buf[len] = '\0';
	const char *s = buf[0] == '+' ? buf + 1 : buf;
	if (!isdigit((unsigned char)s[s[0] == '-' && is_signed]))
		return -EINVAL;
	char *end;
	errno = 0;
	if (is_signed)
		*sv = strtoll(s, &end, 0);
	else
		*uv = strtoull(s, &end, 0);
	if (*end)
		return -EINVAL;
	return errno == ERANGE ? -ERANGE : 0;
}

static int parse_s64(const char *s, long long *v)
{
	return kstrto(s, strlen(s), true, v, NULL);
}

/* page_counter_memparse: "-1" is unlimited; otherwise memparse (K, M, G, T, P, E
   suffixes) in whole pages of `page` bytes, capped at PAGE_COUNTER_MAX. */
static int parse_bytes(const char *s, unsigned long long page, unsigned long long *v)
{
	const unsigned long long max_pages = 0x7fffffffffffffffULL / 4096;
	if (!strcmp(s, "-1")) {
		*v = max_pages * 4096;
		return 0;
	}
	if (!*s || *s == '-' || isspace((unsigned char)*s))
		return -EINVAL;
	char *end;
	unsigned long long n = strtoull(s, &end, 0);
	static const char units[] = "KMGTPE";
	const char *u = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
	if (u) {
		n <<= 10 * (u - units + 1);
		end++;
	}
	if (*end)
		return -EINVAL;
	unsigned long long pages = n / 4096 > max_pages ? max_pages : n / 4096;
	*v = pages * 4096 / page * page;
	return 0;
}

int cgroup_cpulist_parse(const char *s, size_t len, unsigned nbits, unsigned long long set[16])
{
	memset(set, 0, 16 * sizeof *set);
	char buf[256];
	s = stripped(s, len, buf);
	while (*s) {
		char *end;
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -EINVAL;
			b = strtoul(end + 1, &end, 10);
		}
		if (a > b)
			return -EINVAL;
		if (b >= nbits)
			return -ERANGE; /* bitmap_parselist: beyond nr_cpu_ids (or MAX_NUMNODES) */
		for (unsigned long i = a; i <= b; i++)
			set[i / 64] |= 1ULL << (i % 64);
		if (*end == ',')
			end++;
		else if (*end)
			return -EINVAL;
		s = end;
	}
	return 0;
}

void cgroup_cpulist_print(const unsigned long long set[16], char *out, size_t outlen)
{
	size_t n = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < 1024; i++) {
		if (!(set[i / 64] >> (i % 64) & 1))
			continue;
		unsigned j = i;
		while (j + 1 < 1024 && (set[(j + 1) / 64] >> ((j + 1) % 64) & 1))
			j++;
		int w = i == j ? snprintf(out + n, outlen - n, "%s%u", n ? "," : "", i)
		               : snprintf(out + n, outlen - n, "%s%u-%u", n ? "," : "", i, j);
		if (w < 0 || (size_t)w >= outlen - n)
			break;
		n += (size_t)w;
		i = j;
	}
}

int cgroup_parse(enum cg_format fmt, const char *data, size_t len, unsigned long long page, char *out,
                 size_t outlen)
{
	char buf[256];
	const char *s = stripped(data, len, buf);
	unsigned long long u;
	long long v;
	int rc = 0;
	switch (fmt) {
	case FMT_READONLY:
		return -EINVAL; /* kernfs: no write handler */
	case FMT_TRIGGER:
	case FMT_PROCS:
	case FMT_DEVICES:
	case FMT_DEVICE_LIMIT:
		snprintf(out, outlen, "%s", s); /* the provider acts on these */
		return 0;
	case FMT_BOOL:
	case FMT_U64:
	case FMT_SWAPPINESS:
	case FMT_WEIGHT:
	case FMT_SHARES:
	case FMT_PERIOD:
		if ((rc = kstrto(data, len, false, NULL, &u)) < 0)
			return rc;
		if (fmt == FMT_BOOL)
			u = u != 0; /* any nonzero sets the flag */
		if (fmt == FMT_WEIGHT && (u < 1 || u > 1000))
			return -ERANGE; /* BFQ_MIN_WEIGHT, BFQ_MAX_WEIGHT */
		if ((fmt == FMT_SWAPPINESS && u > 200) || /* MAX_SWAPPINESS */ (fmt == FMT_PERIOD && (u < 1000 || u > 1000000)))
			return -EINVAL;
		if (fmt == FMT_SHARES)
			u = u < 2 ? 2 : u > 262144 ? 262144 : u; /* MIN_SHARES, MAX_SHARES */
		snprintf(out, outlen, "%llu\n", u);
		return 0;
	case FMT_S64:
	case FMT_QUOTA:
		if ((rc = kstrto(data, len, true, &v, NULL)) < 0)
			return rc;
		if (fmt == FMT_QUOTA && v < 0)
			v = -1; /* RUNTIME_INF */
		else if (fmt == FMT_QUOTA && v < 1000)
			return -EINVAL; /* below min_cfs_quota_period */
		snprintf(out, outlen, "%lld\n", v);
		return 0;
	case FMT_BYTES:
		if ((rc = parse_bytes(s, page, &u)) < 0)
			return rc;
		snprintf(out, outlen, "%llu\n", u);
		return 0;
	case FMT_PIDS_MAX:
		if (!strcmp(s, "max")) {
			snprintf(out, outlen, "max\n");
			return 0;
		}
		if ((rc = parse_s64(s, &v)) < 0)
			return rc;
		if (v < 0 || v > 4194304) /* PID_MAX_LIMIT */
			return -EINVAL;
		snprintf(out, outlen, "%lld\n", v);
		return 0;
	case FMT_FREEZER:
		if (strcmp(s, "FROZEN") && strcmp(s, "THAWED"))
			return -EINVAL;
		snprintf(out, outlen, "%s\n", s);
		return 0;
	case FMT_CPULIST: {
		unsigned long long set[16];
		if ((rc = cgroup_cpulist_parse(data, len, (unsigned)page, set)) < 0)
			return rc;
		cgroup_cpulist_print(set, out, outlen - 1);
		strcat(out, "\n");
		return 0;
	}
	}
	return -EINVAL;
}
