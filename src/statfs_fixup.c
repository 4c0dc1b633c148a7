/* The statfs-enosys fix-up; see statfs_fixup.h. */
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>
#include "log.h"
#include "memory.h"
#include "mount_fixups.h"
#include "mountinfo.h"
#include "provider.h"
#include "statfs_fixup.h"
#include "stats.h"
#include "tracer_internal.h"

/* A call that passes, for its exit stop: what it names. */
struct statfs_call {
	bool by_fd;
	uint64_t what; /* the fd, or the path's address */
	uint64_t buf;
};

/* A traced process mounted a FUSE filesystem: its daemon may be traced. */
static bool fuse_mounted;

/* Whether fakesys's own statfs of the file the call names succeeds: then that file's
   filesystem has statfs, the call cannot fail with ENOSYS, and it runs on without an
   exit stop (two stops fewer in gVisor, which reports an entry stop too; its answer
   depends on the file: /proc itself has statfs, /proc/self/stat not). Named through the
   task's own links, so that the kernel resolves it as it will for the task.
   Never where the file may be on a FUSE filesystem whose daemon fakesys traces: the
   statfs would wait for the daemon while the daemon waits at a stop for fakesys. A
   traced daemon's filesystem is mounted by a traced process, and fakesys sees every
   mount(2) only while a mount fix-up traces them. */
static bool statfs_implemented(struct task *t, const struct syscall_desc *d, const arch_regs *regs, const char *named)
{
	char path[PATH_MAX + 64];
	struct statfs sf;
	if (fuse_mounted || !fixups_trace_mounts(&tracer_cfg->fixups))
		return false;
	if (d->access == ACCESS_FD)
		snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)t->tid, (int)arch_arg(regs, d->dirfd_arg));
	else if (named && *named)
		snprintf(path, sizeof path, "/proc/%d/%s/%s", (int)t->tid, named[0] == '/' ? "root" : "cwd", named);
	else
		return false;
	stats_tracer_call();
	return statfs(path, &sf) == 0;
}

void statfs_fixup_entry(struct task *t, const struct syscall_desc *d, const arch_regs *regs, const char *named)
{
	if (!tracer_cfg->fixups.statfs_enosys || d->stat_kind != STAT_STATFS || statfs_implemented(t, d, regs, named))
		return;
	if (!t->statfs_fix && !(t->statfs_fix = malloc(sizeof *t->statfs_fix)))
		die_oom();
	*t->statfs_fix = (struct statfs_call){ .by_fd = d->access == ACCESS_FD,
	                                       .what = arch_arg(regs, d->access == ACCESS_FD ? d->dirfd_arg : d->path_arg),
	                                       .buf = arch_arg(regs, d->data_arg) };
}

void statfs_fixup_mount(struct task *t, const arch_regs *regs)
{
	char type[64];
	uint64_t addr = arch_arg(regs, 2); /* NULL for a bind, a move or a remount */
	/* A type that cannot be read may be FUSE's. */
	if (tracer_cfg->fixups.statfs_enosys && !fuse_mounted && addr &&
	    (mem_read_string(t, addr, type, sizeof type) < 0 || !strncmp(type, "fuse", 4)))
		fuse_mounted = true;
}

/* The magic number of a filesystem type as mountinfo names it (linux/magic.h). */
static long fs_magic(const char *fstype)
{
	static const struct { const char *name; long magic; } types[] = {
		{"proc", PROC_SUPER_MAGIC}, {"sysfs", SYSFS_MAGIC}, {"cgroup", CGROUP_SUPER_MAGIC},
		{"cgroup2", CGROUP2_SUPER_MAGIC}, {"tmpfs", TMPFS_MAGIC}, {"devpts", DEVPTS_SUPER_MAGIC},
		{"overlay", OVERLAYFS_SUPER_MAGIC}, {"devtmpfs", TMPFS_MAGIC},
	};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		if (!strcmp(fstype, types[i].name))
			return types[i].magic;
	return 0;
}

/* At the exit of a statfs or fstatfs that failed with ENOSYS: the answer of the
   filesystem its file is on, from mountinfo, if fakesys knows that type. */
void statfs_fixup_exit(struct task *t, long *result)
{
	struct statfs_call c = *t->statfs_fix;
	free(t->statfs_fix);
	t->statfs_fix = NULL;
	if (*result != -ENOSYS)
		return;
	char path[PATH_MAX], link[64], name[PATH_MAX];
	ssize_t n;
	if (c.by_fd) {
		snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)t->tid, (int)c.what);
		n = readlink(link, path, sizeof path - 1);
	} else if (mem_read_string(t, c.what, name, sizeof name) > 0 && name[0] == '/') {
		n = snprintf(path, sizeof path, "%s", name);
	} else {
		snprintf(link, sizeof link, "/proc/%d/cwd", (int)t->tid);
		n = readlink(link, path, sizeof path - 1);
		if (n > 0 && (size_t)n + strlen(name) + 2 < sizeof path)
			n += snprintf(path + n, sizeof path - (size_t)n, "/%s", name);
	}
	if (n <= 0)
		return;
	path[n] = '\0';
	const char *mountinfo = task_mountinfo(t);
	struct mount_entry m;
	if (!mountinfo || !mount_holding(mountinfo, path, &m) || !fs_magic(m.fstype))
		return;
	struct statfs sf;
	struct match none = { .kind = MATCH_NONE };
	provider_statfs(&none, "/", &sf);
	sf.f_type = fs_magic(m.fstype);
	if (mem_write_result(t, c.buf, &sf, sizeof sf) == 0 && arch_poke_result(t->tid, 0) == 0)
		*result = 0;
}
