/* The generated provider: `generated PATH = NAME`, a file made afresh for each opener
   by generator NAME, from the real file where there is one:
     cgroup     /proc/PID/cgroup: the process's cgroup in each fake hierarchy
     mountinfo  the real /proc/PID/mountinfo plus the fake cgroup tree's mounts
     mounts     the same for /proc/PID/mounts
     diskstats  the real /proc/diskstats, plus a line for the root filesystem's device
                if it has none (cAdvisor looks its stats up by major:minor)
     block      /sys/block/DISK/{dev,size,hidden,queue/scheduler} of the root
                filesystem's disk, for a sandbox whose /sys/block lacks it: its
                major:minor, the filesystem's size in 512-byte sectors, not hidden, and
                no I/O scheduler
     boot_id    the real boot id, or one made for this run
     product_uuid  the real DMI product UUID, or one made from /etc/machine-id
     topology   /sys/devices/system/cpu/cpuN/topology/FILE: the real file, or where there
                is none, one core per cpu in one package (what gVisor's cpu count implies)
     proc_version  /proc/version with the release and version of kernel_identity.h
     cap_last_cap  the highest capability this kernel knows: the last one whose bounding
                set bit prctl(PR_CAPBSET_READ) can read, which is the kernel's own
                cap_valid() test behind /proc/sys/kernel/cap_last_cap
   Generated files are read-only, as their procfs originals are. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include "fsutil.h"
#include "kernel_identity.h"
#include "mountinfo.h"
#include "procfs_alias.h"
#include "provider.h"
#include "provider_cgroup.h"
#include "root_disk.h"

#define GENERATED_MAX (1 << 20)

/* Appends what fakesys can read of path to out (NUL-terminated). */
static void append_real(const char *path, char *out, size_t outlen)
{
	size_t used = strlen(out);
	if (fs_read_text(path, out + used, outlen - used) < 0)
		out[used] = '\0';
}

static void gen_mounts(struct store *s, pid_t pid, bool info, char *out, size_t outlen)
{
	char real[64];
	snprintf(real, sizeof real, "/proc/%d/%s", (int)pid, info ? "mountinfo" : "mounts");
	append_real(real, out, outlen);
	const struct ruleset *rs = store_rules(s);
	for (size_t i = 0; i < rs->ntrees; i++) {
		struct mount_entry m = {0};
		mount_holding(out, rs->trees[i]->path, &m);
		cgroup_mount_lines(rs->trees[i], m.id, out, outlen, !info);
	}
}

static void gen_diskstats(char *out, size_t outlen)
{
	append_real("/proc/diskstats", out, outlen);
	struct root_disk d;
	if (!root_disk_find(&d))
		return;
	if (diskstats_line(out, d.major, d.minor, NULL, 0))
		return;
	/* The 17 counters of Linux 5.5 and later, all zero: nothing fakesys saw was read. */
	size_t used = strlen(out);
	snprintf(out + used, outlen - used, "%4u %7u %s 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", d.major, d.minor, d.name);
}

/* What cAdvisor's GetBlockDeviceInfo (utils/sysinfo/sysinfo.go) reads of a disk. */
static void gen_block(const char *path, char *out, size_t outlen)
{
	struct root_disk d;
	struct statvfs sv;
	if (!root_disk_find(&d))
		return;
	const char *leaf = path + strlen("/sys/block/") + strlen(d.name) + 1;
	if (!strcmp(leaf, "dev"))
		snprintf(out, outlen, "%u:%u\n", d.major, d.minor);
	else if (!strcmp(leaf, "size"))
		snprintf(out, outlen, "%llu\n",
		         statvfs("/", &sv) < 0 ? 0ULL : (unsigned long long)sv.f_blocks * sv.f_frsize / 512);
	else if (!strcmp(leaf, "hidden"))
		snprintf(out, outlen, "0\n");
	else
		snprintf(out, outlen, "none\n"); /* queue/scheduler, as for a disk without one */
}

