/* The cgroup provider: a cgroup v1 tree, `cgroupfs PATH` (normally /sys/fs/cgroup).

   PATH is a read-only tmpfs holding one hierarchy per controller (cgroup_files.h), as
   systemd mounts cgroup v1. The tree lives as real directories and files in the store
   (root/PATH/...), so listings, chdir, openat from a directory fd and inotify work on
   it as on any directory: an inotify watch on a cgroup directory is a watch on its
   store directory, and sees the mkdir and rmdir of child cgroups, which fakesys does
   there. What the kernel computes (cgroup.procs, cpuacct.*, memory.usage_in_bytes,
   memory.stat, pids.current, ...) is written afresh at each open from the members'
   real usage (cgroup_members.h); what a program writes is parsed and printed back as
   the kernel's handlers do (cgroup_files.c).

   Every value is generated: no real controller is used, so the tree works the same
   without root, on a cgroup v2 host and in gVisor (whose own cgroupfs cannot be
   fstatfs'ed and lacks most files). */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "cgroup_files.h"
#include "cgroup_members.h"
#include "fsutil.h"
#include "log.h"
#include "provider.h"
#include "provider_cgroup.h"

/* A path below the tree, taken apart. */
struct cg_path {
	int ctl;            /* -1: the tree's root (the tmpfs) */
	char cg[PATH_MAX];  /* the cgroup, "/" for a hierarchy's root */
	const char *leaf;   /* the last component of the path */
};

/* Mount ids and anonymous device numbers of the fake mounts, beyond every real one. */
static int mount_id_base;
static unsigned minor_base;

static void choose_mount_numbers(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int max_id = 0;
	unsigned max_minor = 0;
	char line[4096];
	while (f && fgets(line, sizeof line, f)) {
		int id;
		unsigned major, minor;
		if (sscanf(line, "%d %*d %u:%u", &id, &major, &minor) == 3) {
			max_id = id > max_id ? id : max_id;
			if (major == 0 && minor > max_minor)
				max_minor = minor;
		}
	}
	if (f)
		fclose(f);
	mount_id_base = max_id + 1000;
	minor_base = max_minor + 1000;
}

/* ctl -1 is the tmpfs. */
static dev_t fake_dev(int ctl)
{
	return makedev(0, minor_base + (unsigned)(ctl + 1));
}

static int split(const struct fake *f, struct cg_path *p)
{
	const char *rel = f->path + strlen(f->rule->path);
	p->ctl = -1;
	strcpy(p->cg, "/");
	p->leaf = strrchr(f->path, '/') + 1;
	if (!*rel)
		return 0;
	rel++;
	size_t n = strcspn(rel, "/");
	if ((p->ctl = cgroup_controller(rel, n)) < 0)
		return -ENOENT;
	if (rel[n])
		snprintf(p->cg, sizeof p->cg, "%s", rel + n);
	return 0;
}

/* The cgroup directory a file path is in: its cg without the last component. */
static void parent_cg(const char *cg, char out[PATH_MAX])
{
	if (out != cg)
		snprintf(out, PATH_MAX, "%s", cg);
	char *slash = strrchr(out, '/');
	if (slash == out)
		out[1] = '\0';
	else
		*slash = '\0';
}

/* The virtual path of file `name` in cgroup cg of ctl. */
static void file_vpath(const struct rule *tree, int ctl, const char *cg, const char *name, char out[PATH_MAX])
{
	int n = snprintf(out, PATH_MAX, "%s/%s%s", tree->path, cgroup_controller_names[ctl], strcmp(cg, "/") ? cg : "");
	if (name && n > 0 && n < PATH_MAX)
		snprintf(out + n, (size_t)(PATH_MAX - n), "/%s", name);
}

