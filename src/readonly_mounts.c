/* The readonly-binds fix-up; see readonly_mounts.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "fsutil.h"
#include "log.h"
#include "memory.h"
#include "mount_fixups.h"
#include "mountinfo.h"
#include "readonly_mounts.h"
#include "readonly_points.h"
#include "redirect.h"
#include "stats.h"
#include "tracer_internal.h"

#define CAP_SYS_ADMIN_BIT 21

static struct readonly_points points;

/* stat (or lstat) of a path as task t names it, in its own root and mounts: through
   /proc/TID/root, which gVisor cannot walk for a chrooted task (EINVAL), then as
   task_walk_root says (the chroot's path, in fakesys's mounts). */
static int task_stat(struct task *t, const char *path, bool follow, struct stat *st)
{
	char walk[PATH_MAX * 2];
	for (int i = 0; i < 2; i++) {
		if (i == 0)
			snprintf(walk, sizeof walk, "/proc/%d/root", (int)t->tid);
		else if (task_walk_root(t, walk) < 0)
			return -1;
		size_t n = strlen(walk);
		if (snprintf(walk + n, sizeof walk - n, "%s", path) >= (int)(sizeof walk - n)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		stats_tracer_call();
		int rc = follow ? stat(walk, st) : lstat(walk, st);
		if (rc == 0 || errno != EINVAL)
			return rc;
	}
	return -1;
}

/* Whether the innermost mount holding path (as t names it) in t's mountinfo is the
   recorded point (fakesys's name): a mount made beneath the point, or a task of another
   mount namespace, is not read-only. A root inside the point leaves the record to say. */
static bool mount_is_point(struct task *t, const char *path, const char *point)
{
	char root[PATH_MAX], mine[PATH_MAX];
	if (redirect_sandbox_name(t, "/", root) < 0)
		return false;
	size_t n = strcmp(root, "/") ? strlen(root) : 0;
	if (!path_at_or_beneath(point, root))
		return path_at_or_beneath(root, point);
	snprintf(mine, sizeof mine, "%s", point[n] ? point + n : "/");
	const char *mi = task_mountinfo(t);
	struct mount_entry m;
	return mi && mount_holding(mi, path, &m) && !strcmp(m.point, mine);
}

/* The point whose read-only mount holds the file at path (as t names it), or NULL. */
static const char *readonly_mount_of(struct task *t, const char *path)
{
	char name[PATH_MAX];
	const char *point;
	if (redirect_sandbox_name(t, path, name) < 0 || !(point = readonly_points_holding(&points, name)))
		return NULL;
	return mount_is_point(t, path, point) ? point : NULL;
}

static bool on_readonly_mount(struct task *t, const char *path)
{
	return readonly_mount_of(t, path) != NULL;
}

static int dirfd_of(const arch_regs *regs, int arg)
{
	return arg < 0 ? AT_FDCWD : (int)arch_arg(regs, arg);
}

/* The entry that the path at addr names (its last link not followed) and its directory,
   as t names them. false where the kernel decides alone: an unresolvable path, "/", or a
   last component "." or "..". */
static bool entry_of(struct task *t, int dirfd, uint64_t addr, char path[PATH_MAX], char dir[PATH_MAX])
{
	char raw[PATH_MAX];
	if (mem_read_string(t, addr, raw, sizeof raw) <= 0)
		return false;
	size_t n = strlen(raw);
	while (n > 1 && raw[n - 1] == '/')
		raw[--n] = '\0';
	const char *last = strrchr(raw, '/');
	last = last ? last + 1 : raw;
	if (!*last || !strcmp(last, ".") || !strcmp(last, "..") ||
	    redirect_task_path_at(t, tracer_cfg->store, dirfd, addr, false, path) < 0 || !strcmp(path, "/"))
		return false;
	snprintf(dir, PATH_MAX, "%s", path);
	char *slash = strrchr(dir, '/');
	slash[slash == dir] = '\0';
	return true;
}

static bool fd_on_readonly_mount(struct task *t, int fd)
{
	char link[64], path[PATH_MAX];
	snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)t->tid, fd);
	return redirect_fd_path(t, tracer_cfg->store, link, path) == 0 && on_readonly_mount(t, path);
}

/* An fd's file. */
static long fd_refusal(struct task *t, int fd)
{
	return fd_on_readonly_mount(t, fd) ? -EROFS : 0;
}

