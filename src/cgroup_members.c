/* Cgroup membership and usage; see cgroup_members.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "grow.h"
#include "cgroup_members.h"
#include "fsutil.h"
#include "log.h"

struct member {
	pid_t pid;
	unsigned long long start; /* field 22 of /proc/PID/stat: tells a reused pid */
	char *cg[CG_NCONTROLLERS];
};

static struct member *members;
static size_t nmembers, cap;

/* Fields of /proc/PID/stat after the command (which may hold blanks and parentheses). */
struct proc_stat {
	pid_t ppid;
	unsigned long long utime, stime, minflt, majflt, start;
	int processor;
	long threads;
};

static bool read_stat(pid_t pid, struct proc_stat *ps)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (fs_read_text(path, buf, sizeof buf) < 0)
		return false;
	const char *p = strrchr(buf, ')');
	if (!p)
		return false;
	/* Fields from 3 (state) on. */
	char state;
	int ppid;
	unsigned long long f[40] = {0};
	int n = sscanf(p + 2, "%c %d", &state, &ppid);
	if (n != 2)
		return false;
	const char *q = p + 2;
	for (int field = 3; field <= 39 && *q; field++) {
		f[field] = strtoull(q, NULL, 10);
		q = strchr(q, ' ');
		if (!q)
			break;
		q++;
	}
	*ps = (struct proc_stat){ .ppid = ppid, .minflt = f[10], .majflt = f[12], .utime = f[14], .stime = f[15],
	                          .threads = (long)f[20], .start = f[22], .processor = (int)f[39] };
	return true;
}

static struct member *find(pid_t pid, unsigned long long start)
{
	for (size_t i = 0; i < nmembers; i++)
		if (members[i].pid == pid) {
			if (members[i].start == start)
				return &members[i];
			/* The pid was reused: the old record is over. */
			for (int c = 0; c < CG_NCONTROLLERS; c++)
				free(members[i].cg[c]);
			members[i] = members[--nmembers];
			return NULL;
		}
	return NULL;
}

static struct member *add(pid_t pid, unsigned long long start)
{
	members = grow_for_one(members, nmembers, &cap, sizeof *members, 64);
	struct member *m = &members[nmembers++];
	*m = (struct member){ .pid = pid, .start = start };
	return m;
}

/* pid's record, made from its parent's if it has none (depth bounds the walk). */
static struct member *lookup(pid_t pid, int depth)
{
	struct proc_stat ps;
	if (pid <= 0 || !read_stat(pid, &ps))
		return NULL;
	struct member *m = find(pid, ps.start);
	if (m)
		return m;
	struct member *parent = depth < 64 ? lookup(ps.ppid, depth + 1) : NULL;
	/* lookup may have moved the array. */
	char *from[CG_NCONTROLLERS];
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		from[c] = parent && parent->cg[c] ? strdup(parent->cg[c]) : strdup("/");
	m = add(pid, ps.start);
	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		if (!from[c])
			die_oom();
		m->cg[c] = from[c];
	}
	return m;
}

const char *cgroup_of(pid_t pid, enum controller ctl)
{
	struct member *m = lookup(pid, 0);
	return m ? m->cg[ctl] : NULL;
}

int cgroup_move(pid_t pid, enum controller ctl, const char *cg)
{
	struct member *m = lookup(pid, 0);
	if (!m)
		return -ESRCH;
	char *copy = strdup(cg);
	if (!copy)
		die_oom();
	free(m->cg[ctl]);
	m->cg[ctl] = copy;
	return 0;
}

static bool inside(const char *path, const char *cg)
{
	size_t n = strlen(cg);
	if (!strcmp(cg, "/"))
		return true;
	return !strncmp(path, cg, n) && (path[n] == '/' || path[n] == '\0');
}

/* Calls fn for every process on the machine whose cgroup of ctl is cg (exact) or inside it. */
static void for_each_process(enum controller ctl, const char *cg, bool exact,
                             void (*fn)(pid_t pid, void *arg), void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid_t pid = (pid_t)atoi(e->d_name);
		const char *in = cgroup_of(pid, ctl);
		if (in && (exact ? !strcmp(in, cg) : inside(in, cg)))
			fn(pid, arg);
	}
	if (d)
		closedir(d);
}

struct pid_list {
	pid_t *v;
	size_t n, cap;
};

static void collect(pid_t pid, void *arg)
{
	struct pid_list *l = arg;
	l->v = grow_for_one(l->v, l->n, &l->cap, sizeof *l->v, 32);
	l->v[l->n++] = pid;
}

static int by_pid(const void *a, const void *b)
{
	return (*(const pid_t *)a > *(const pid_t *)b) - (*(const pid_t *)a < *(const pid_t *)b);
}

size_t cgroup_members(enum controller ctl, const char *cg, pid_t **pids)
{
	struct pid_list l = {0};
	for_each_process(ctl, cg, true, collect, &l);
	if (l.n)
		qsort(l.v, l.n, sizeof *l.v, by_pid);
	*pids = l.v;
	return l.n;
}

static void note_one(pid_t pid, void *arg)
{
	(void)pid;
	*(bool *)arg = true;
}