/* The content of the tree's file at vpath, NUL-terminated: its length, or -errno. */
static int read_store_file(struct store *s, const char *vpath, char *buf, size_t size)
{
	char path[PATH_MAX];
	store_path(s, vpath, path);
	ssize_t n = fs_read_file(AT_FDCWD, path, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

static unsigned long long huge_page_bytes(const char *name)
{
	/* "hugetlb.2MB.limit_in_bytes" */
	unsigned long long n = strtoull(name + strlen("hugetlb."), NULL, 10);
	const char *unit = name + strlen("hugetlb.") + strspn(name + strlen("hugetlb."), "0123456789");
	return n << (*unit == 'G' ? 30 : *unit == 'M' ? 20 : 10);
}

/* ---- computed files ---- */

static void print_list(char *out, size_t outlen, const pid_t *v, size_t n)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && used + 16 < outlen; i++)
		used += (size_t)snprintf(out + used, outlen - used, "%d\n", (int)v[i]);
}

/* The threads of the processes in v: /proc/PID/task of each. */
static void print_tasks(char *out, size_t outlen, const pid_t *v, size_t n)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char dir[64];
		snprintf(dir, sizeof dir, "/proc/%d/task", (int)v[i]);
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct listing *d = fd < 0 ? NULL : fs_open_listing(fd, ".");
		const struct dirent64 *e;
		while (d && (e = fs_next_entry(d)) && used + 16 < outlen)
			used += (size_t)snprintf(out + used, outlen - used, "%s\n", e->d_name);
		fs_close_listing(d);
		if (fd >= 0)
			close(fd);
	}
}

static void print_percpu(char *out, size_t outlen, const unsigned long long *a, const unsigned long long *b,
                         unsigned n)
{
	size_t used = 0;
	for (unsigned i = 0; i < n && used + 24 < outlen; i++)
		used += (size_t)snprintf(out + used, outlen - used, "%llu ", a[i] + (b ? b[i] : 0));
	snprintf(out + used, outlen - used, "\n");
}

/* memory.stat as mm/memcontrol.c prints it for v1: the cgroup's own counters, then the
   hierarchical totals. usage_in_bytes is rss + cache, so the two agree. */
static void print_memory_stat(char *out, size_t outlen, const struct cg_usage *u, unsigned long long limit)
{
	unsigned long long active_anon = u->rss, inactive_file = u->cache - u->shmem / 2;
	const struct { const char *name; unsigned long long v; } f[] = {
		{"cache", u->cache}, {"rss", u->rss}, {"rss_huge", 0}, {"shmem", u->shmem},
		{"mapped_file", u->mapped_file}, {"dirty", 0}, {"writeback", 0}, {"workingset_refault_anon", 0},
		{"workingset_refault_file", 0}, {"swap", 0}, {"swapcached", 0},
		{"pgpgin", u->pgfault}, {"pgpgout", 0}, {"pgfault", u->pgfault}, {"pgmajfault", u->pgmajfault},
		{"inactive_anon", u->shmem / 2}, {"active_anon", active_anon}, {"inactive_file", inactive_file},
		{"active_file", 0}, {"unevictable", 0},
	};
	size_t used = 0, n = sizeof f / sizeof *f;
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, outlen - used, "%s %llu\n", f[i].name, f[i].v);
	used += (size_t)snprintf(out + used, outlen - used, "hierarchical_memory_limit %llu\n", limit);
	used += (size_t)snprintf(out + used, outlen - used, "hierarchical_memsw_limit %llu\n", limit);
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, outlen - used, "total_%s %llu\n", f[i].name, f[i].v);
}

/* The cpu list a child inherits nothing of (cpuset v1 starts empty), and the root's. */
static void online_list(bool cpus, char *out, size_t outlen)
{
	if (!cpus || cgroup_ncpus() == 1)
		snprintf(out, outlen, "0\n");
	else
		snprintf(out, outlen, "0-%u\n", cgroup_ncpus() - 1);
}