/* A new entry: EEXIST (the kernel's) if it is there, ENOENT if its directory is not. */
static long create_refusal(struct task *t, int dirfd, uint64_t addr)
{
	char path[PATH_MAX], dir[PATH_MAX];
	struct stat st;
	if (!entry_of(t, dirfd, addr, path, dir) || task_stat(t, dir, true, &st) < 0 || task_stat(t, path, false, &st) == 0)
		return 0;
	return on_readonly_mount(t, dir) ? -EROFS : 0;
}

/* open(2) and the like: a write, O_TRUNC, or O_CREAT of a new file (or O_TMPFILE). A
   device, fifo or socket opens for writing on a read-only mount. */
static long open_refusal(struct task *t, const struct syscall_desc *d, const arch_regs *regs, int dirfd, uint64_t addr)
{
	uint64_t flags = 0;
	if (d->access == ACCESS_CREAT)
		flags = O_WRONLY | O_CREAT | O_TRUNC;
	else if (d->flags_where == FLAGS_OPEN)
		flags = arch_arg(regs, d->flags_arg);
	else if (mem_read(t, arch_arg(regs, d->flags_arg), &flags, sizeof flags) < 0) /* struct open_how */
		return 0;
	if ((flags & O_PATH) || ((flags & O_ACCMODE) == O_RDONLY && !(flags & (O_CREAT | O_TRUNC))))
		return 0;
	char path[PATH_MAX], dir[PATH_MAX];
	struct stat st;
	if (redirect_task_path_at(t, tracer_cfg->store, dirfd, addr, !(flags & O_NOFOLLOW), path) < 0)
		return 0;
	if (task_stat(t, path, !(flags & O_NOFOLLOW), &st) < 0) {
		if (!(flags & O_CREAT) || errno != ENOENT || !entry_of(t, dirfd, addr, path, dir) ||
		    task_stat(t, dir, true, &st) < 0)
			return 0;
		return on_readonly_mount(t, dir) ? -EROFS : 0;
	}
	if ((flags & O_TMPFILE) == O_TMPFILE && S_ISDIR(st.st_mode))
		return on_readonly_mount(t, path) ? -EROFS : 0;
	if (!S_ISREG(st.st_mode) || ((flags & O_CREAT) && (flags & O_EXCL)) ||
	    ((flags & O_ACCMODE) == O_RDONLY && !(flags & O_TRUNC)))
		return 0; /* EISDIR, ELOOP, EEXIST, or no write at all */
	return on_readonly_mount(t, path) ? -EROFS : 0;
}

/* A change of the file a path names (chmod, truncate, utimes, setxattr...). A NULL path
   (utimensat, futimesat) or an empty one with AT_EMPTY_PATH names the dirfd's file. */
static long file_refusal(struct task *t, const struct syscall_desc *d, uint64_t flags, int dirfd, uint64_t addr)
{
	char path[PATH_MAX], first;
	struct stat st;
	if (dirfd != AT_FDCWD && (!addr || ((flags & AT_EMPTY_PATH) && mem_read(t, addr, &first, 1) == 0 && !first)))
		return fd_refusal(t, dirfd);
	bool follow = !d->nofollow && !(flags & AT_SYMLINK_NOFOLLOW);
	if (redirect_task_path_at(t, tracer_cfg->store, dirfd, addr, follow, path) < 0 ||
	    task_stat(t, path, follow, &st) < 0)
		return 0; /* the kernel's ENOENT */
	if (d->access == ACCESS_TRUNCATE && !S_ISREG(st.st_mode))
		return 0; /* EISDIR, EINVAL */
	return on_readonly_mount(t, path) ? -EROFS : 0;
}

/* access(2) with W_OK: EROFS, but not for a device, fifo or socket. */
static long access_refusal(struct task *t, const struct syscall_desc *d, const arch_regs *regs, uint64_t flags,
                           int dirfd, uint64_t addr)
{
	char path[PATH_MAX];
	struct stat st;
	bool follow = !(flags & AT_SYMLINK_NOFOLLOW);
	if (!(arch_arg(regs, d->path_arg + 1) & W_OK) ||
	    redirect_task_path_at(t, tracer_cfg->store, dirfd, addr, follow, path) < 0 || task_stat(t, path, follow, &st) < 0 ||
	    !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode)))
		return 0;
	return on_readonly_mount(t, path) ? -EROFS : 0;
}

/* unlink, rmdir: EROFS whether the entry is there or not, once its directory is. */
static long remove_refusal(struct task *t, int dirfd, uint64_t addr)
{
	char path[PATH_MAX], dir[PATH_MAX];
	struct stat st;
	if (!entry_of(t, dirfd, addr, path, dir) || task_stat(t, dir, true, &st) < 0)
		return 0;
	return on_readonly_mount(t, dir) ? -EROFS : 0;
}