bool cgroup_populated(enum controller ctl, const char *cg)
{
	bool any = false;
	for_each_process(ctl, cg, false, note_one, &any);
	return any;
}

unsigned long long cgroup_ns_per_tick(void)
{
	static unsigned long long per;
	if (!per) {
		long hz = sysconf(_SC_CLK_TCK);
		per = 1000000000ULL / (unsigned long long)(hz > 0 ? hz : 100);
	}
	return per;
}

unsigned cgroup_ncpus(void)
{
	static unsigned n;
	if (!n) {
		long c = sysconf(_SC_NPROCESSORS_CONF);
		n = c < 1 ? 1 : c > CG_MAX_CPUS ? CG_MAX_CPUS : (unsigned)c;
	}
	return n;
}

/* A "Key: N kB" line of a status or meminfo text, in bytes (0 if absent). */
static unsigned long long kb_field(const char *text, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == ':')
			return strtoull(p + n + 1, NULL, 10) * 1024;
	return 0;
}

static void add_process(pid_t pid, void *arg)
{
	struct cg_usage *u = arg;
	struct proc_stat ps;
	char path[64], status[4096];
	if (!read_stat(pid, &ps))
		return;
	unsigned long long per = cgroup_ns_per_tick();
	unsigned cpu = ps.processor >= 0 && (unsigned)ps.processor < u->ncpus ? (unsigned)ps.processor : 0;
	u->user_ns += ps.utime * per;
	u->sys_ns += ps.stime * per;
	u->cpu_user_ns[cpu] += ps.utime * per;
	u->cpu_sys_ns[cpu] += ps.stime * per;
	u->procs++;
	u->threads += ps.threads > 0 ? (unsigned long long)ps.threads : 1;
	u->pgfault += ps.minflt + ps.majflt;
	u->pgmajfault += ps.majflt;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (fs_read_text(path, status, sizeof status) < 0)
		return;
	unsigned long long anon = kb_field(status, "RssAnon"), file = kb_field(status, "RssFile"),
	                   shmem = kb_field(status, "RssShmem");
	if (!anon && !file)
		anon = kb_field(status, "VmRSS"); /* gVisor reports only the total */
	u->rss += anon;
	u->cache += file + shmem;
	u->shmem += shmem;
	u->mapped_file += file;
}

/* The root cgroup holds the machine: /proc/stat's cpu times, /proc/meminfo's memory. */
static void machine_usage(struct cg_usage *u)
{
	static char text[64 << 10];
	unsigned long long per = cgroup_ns_per_tick();
	if (fs_read_text("/proc/stat", text, sizeof text) >= 0)
		for (char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
			unsigned long long user, nice, sys, idle, iowait, irq, softirq;
			unsigned cpu;
			if (sscanf(line, "cpu%u %llu %llu %llu %llu %llu %llu %llu", &cpu, &user, &nice, &sys, &idle,
			           &iowait, &irq, &softirq) == 8 &&
			    cpu < u->ncpus) {
				u->cpu_user_ns[cpu] = (user + nice) * per;
				u->cpu_sys_ns[cpu] = (sys + irq + softirq) * per;
				u->user_ns += u->cpu_user_ns[cpu];
				u->sys_ns += u->cpu_sys_ns[cpu];
			}
		}
	if (fs_read_text("/proc/meminfo", text, sizeof text) >= 0) {
		unsigned long long total = kb_field(text, "MemTotal"), avail = kb_field(text, "MemFree");
		unsigned long long cache = kb_field(text, "Cached") + kb_field(text, "Buffers");
		unsigned long long used = total > avail ? total - avail : 0;
		u->cache = cache < used ? cache : used;
		u->rss = used - u->cache;
		u->shmem = kb_field(text, "Shmem");
		u->mapped_file = kb_field(text, "Mapped");
		if (u->shmem > u->cache)
			u->shmem = u->cache;
		if (u->mapped_file > u->cache)
			u->mapped_file = u->cache;
	}
}

void cgroup_usage(enum controller ctl, const char *cg, struct cg_usage *u)
{
	memset(u, 0, sizeof *u);
	u->ncpus = cgroup_ncpus();
	if (!strcmp(cg, "/")) {
		machine_usage(u);
		static struct cg_usage procs;
		memset(&procs, 0, sizeof procs);
		procs.ncpus = u->ncpus;
		for_each_process(ctl, cg, false, add_process, &procs);
		if (u->user_ns + u->sys_ns == 0) {
			/* gVisor's /proc/stat is all zeros: the machine is then what its processes used. */
			u->user_ns = procs.user_ns;
			u->sys_ns = procs.sys_ns;
			memcpy(u->cpu_user_ns, procs.cpu_user_ns, sizeof u->cpu_user_ns);
			memcpy(u->cpu_sys_ns, procs.cpu_sys_ns, sizeof u->cpu_sys_ns);
		}
		u->procs = procs.procs;
		u->threads = procs.threads;
		u->pgfault = procs.pgfault;
		u->pgmajfault = procs.pgmajfault;
		return;
	}
	for_each_process(ctl, cg, false, add_process, u);
}