/* The content of computed file spec in cgroup cg of ctl. */
static void live_content(struct store *s, const struct rule *tree, int ctl, const char *cg,
                         const struct cg_file *spec, char *out, size_t outlen)
{
	static struct cg_usage u;
	pid_t *pids;
	size_t n;
	char path[PATH_MAX];
	out[0] = '\0';
	switch (spec->live) {
	case LIVE_NONE:
		return;
	case LIVE_PROCS:
	case LIVE_TASKS:
		n = cgroup_members((enum controller)ctl, cg, &pids);
		if (spec->live == LIVE_PROCS)
			print_list(out, outlen, pids, n);
		else
			print_tasks(out, outlen, pids, n);
		free(pids);
		return;
	case LIVE_EFFECTIVE_CPUS:
	case LIVE_EFFECTIVE_MEMS: {
		/* An empty cpuset uses its parent's: effective lists are never empty. */
		char here[PATH_MAX], text[512];
		snprintf(here, sizeof here, "%s", cg);
		const char *own = spec->live == LIVE_EFFECTIVE_CPUS ? "cpuset.cpus" : "cpuset.mems";
		for (;;) {
			file_vpath(tree, ctl, here, own, path);
			if (read_store_file(s, path, text, sizeof text) > 1 || !strcmp(here, "/"))
				break;
			parent_cg(here, here);
		}
		if (read_store_file(s, path, text, sizeof text) <= 1)
			online_list(spec->live == LIVE_EFFECTIVE_CPUS, text, sizeof text);
		snprintf(out, outlen, "%s", text);
		return;
	}
	default:
		break;
	}
	cgroup_usage((enum controller)ctl, cg, &u);
	unsigned long long usage = u.user_ns + u.sys_ns, mem = u.rss + u.cache;
	unsigned long long per_tick = cgroup_ns_per_tick();
	switch (spec->live) {
	case LIVE_PIDS_CURRENT:
		snprintf(out, outlen, "%llu\n", u.threads);
		return;
	case LIVE_CPU_STAT:
		snprintf(out, outlen, "nr_periods 0\nnr_throttled 0\nthrottled_time 0\nnr_bursts 0\nburst_time 0\n");
		return;
	case LIVE_CPUACCT_USAGE:
		snprintf(out, outlen, "%llu\n", usage);
		return;
	case LIVE_CPUACCT_USER:
		snprintf(out, outlen, "%llu\n", u.user_ns);
		return;
	case LIVE_CPUACCT_SYS:
		snprintf(out, outlen, "%llu\n", u.sys_ns);
		return;
	case LIVE_CPUACCT_PERCPU:
		print_percpu(out, outlen, u.cpu_user_ns, u.cpu_sys_ns, u.ncpus);
		return;
	case LIVE_CPUACCT_PERCPU_USER:
		print_percpu(out, outlen, u.cpu_user_ns, NULL, u.ncpus);
		return;
	case LIVE_CPUACCT_PERCPU_SYS:
		print_percpu(out, outlen, u.cpu_sys_ns, NULL, u.ncpus);
		return;
	case LIVE_CPUACCT_ALL: {
		size_t used = (size_t)snprintf(out, outlen, "cpu user system\n");
		for (unsigned i = 0; i < u.ncpus && used + 48 < outlen; i++)
			used += (size_t)snprintf(out + used, outlen - used, "%u %llu %llu\n", i, u.cpu_user_ns[i],
			                         u.cpu_sys_ns[i]);
		return;
	}
	case LIVE_CPUACCT_STAT:
		snprintf(out, outlen, "user %llu\nsystem %llu\n", u.user_ns / per_tick, u.sys_ns / per_tick);
		return;
	case LIVE_MEM_USAGE:
		snprintf(out, outlen, "%llu\n", mem);
		return;
	case LIVE_MEM_MAX_USAGE: {
		/* The peak this run saw, kept in the file itself. */
		char text[64];
		file_vpath(tree, ctl, cg, spec->name, path);
		unsigned long long peak = read_store_file(s, path, text, sizeof text) > 0 ? strtoull(text, NULL, 10) : 0;
		snprintf(out, outlen, "%llu\n", peak > mem ? peak : mem);
		return;
	}
	case LIVE_MEM_NUMA_STAT: {
		/* One node: every page is on node 0. */
		unsigned long long file = u.cache / 4096, anon = u.rss / 4096;
		snprintf(out, outlen, "total=%llu N0=%llu\nfile=%llu N0=%llu\nanon=%llu N0=%llu\nunevictable=0 N0=0\n"
		         "hierarchical_total=%llu N0=%llu\nhierarchical_file=%llu N0=%llu\nhierarchical_anon=%llu N0=%llu\n"
		         "hierarchical_unevictable=0 N0=0\n",
		         file + anon, file + anon, file, file, anon, anon, file + anon, file + anon, file, file, anon, anon);
		return;
	}
	case LIVE_MEM_STAT: {
		char text[64];
		file_vpath(tree, ctl, cg, "memory.limit_in_bytes", path);
		unsigned long long limit = read_store_file(s, path, text, sizeof text) > 0 ? strtoull(text, NULL, 10) : 0;
		print_memory_stat(out, outlen, &u, limit);
		return;
	}
	default:
		return;
	}
}