/* rename: EROFS where both entries are on one read-only mount; across mounts the kernel's
   EXDEV comes first. */
static long rename_refusal(struct task *t, int old_dirfd, uint64_t old_addr, int new_dirfd, uint64_t new_addr)
{
	char old_path[PATH_MAX], old_dir[PATH_MAX], new_path[PATH_MAX], new_dir[PATH_MAX];
	struct stat st;
	if (!entry_of(t, old_dirfd, old_addr, old_path, old_dir) || !entry_of(t, new_dirfd, new_addr, new_path, new_dir) ||
	    task_stat(t, old_dir, true, &st) < 0 || task_stat(t, new_dir, true, &st) < 0)
		return 0;
	const char *from = readonly_mount_of(t, old_dir);
	return from && from == readonly_mount_of(t, new_dir) ? -EROFS : 0;
}

/* umount2: its target, for its exit. */
static void umount_entry(struct task *t, uint64_t addr)
{
	char name[PATH_MAX];
	if (redirect_sandbox_path(t, tracer_cfg->store, addr, name) < 0)
		return;
	free(t->readonly_umount);
	if (!(t->readonly_umount = strdup(name)))
		die_oom();
}

void readonly_umount_exit(struct task *t, long result)
{
	if (result == 0)
		readonly_points_drop(&points, t->readonly_umount, true);
	free(t->readonly_umount);
	t->readonly_umount = NULL;
}

void readonly_expect_statfs(struct task *t, const struct syscall_desc *d, const arch_regs *regs)
{
	char path[PATH_MAX];
	if (!points.count || d->readonly != RO_STATFS)
		return;
	bool beneath = d->path_arg < 0
	                   ? fd_on_readonly_mount(t, (int)arch_arg(regs, d->dirfd_arg))
	                   : redirect_task_path(t, tracer_cfg->store, arch_arg(regs, d->path_arg), path) == 0 &&
	                         on_readonly_mount(t, path);
	if (beneath)
		t->readonly_statfs = arch_arg(regs, d->data_arg);
}

void readonly_statfs_exit(struct task *t, long result)
{
	uint64_t buf = t->readonly_statfs;
	struct statfs sf;
	t->readonly_statfs = 0;
	if (result != 0 || mem_read(t, buf, &sf, sizeof sf) < 0)
		return;
	sf.f_flags |= ST_RDONLY;
	mem_write_result(t, buf + offsetof(struct statfs, f_flags), &sf.f_flags, sizeof sf.f_flags);
}

long readonly_refusal(struct task *t, const struct syscall_desc *d, const arch_regs *regs)
{
	if (!points.count)
		return 0;
	int dirfd = dirfd_of(regs, d->dirfd_arg);
	uint64_t addr = d->path_arg >= 0 ? arch_arg(regs, d->path_arg) : 0;
	uint64_t flags = d->flags_where == FLAGS_AT ? arch_arg(regs, d->flags_arg) : 0;
	/* A two-path call's second path (syscalls.h). */
	int dirfd2 = d->dirfd_arg < 0 ? AT_FDCWD : dirfd_of(regs, d->dirfd_arg + 2);
	uint64_t addr2 = arch_arg(regs, d->path_arg + (d->dirfd_arg < 0 ? 1 : 2));
	char path[PATH_MAX];
	struct stat st;
	switch (d->readonly) {
	case RO_NONE:
	case RO_STATFS:
		break;
	case RO_OPEN:
		return open_refusal(t, d, regs, dirfd, addr);
	case RO_FILE:
		return file_refusal(t, d, flags, dirfd, addr);
	case RO_FD:
		return fd_refusal(t, dirfd);
	case RO_ACCESS:
		return access_refusal(t, d, regs, flags, dirfd, addr);
	case RO_CREATE:
		return create_refusal(t, dirfd, addr);
	case RO_REMOVE:
		return remove_refusal(t, dirfd, addr);
	case RO_LINK:
		/* The kernel looks the old path up first: ENOENT if it is missing. */
		if (redirect_task_path_at(t, tracer_cfg->store, dirfd, addr, flags & AT_SYMLINK_FOLLOW, path) < 0 ||
		    task_stat(t, path, flags & AT_SYMLINK_FOLLOW, &st) < 0)
			return 0;
		return create_refusal(t, dirfd2, addr2);
	case RO_RENAME:
		return rename_refusal(t, dirfd, addr, dirfd2, addr2);
	case RO_UMOUNT:
		umount_entry(t, addr);
		break;
	}
	return 0;
}