static void uuid_of(const unsigned char b[16], char *out, size_t outlen)
{
	snprintf(out, outlen, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n", b[0], b[1], b[2], b[3],
	         b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static void gen_boot_id(char *out, size_t outlen)
{
	static char id[40];
	if (!id[0]) {
		append_real("/proc/sys/kernel/random/boot_id", id, sizeof id);
		if (strlen(id) < 36) {
			unsigned char b[16] = {0};
			if (getrandom(b, sizeof b, 0) < 0)
				memset(b, 0x5a, sizeof b);
			b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* a version 4 UUID, as the kernel's */
			b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
			uuid_of(b, id, sizeof id);
		}
	}
	snprintf(out, outlen, "%s", id);
}

static void gen_product_uuid(char *out, size_t outlen)
{
	append_real("/sys/class/dmi/id/product_uuid", out, outlen);
	if (strlen(out) >= 36)
		return;
	char id[64] = "";
	append_real("/etc/machine-id", id, sizeof id);
	unsigned char b[16] = {0};
	for (int i = 0; i < 16 && sscanf(id + 2 * i, "%2hhx", &b[i]) == 1; i++)
		;
	uuid_of(b, out, outlen);
}

/* A cpu mask as sysfs prints it (hex words of 32 bits, comma-separated) or as a list. */
static void cpu_set_text(unsigned first, unsigned last, bool list, char *out, size_t outlen)
{
	if (list) {
		if (first == last)
			snprintf(out, outlen, "%u\n", first);
		else
			snprintf(out, outlen, "%u-%u\n", first, last);
		return;
	}
	unsigned words = last / 32 + 1;
	size_t used = 0;
	for (unsigned w = words; w-- > 0;) {
		unsigned long long bits = 0;
		for (unsigned c = first; c <= last; c++)
			if (c / 32 == w)
				bits |= 1ULL << (c % 32);
		/* The top word without leading zeros, as the kernel's "%*pb" prints it. */
		used += (size_t)snprintf(out + used, outlen - used, w + 1 < words ? ",%08llx" : "%llx", bits);
	}
	snprintf(out + used, outlen - used, "\n");
}

static void gen_topology(const char *path, char *out, size_t outlen)
{
	append_real(path, out, outlen);
	if (*out)
		return;
	unsigned cpu = 0;
	const char *leaf = strrchr(path, '/') + 1;
	sscanf(path, "/sys/devices/system/cpu/cpu%u/", &cpu);
	long n = sysconf(_SC_NPROCESSORS_CONF);
	unsigned last = n > 0 ? (unsigned)n - 1 : 0;
	bool list = strstr(leaf, "_list") != NULL;
	if (!strcmp(leaf, "core_id"))
		snprintf(out, outlen, "%u\n", cpu);
	else if (strstr(leaf, "_id"))
		snprintf(out, outlen, "0\n"); /* physical_package_id, die_id, cluster_id */
	else if (!strncmp(leaf, "thread_siblings", 15) || !strncmp(leaf, "core_cpus", 9))
		cpu_set_text(cpu, cpu, list, out, outlen);
	else
		cpu_set_text(0, last, list, out, outlen); /* core_siblings, package_cpus, die_cpus, cluster_cpus */
}

static void gen_cap_last_cap(char *out, size_t outlen)
{
	int last = 0;
	while (prctl(PR_CAPBSET_READ, last + 1, 0, 0, 0) >= 0)
		last++;
	snprintf(out, outlen, "%d\n", last);
}

static int generated_read_target(struct store *s, const struct fake *f, const char **target, bool *stable)
{
	static char content[GENERATED_MAX], path[PATH_MAX];
	const char *g = f->rule->generator;
	content[0] = '\0';
	if (!strcmp(g, "cgroup"))
		cgroup_proc_lines(f->pid, content, sizeof content);
	else if (!strcmp(g, "mountinfo") || !strcmp(g, "mounts"))
		gen_mounts(s, f->pid, !strcmp(g, "mountinfo"), content, sizeof content);
	else if (!strcmp(g, "diskstats"))
		gen_diskstats(content, sizeof content);
	else if (!strcmp(g, "block"))
		gen_block(f->rule->path, content, sizeof content);
	else if (!strcmp(g, "product_uuid"))
		gen_product_uuid(content, sizeof content);
	else if (!strcmp(g, "topology"))
		gen_topology(f->rule->path, content, sizeof content);
	else if (!strcmp(g, "proc_version"))
		identity_proc_version(s, f->pid, content, sizeof content);
	else if (!strcmp(g, "cap_last_cap"))
		gen_cap_last_cap(content, sizeof content);
	else
		gen_boot_id(content, sizeof content);
	int rc = store_put_generated(s, f->rule->path, f->pid, content, strlen(content), path);
	if (rc < 0)
		return rc;
	*target = path;
	*stable = false;
	return 1;
}

static int generated_open_write(struct store *s, const struct fake *f, int flags)
{
	(void)s, (void)flags;
	/* sysfs and sysctl refuse to open a read-only file for writing, even for root;
	   the rest of procfs lets root open a 0444 file, whose write then fails. */
	if (!strncmp(f->path, "/sys/", 5) || !strncmp(f->path, "/proc/sys/", 10))
		return -EACCES;
	return readonly_open_write(f->pid);
}

static int generated_write(struct store *s, const struct fake *f, const char *data, size_t len, long long off)
{
	(void)s, (void)f, (void)data, (void)len, (void)off;
	return -EINVAL;
}

static int generated_stat(struct store *s, const struct fake *f, struct stat *st)
{
	(void)s;
	memset(st, 0, sizeof *st);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	st->st_atim = st->st_mtim = st->st_ctim = now;
	st->st_ino = (ino_t)f->rule->id + 0x7ffe0000;
	procfs_file_stat(f->path, st);
	st->st_mode = S_IFREG | 0444;
	return 0;
}

const struct provider provider_generated = {
	.name = "generated",
	.read_target = generated_read_target,
	.open_write = generated_open_write,
	.write = generated_write,
	.stat = generated_stat,
};