/* ---- making cgroups ---- */

/* What a new cgroup's file holds. */
static void initial_content(struct store *s, const struct rule *tree, int ctl, const char *cg,
                            const struct cg_file *spec, const char *name, char *out, size_t outlen)
{
	bool root = !strcmp(cg, "/");
	char path[PATH_MAX], parent[PATH_MAX];
	if (spec->initial) {
		snprintf(out, outlen, "%s", spec->initial);
	} else if (spec->live != LIVE_NONE) {
		/* Written afresh at each open (cgroup_read_target); made here, it cost a read
		   of every process's /proc/PID/stat per file, at start-up and at each mkdir. */
		out[0] = '\0';
	} else if (spec->format == FMT_CPULIST) {
		/* The root has every cpu and node; a v1 child starts empty. */
		if (root)
			online_list(!strcmp(spec->name, "cpuset.cpus"), out, outlen);
		else
			snprintf(out, outlen, "\n");
	} else if (spec->format == FMT_BYTES) {
		snprintf(out, outlen, "9223372036854771712\n");
	} else if (!strcmp(spec->name, "devices.list")) {
		/* A child starts with its parent's rules. */
		parent_cg(cg, parent);
		file_vpath(tree, ctl, parent, "devices.list", path);
		if (root || read_store_file(s, path, out, outlen) < 0)
			snprintf(out, outlen, "a *:* rwm\n");
	}
	(void)name;
}