/* Whether t has CAP_SYS_ADMIN (its namespace's): without, the kernel's EPERM stands. A
   status without CapEff says nothing against it. */
static bool may_mount(struct task *t)
{
	char name[64], text[8192];
	snprintf(name, sizeof name, "/proc/%d/status", (int)t->tid);
	stats_tracer_call();
	if (fs_read_text(name, text, sizeof text) <= 0)
		return false;
	const char *cap = strstr(text, "\nCapEff:");
	return !cap || (strtoull(cap + 8, NULL, 16) >> CAP_SYS_ADMIN_BIT) & 1;
}

/* A search of the traced processes for an fd open for writing on a mount: by the mount
   id that fdinfo's mnt_id and mountinfo share, or where fdinfo has no mnt_id (gVisor),
   by the fd's path, at or beneath the mount's point (fakesys's name). */
struct writer_search {
	int mount_id;
	const char *point;
	bool found;
};

static bool fd_on_mount(struct task *t, const char *fd, const char *mount_id, const struct writer_search *w)
{
	if (mount_id)
		return atoi(mount_id + 7) == w->mount_id;
	char link[96], path[PATH_MAX], name[PATH_MAX];
	snprintf(link, sizeof link, "/proc/%d/fd/%.16s", (int)t->tid, fd);
	return redirect_fd_path(t, tracer_cfg->store, link, path) == 0 && redirect_sandbox_name(t, path, name) == 0 &&
	       path_at_or_beneath(name, w->point);
}

static void find_writer(struct task *t, void *arg)
{
	struct writer_search *w = arg;
	char dir_name[64], name[96], text[512];
	snprintf(dir_name, sizeof dir_name, "/proc/%d/fdinfo", (int)t->tid);
	stats_tracer_call();
	DIR *dir = w->found ? NULL : opendir(dir_name);
	if (!dir)
		return;
	for (struct dirent *e; !w->found && (e = readdir(dir));) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(name, sizeof name, "%s/%.16s", dir_name, e->d_name);
		stats_tracer_call();
		if (fs_read_text(name, text, sizeof text) <= 0)
			continue;
		const char *flags = strstr(text, "flags:");
		w->found = flags && (strtoul(flags + 6, NULL, 8) & O_ACCMODE) != O_RDONLY &&
		           fd_on_mount(t, e->d_name, strstr(text, "mnt_id:"), w);
	}
	closedir(dir);
}

bool readonly_remount(struct task *t, const arch_regs *regs, const char *target, long *result)
{
	uint64_t flags = arch_arg(regs, 3);
	char path[PATH_MAX], name[PATH_MAX];
	if ((flags & (MS_REMOUNT | MS_BIND)) != (MS_REMOUNT | MS_BIND))
		return false;
	if (target)
		snprintf(path, sizeof path, "%s", target);
	else if (redirect_task_path(t, tracer_cfg->store, arch_arg(regs, 1), path) < 0)
		return false;
	const char *recorded;
	bool readonly = flags & MS_RDONLY;
	if (redirect_sandbox_name(t, path, name) < 0 ||
	    (!readonly && !((recorded = readonly_points_holding(&points, name)) && !strcmp(recorded, name))) ||
	    !may_mount(t))
		return false; /* a writable bind remount stays the kernel's, unless it undoes fakesys's */
	struct stat st;
	struct mount_entry m;
	/* A mount whose root is a symbolic link is gVisor's bind of a magic link (runc's bind
	   of /proc/self/exe binds the link itself): its kernel's EINVAL stays, and runc then
	   copies its binary instead of executing a link. */
	if (task_stat(t, path, false, &st) == 0 && S_ISLNK(st.st_mode))
		return false;
	*result = 0;
	if (task_stat(t, path, true, &st) < 0)
		*result = -errno;
	else if (!mount_point_is(task_mountinfo(t), path, &m))
		*result = -EINVAL; /* not a mount's root */
	else if (readonly) {
		/* Linux cannot take a mount's writers away: it refuses while one has a file open. */
		struct writer_search w = { .mount_id = m.id, .point = name };
		task_for_each(find_writer, &w);
		if (w.found)
			*result = -EBUSY;
		else
			readonly_points_add(&points, name);
	}
	else
		readonly_points_drop(&points, name, false);
	return true;
}
