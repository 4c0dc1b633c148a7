/* The fix-ups of mount(2); see mount_fixups.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include "fsutil.h"
#include "memory.h"
#include "mount_fixups.h"
#include "mountinfo.h"
#include "redirect.h"
#include "stats.h"
#include "tracer_internal.h"

const char *task_mountinfo(struct task *t)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/mountinfo", (int)t->tid);
	stats_tracer_call();
	return mountinfo_read(name);
}

int task_walk_root(struct task *t, char out[PATH_MAX])
{
	char root[PATH_MAX];
	int rc = redirect_sandbox_name(t, "/", root);
	if (rc < 0)
		return rc;
	if (strcmp(root, "/"))
		snprintf(out, PATH_MAX, "%s", root);
	else
		snprintf(out, PATH_MAX, "/proc/%d/root", (int)t->tid);
	return 0;
}

/* Whether the path at addr, as the kernel walks it for t, is the canonical path: no ".."
   (folded lexically by path.h) and no symbolic link on the way, checked in t's own root
   and mounts (task_walk_root). A path that does not exist counts: the
   call fails with ENOENT either way, and gVisor would say EINVAL for MS_REC first. */
static bool canonical_path(struct task *t, uint64_t addr, char path[PATH_MAX])
{
	char raw[PATH_MAX], where[PATH_MAX], walk[PATH_MAX + 64];
	if (mem_read_string(t, addr, raw, sizeof raw) <= 0)
		return false;
	for (const char *c = raw; (c = strstr(c, "..")); c += 2)
		if ((c == raw || c[-1] == '/') && (c[2] == '/' || !c[2]))
			return false;
	if (redirect_task_path(t, tracer_cfg->store, addr, path) < 0 || task_walk_root(t, where) < 0)
		return false;
	int n = snprintf(walk, sizeof walk, "%s", where);
	for (const char *c = path + 1; *c; c++) {
		const char *end = strchr(c, '/');
		size_t len = end ? (size_t)(end - c) : strlen(c);
		struct stat st;
		n += snprintf(walk + n, sizeof walk - (size_t)n, "/%.*s", (int)len, c);
		stats_tracer_call();
		if ((size_t)n >= sizeof walk)
			return false;
		if (lstat(walk, &st) < 0)
			return errno == ENOENT;
		if (S_ISLNK(st.st_mode))
			return false;
		c += len;
		if (!*c)
			break;
	}
	return true;
}

uint64_t mount_rec_flags(struct task *t, const arch_regs *regs)
{
	uint64_t flags = arch_arg(regs, 3);
	const uint64_t propagation = MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;
	if (!(flags & MS_REC))
		return flags;
	/* Linux ignores MS_REC in a remount, and in a move (which it runs only without
	   MS_BIND and the propagation flags); runc remounts a bind read-only with it. */
	if ((flags & MS_REMOUNT) || ((flags & MS_MOVE) && !(flags & (MS_BIND | propagation))))
		return flags & ~(uint64_t)MS_REC;
	if (flags & MS_BIND) {
		/* A recursive bind of a mount with nothing mounted beneath the source is that
		   one bind. */
		char source[PATH_MAX];
		const char *mi;
		if (!(flags & propagation) && canonical_path(t, arch_arg(regs, 0), source) && (mi = task_mountinfo(t)) &&
		    !mount_beneath(mi, source))
			return flags & ~(uint64_t)MS_REC;
		return flags;
	}
	/* Making every mount of a tree private or a slave, where no mount of the namespace
	   has peers or a master: each one is private already, and Linux leaves a private
	   mount private for MS_SLAVE too. The call still names its target mount, so the kernel
	   still checks it. */
	uint64_t kind = flags & propagation;
	const char *mi;
	if ((kind == MS_PRIVATE || kind == MS_SLAVE) && (mi = task_mountinfo(t)) && !mount_any_propagation(mi))
		return (flags & ~(uint64_t)(MS_REC | MS_SLAVE)) | MS_PRIVATE;
	return flags;
}

bool mount_devpts_single(struct task *t, const arch_regs *regs)
{
	char type[16];
	struct mount_entry m;
	return !(arch_arg(regs, 3) & (MS_REMOUNT | MS_BIND | MS_MOVE)) &&
	       mem_read_string(t, arch_arg(regs, 2), type, sizeof type) > 0 && !strcmp(type, "devpts") &&
	       mount_point_is(task_mountinfo(t), DEVPTS_INSTANCE, &m) && !strcmp(m.fstype, "devpts");
}

bool mount_fd_target(struct task *t, const arch_regs *regs, char out[PATH_MAX])
{
	char target[PATH_MAX], link[96];
	if (mem_read_string(t, arch_arg(regs, 1), target, sizeof target) <= 0)
		return false;
	/* Only the caller's own fds: /proc/PID/fd/N would name PID in the caller's pid
	   namespace, which need not be fakesys's. */
	const char *fd = !strncmp(target, "/proc/self/fd/", 14)          ? target + 14
	               : !strncmp(target, "/proc/thread-self/fd/", 21) ? target + 21
	                                                                : NULL;
	size_t digits = fd ? strspn(fd, "0123456789") : 0;
	if (!digits || fd[digits] || digits > 9)
		return false;
	snprintf(link, sizeof link, "/proc/%d/fd/%.9s", (int)t->tid, fd);
	return redirect_fd_path(t, tracer_cfg->store, link, out) == 0;
}