/* Writes every control file of cgroup cg of ctl (a new one, or a hierarchy's root). */
static int fill_cgroup(struct store *s, const struct rule *tree, int ctl, const char *cg)
{
	static char content[64 << 10];
	bool root = !strcmp(cg, "/");
	const char *const *sizes;
	size_t nsizes = cgroup_huge_sizes(&sizes);
	for (size_t i = 0; i < cgroup_nfiles; i++) {
		const struct cg_file *spec = &cgroup_files[i];
		if (!cgroup_file_in(spec, ctl, root))
			continue;
		bool sized = strstr(spec->name, "%s") != NULL;
		for (size_t k = 0; k < (sized ? nsizes : 1); k++) {
			char name[NAME_MAX + 1], path[PATH_MAX];
			if (sized)
				snprintf(name, sizeof name, spec->name, sizes[k]);
			else
				snprintf(name, sizeof name, "%s", spec->name);
			initial_content(s, tree, ctl, cg, spec, name, content, sizeof content);
			file_vpath(tree, ctl, cg, name, path);
			int rc = store_put(s, path, content, strlen(content));
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int cgroup_setup(struct store *s, const struct rule *r, char *err, size_t errlen)
{
	choose_mount_numbers();
	for (int ctl = 0; ctl < CG_NCONTROLLERS; ctl++) {
		int rc = fill_cgroup(s, r, ctl, "/");
		if (rc < 0) {
			snprintf(err, errlen, "%s: cgroup tree %s: %s", r->origin, r->path, strerror(-rc));
			return -1;
		}
	}
	return 0;
}

/* ---- the provider ---- */

static const struct cg_file *file_of(const struct fake *f, struct cg_path *p, char dir[PATH_MAX])
{
	if (split(f, p) < 0 || p->ctl < 0 || !strcmp(p->cg, "/"))
		return NULL;
	parent_cg(p->cg, dir);
	return cgroup_file((enum controller)p->ctl, p->leaf, !strcmp(dir, "/"));
}

static int cgroup_read_target(struct store *s, const struct fake *f, const char **target, bool *stable)
{
	static char path[PATH_MAX], content[64 << 10];
	struct cg_path p;
	char dir[PATH_MAX];
	*stable = false;
	store_path(s, f->path, path);
	*target = path; /* the store answers for directories and what does not exist */
	const struct cg_file *spec = file_of(f, &p, dir);
	struct stat st;
	if (!spec || spec->live == LIVE_NONE || lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 1;
	live_content(s, f->rule, p.ctl, dir, spec, content, sizeof content);
	int rc = store_put(s, f->path, content, strlen(content));
	if (rc < 0)
		msg("cannot refresh %s: %s", f->path, strerror(-rc));
	return 1;
}


static int cgroup_open_write(struct store *s, const struct fake *f, int flags)
{
	struct cg_path p;
	char dir[PATH_MAX], path[PATH_MAX];
	const struct cg_file *spec = file_of(f, &p, dir);
	if (spec)
		return spec->format == FMT_READONLY ? readonly_open_write(f->pid) : 0;
	/* Not a control file: a directory, nothing, or a new name, which kernfs cannot create. */
	struct stat st;
	store_path(s, f->path, path);
	if (lstat(path, &st) == 0)
		return S_ISDIR(st.st_mode) ? -EISDIR : 0;
	if (!strchr(f->path + strlen(f->rule->path) + 1, '/'))
		return -EROFS; /* a new name in the read-only tmpfs */
	return flags & O_CREAT ? -EACCES : -ENOENT;
}

/* devices.allow and devices.deny: security/device_cgroup.c for the cases kubelet and
   runc use. "a" sets the default and drops every exception; one rule adds to or takes
   from the exceptions that devices.list shows while the default is deny. */
static int write_devices(struct store *s, const char *list_vpath, bool allow, const char *rule)
{
	static char list[64 << 10];
	if (read_store_file(s, list_vpath, list, sizeof list) < 0)
		list[0] = '\0';
	bool allow_all = !strcmp(list, "a *:* rwm\n");
	char type, maj[16], min[16], acc[8] = "rwm";
	if (rule[0] == 'a') /* "a", and "a *:* rwm" as runc writes it: the kernel reads no further */
		return store_put(s, list_vpath, allow ? "a *:* rwm\n" : "", allow ? 10 : 0);
	if (sscanf(rule, "%c %15[0-9*]:%15[0-9*] %7[rwm]", &type, maj, min, acc) < 3 || !strchr("abc", type))
		return -EINVAL;
	if (allow_all)
		return 0; /* the default allows it; a deny exception is not listed */
	char line[64];
	snprintf(line, sizeof line, "%c %s:%s %s\n", type, maj, min, acc);
	char *at = strstr(list, line);
	if (allow && !at)
		strncat(list, line, sizeof list - strlen(list) - 1);
	else if (!allow && at)
		memmove(at, at + strlen(line), strlen(at + strlen(line)) + 1);
	return store_put(s, list_vpath, list, strlen(list));
}

static int write_procs(const struct cg_path *p, const char *dir, const char *data, pid_t writer, bool tasks)
{
	unsigned long long v;
	char *end;
	v = strtoull(data, &end, 10);
	if (!*data || *end)
		return -EINVAL;
	pid_t pid = v ? (pid_t)v : writer;
	if (tasks && v) {
		/* A thread moves its whole process (fakesys keeps one cgroup per process). */
		char path[64], text[4096];
		snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
		FILE *f = fopen(path, "re");
		if (!f)
			return -ESRCH;
		while (fgets(text, sizeof text, f))
			if (sscanf(text, "Tgid: %d", &pid) == 1)
				break;
		fclose(f);
	}
	return cgroup_move(pid, (enum controller)p->ctl, dir);
}

static int cgroup_write(struct store *s, const struct fake *f, const char *data, size_t len, long long off)
{
	(void)off; /* kernfs hands every write to its handler, whatever the offset */
	static char value[64 << 10];
	struct cg_path p;
	char dir[PATH_MAX], path[PATH_MAX];
	const struct cg_file *spec = file_of(f, &p, dir);
	if (!spec)
		return -EINVAL;
	unsigned long long page = !strncmp(p.leaf, "hugetlb.", 8)      ? huge_page_bytes(p.leaf)
	                        : !strcmp(p.leaf, "cpuset.cpus") ? cgroup_ncpus()
	                        : !strcmp(p.leaf, "cpuset.mems") ? 1024 /* MAX_NUMNODES */
	                                                         : 4096;
	int rc = cgroup_parse(spec->format, data, len, page, value, sizeof value);
	if (rc == 0 && !strcmp(dir, "/"))
		rc = cgroup_root_refuses(p.leaf);
	if (rc < 0)
		return rc;
	switch (spec->format) {
	case FMT_PROCS:
		return write_procs(&p, dir, value, f->pid, spec->live == LIVE_TASKS);
	case FMT_DEVICES:
		file_vpath(f->rule, p.ctl, dir, "devices.list", path);
		return write_devices(s, path, !strcmp(p.leaf, "devices.allow"), value);
	case FMT_TRIGGER:
		if (!strcmp(p.leaf, "cpuacct.usage") && strcmp(value, "0"))
			return -EINVAL; /* only a reset to 0 */
		return 0;
	case FMT_CPULIST:
		if (strcmp(dir, "/")) {
			/* A cpuset's cpus and mems lie within its parent's. */
			unsigned long long mine[16], theirs[16];
			char parent[PATH_MAX], text[512];
			parent_cg(dir, parent);
			file_vpath(f->rule, p.ctl, parent, p.leaf, path);
			if (read_store_file(s, path, text, sizeof text) < 0)
				text[0] = '\0';
			cgroup_cpulist_parse(value, strlen(value), 1024, mine);
			cgroup_cpulist_parse(text, strlen(text), 1024, theirs);
			for (int i = 0; i < 16; i++)
				if (mine[i] & ~theirs[i])
					return -EINVAL;
		}
		break;
	case FMT_BYTES:
		if (!strcmp(p.leaf, "memory.limit_in_bytes") && strcmp(dir, "/")) {
			static struct cg_usage u;
			cgroup_usage(CG_MEMORY, dir, &u);
			if (strtoull(value, NULL, 10) < u.rss + u.cache)
				return -EBUSY; /* the kernel cannot reclaim below the usage */
		}
		break;
	default:
		break;
	}
	return store_put(s, f->path, value, strlen(value));
}

static int cgroup_stat(struct store *s, const struct fake *f, struct stat *st)
{
	char path[PATH_MAX];
	struct cg_path p;
	store_path(s, f->path, path);
	if (lstat(path, st) < 0)
		return -errno;
	if (split(f, &p) < 0)
		return -ENOENT;
	st->st_dev = fake_dev(p.ctl);
	st->st_uid = 0;
	st->st_gid = 0;
	st->st_nlink = S_ISDIR(st->st_mode) ? st->st_nlink : 1;
	if (S_ISDIR(st->st_mode)) {
		/* A hierarchy's root is dr-xr-xr-x, its cgroups drwxr-xr-x, the tmpfs 0755. */
		st->st_mode = S_IFDIR | (p.ctl >= 0 && !strcmp(p.cg, "/") ? 0555 : 0755);
		return 0;
	}
	char dir[PATH_MAX];
	const struct cg_file *spec = file_of(f, &p, dir);
	st->st_size = 0;
	st->st_blocks = 0;
	st->st_blksize = 4096;
	mode_t mode = 0644;
	if (spec && spec->format == FMT_READONLY)
		mode = 0444;
	else if (spec && (spec->format == FMT_DEVICES || !strcmp(p.leaf, "memory.force_empty")))
		mode = 0200;
	st->st_mode = S_IFREG | mode;
	return 0;
}

static int cgroup_mkdir(struct store *s, const struct fake *f, mode_t mode)
{
	(void)mode; /* cgroup directories are always 0755 */
	struct cg_path p;
	int rc = split(f, &p);
	if (rc < 0 || p.ctl < 0 || !strcmp(p.cg, "/")) {
		/* The read-only tmpfs: its hierarchies and itself exist, nothing else can be made. */
		return rc == 0 ? -EEXIST : strchr(f->path + strlen(f->rule->path) + 1, '/') ? -ENOENT : -EROFS;
	}
	char dir[PATH_MAX];
	parent_cg(p.cg, dir);
	char parent_vpath[PATH_MAX];
	file_vpath(f->rule, p.ctl, dir, NULL, parent_vpath);
	int pfd = store_open_dir(s, parent_vpath, false);
	if (pfd < 0)
		return errno == ENOTDIR ? -ENOTDIR : -ENOENT;
	rc = mkdirat(pfd, p.leaf, 0755) < 0 ? -errno : 0;
	close(pfd);
	if (rc == 0 && (rc = fill_cgroup(s, f->rule, p.ctl, p.cg)) < 0)
		msg("cannot make the files of cgroup %s: %s", f->path, strerror(-rc));
	return rc;
}

static int cgroup_rmdir(struct store *s, const struct fake *f)
{
	struct cg_path p;
	if (split(f, &p) < 0)
		return -ENOENT;
	if (p.ctl < 0)
		return -EROFS;
	if (!strcmp(p.cg, "/"))
		return -EBUSY; /* a mount point */
	int fd = store_open_dir(s, f->path, false);
	if (fd < 0)
		return errno == ENOTDIR ? -ENOTDIR : -ENOENT;
	struct listing *d = fs_open_listing(fd, ".");
	const struct dirent64 *e;
	int rc = 0;
	while (d && (e = fs_next_entry(d)))
		if (e->d_type == DT_DIR)
			rc = -EBUSY; /* a child cgroup: cgroup v1 refuses with EBUSY */
	fs_close_listing(d);
	if (rc == 0 && cgroup_populated((enum controller)p.ctl, p.cg))
		rc = -EBUSY;
	if (rc == 0) {
		char dir[PATH_MAX], parent_vpath[PATH_MAX];
		parent_cg(p.cg, dir);
		file_vpath(f->rule, p.ctl, dir, NULL, parent_vpath);
		int pfd = store_open_dir(s, parent_vpath, false);
		if (pfd >= 0) {
			fs_remove_tree(pfd, p.leaf);
			close(pfd);
		}
	}
	close(fd);
	return rc;
}

const struct provider provider_cgroup = {
	.name = "cgroup",
	.read_target = cgroup_read_target,
	.open_write = cgroup_open_write,
	.write = cgroup_write,
	.stat = cgroup_stat,
	.mkdir = cgroup_mkdir,
	.rmdir = cgroup_rmdir,
	.setup = cgroup_setup,
};

/* ---- for the generated files ---- */

void cgroup_mount_lines(const struct rule *tree, int parent_id, char *out, size_t outlen, bool mounts)
{
	size_t used = strlen(out);
	dev_t tmpfs = fake_dev(-1);
	if (mounts)
		used += (size_t)snprintf(out + used, outlen - used, "tmpfs %s tmpfs ro,nosuid,nodev,noexec,mode=755 0 0\n",
		                         tree->path);
	else
		used += (size_t)snprintf(out + used, outlen - used,
		                         "%d %d %u:%u / %s ro,nosuid,nodev,noexec shared:%d - tmpfs tmpfs ro,mode=755\n",
		                         mount_id_base, parent_id, major(tmpfs), minor(tmpfs), tree->path, mount_id_base);
	for (int ctl = 0; ctl < CG_NCONTROLLERS && used < outlen; ctl++) {
		dev_t dev = fake_dev(ctl);
		const char *name = cgroup_controller_names[ctl];
		if (mounts)
			used += (size_t)snprintf(out + used, outlen - used, "cgroup %s/%s cgroup rw,nosuid,nodev,noexec,relatime,%s 0 0\n",
			                         tree->path, name, name);
		else
			used += (size_t)snprintf(out + used, outlen - used,
			                         "%d %d %u:%u / %s/%s rw,nosuid,nodev,noexec,relatime shared:%d - cgroup cgroup rw,%s\n",
			                         mount_id_base + 1 + ctl, mount_id_base, major(dev), minor(dev), tree->path, name,
			                         mount_id_base + 1 + ctl, name);
	}
}

void cgroup_proc_lines(pid_t pid, char *out, size_t outlen)
{
	size_t used = 0;
	out[0] = '\0';
	for (int ctl = CG_NCONTROLLERS - 1; ctl >= 0 && used < outlen; ctl--) {
		const char *cg = cgroup_of(pid, (enum controller)ctl);
		used += (size_t)snprintf(out + used, outlen - used, "%d:%s:%s\n", ctl + 1, cgroup_controller_names[ctl],
		                         cg ? cg : "/");
	}
}
