#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fake_fds.h"
#include "memory.h"
#include "redirect.h"
#include "stats.h"

/* The task a path is resolved for, and whether its resolution went through the store. */
struct view {
	struct task *t;
	const struct store *store;
	bool through_mirror; /* a cwd, dirfd or magic link pointed into a store mirror */
	bool outside_root;   /* a cwd, dirfd or magic link pointed outside the task's root */
};

/* Reads a magic link of a task (one tracer call). Returns a magic_target, or -errno. */
static int read_link(const char *link, char out[PATH_MAX])
{
	stats_tracer_call();
	ssize_t n = readlink(link, out, PATH_MAX - 1);
	if (n < 0)
		return errno == ENOENT || errno == ESRCH ? -ENOENT : -EACCES;
	out[n] = '\0';
	if (out[0] == '/')
		return MAGIC_PATH;
	/* "pipe:[7]", "socket:[8]", "anon_inode:[eventfd]", gVisor's "host:[2]" */
	size_t kind = strspn(out, "abcdefghijklmnopqrstuvwxyz_");
	return kind && out[kind] == ':' ? MAGIC_OBJECT : -EACCES;
}

/* The task's root directory as fakesys names it: "/" unless it chrooted. */
static int task_root(struct task *t, char root[PATH_MAX])
{
	if (fs_root(t)) {
		snprintf(root, PATH_MAX, "%s", fs_root(t));
		return MAGIC_PATH;
	}
	char link[64];
	snprintf(link, sizeof link, "/proc/%d/root", (int)t->tid);
	int rc = read_link(link, root);
	if (rc == MAGIC_PATH)
		fs_set_root(t, root);
	return rc == MAGIC_OBJECT ? -EACCES : rc;
}

/* A path as fakesys reads it from /proc, turned into the name the task itself would give:
   a path in a store mirror stands for the virtual directory, and inside a chroot the root's
   prefix goes. A path outside the task's root (an fd or cwd from before a chroot, which
   runc uses for its exec fifo) has no such name: it stays fakesys's, marked outside_root,
   and is matched so (the file it names is the one the kernel reaches). */
static int task_view(struct view *v, char path[PATH_MAX])
{
	char virt[PATH_MAX], root[PATH_MAX];
	if (store_to_virtual(v->store, path, virt)) {
		v->through_mirror = true;
		memcpy(path, virt, strlen(virt) + 1);
		return MAGIC_PATH;
	}
	int rc = task_root(v->t, root);
	if (rc < 0 || !strcmp(root, "/"))
		return rc;
	size_t n = strlen(root);
	if (strncmp(path, root, n) || (path[n] != '/' && path[n] != '\0')) {
		v->outside_root = true;
		return MAGIC_PATH;
	}
	if (!path[n])
		strcpy(path, "/");
	else
		memmove(path, path + n, strlen(path + n) + 1);
	return MAGIC_PATH;
}

static int read_magic(void *arg, const char *link, char target[PATH_MAX])
{
	int rc = read_link(link, target);
	return rc == MAGIC_PATH ? task_view(arg, target) : rc;
}

/* An ordinary name the task gives, read as a symbolic link from fakesys's side of the
   task's root. Only calls that change files pay for this: a link anywhere (say
   /tmp/ttl -> /proc/sys/net/ipv4/ip_default_ttl) must lead such a call to the fake, or it
   would write the real file behind it. A name fakesys cannot read leaves the path
   unresolvable, and so the change refused (see writes()). */
static int read_real_link(void *arg, const char *path, char target[PATH_MAX])
{
	struct view *v = arg;
	char mine[PATH_MAX];
	int rc = redirect_sandbox_name(v->t, path, mine);
	if (rc < 0)
		return rc;
	stats_tracer_call();
	ssize_t n = readlink(mine, target, PATH_MAX - 1);
	if (n >= 0) {
		target[n] = '\0';
		return ALIAS_LINK;
	}
	/* not a link, or nothing there yet (a file about to be created) */
	return errno == EINVAL || errno == ENOENT || errno == ENOTDIR ? ALIAS_NONE : -EACCES;
}

/* The directory a relative path starts from, as the task names it: the cwd, or the
   dirfd's target. Returns a magic_target, or -errno. */
static int base_dir(struct view *v, int dirfd, char base[PATH_MAX])
{
	char link[64];
	struct task *t = v->t;
	const char *cwd = dirfd == AT_FDCWD ? fs_cwd(t) : NULL;
	if (cwd) {
		snprintf(base, PATH_MAX, "%s", cwd);
		return task_view(v, base);
	}
	if (dirfd == AT_FDCWD)
		snprintf(link, sizeof link, "/proc/%d/cwd", (int)t->tid);
	else
		snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)t->tid, dirfd);
	int rc = read_link(link, base);
	if (rc == -ENOENT && dirfd != AT_FDCWD)
		return -EBADF; /* no such fd: the kernel's answer */
	if (rc != MAGIC_PATH)
		return rc; /* a pipe or socket as dirfd: the kernel fails with ENOTDIR */
	if (dirfd == AT_FDCWD)
		fs_set_cwd(t, base);
	return task_view(v, base);
}

static uint64_t call_flags(struct task *t, const arch_regs *regs, const struct syscall_desc *d)
{
	uint64_t flags = 0;
	switch (d->flags_where) {
	case FLAGS_NONE:
		break;
	case FLAGS_OPEN:
	case FLAGS_AT:
	case FLAGS_CLONE:
		flags = arch_arg(regs, d->flags_arg);
		break;
	case FLAGS_OPEN_HOW:
		/* struct open_how starts with the u64 flags. */
		if (mem_read(t, arch_arg(regs, d->flags_arg), &flags, sizeof flags) < 0)
			flags = 0;
		break;
	}
	return flags;
}

/* Whether the call changes what is in a file: it must never reach a real file behind a
   fake, so one whose path cannot be resolved fails. (mkdir and rmdir of such a path go
   to the kernel: they can only name a tree's real counterpart through a cwd longer than
   PATH_MAX or a link loop, and Go's os.RemoveAll works in such deep trees.) */
static bool writes(const struct request *req)
{
	switch (req->desc->access) {
	case ACCESS_CREAT:
	case ACCESS_TRUNCATE:
		return true;
	case ACCESS_OPEN:
		/* O_TRUNC counts as a write: it must never empty the stored value. */
		return (req->flags & O_ACCMODE) != O_RDONLY || (req->flags & O_TRUNC);
	default:
		return false;
	}
}

/* Whether the call makes or removes a name or changes a file's contents: symbolic links
   on its way are followed (read_real_link). */
static bool changes_files(const struct request *req)
{
	return writes(req) || req->desc->access == ACCESS_MKDIR || req->desc->access == ACCESS_RMDIR;
}

static enum action file_action(const struct request *req)
{
	if (req->desc->stat_kind == STAT_STATFS)
		return ACTION_STATFS;
	switch (req->desc->access) {
	case ACCESS_MKDIR:
		if (req->match.kind == MATCH_TREE)
			return ACTION_MKDIR;
		return ACTION_SKIP; /* a fake file or directory is there: EEXIST, set by the caller */
	case ACCESS_RMDIR:
		if (req->match.kind == MATCH_TREE)
			return ACTION_RMDIR;
		return req->match.kind == MATCH_FILE ? ACTION_SKIP : ACTION_PASS; /* ENOTDIR */
	default:
		break;
	}
	switch (req->desc->access) {
	case ACCESS_CREAT:
		return ACTION_WRITE;
	case ACCESS_TRUNCATE:
		return ACTION_SKIP;
	case ACCESS_OPEN:
		return writes(req) ? ACTION_WRITE : ACTION_READ;
	case ACCESS_INSPECT:
	case ACCESS_CHDIR:
		return ACTION_READ;
	default:
		break;
	}
	return ACTION_PASS;
}

/* Whether the kernel follows a symbolic link in the last component of this call. */
static bool follows_last(const struct syscall_desc *d, uint64_t flags)
{
	if (d->nofollow)
		return false;
	switch (d->flags_where) {
	case FLAGS_OPEN:
	case FLAGS_OPEN_HOW:
		return !(flags & O_NOFOLLOW);
	case FLAGS_AT:
		return !(flags & AT_SYMLINK_NOFOLLOW);
	default:
		return true;
	}
}

/* Matches a canonical path. /proc/PID/X of another process matches the rule for
   /proc/self/X when that rule is generated for its opener: *subject is then PID. */
static struct match match_path(const struct ruleset *rules, const char *path, pid_t caller, pid_t *subject)
{
	*subject = caller;
	struct match m = rules_match(rules, path);
	if (m.kind != MATCH_NONE || strncmp(path, "/proc/", 6) || !isdigit((unsigned char)path[6]))
		return m;
	char *end, self[PATH_MAX];
	long pid = strtol(path + 6, &end, 10);
	if (*end != '/' || snprintf(self, sizeof self, "/proc/self%s", end) >= (int)sizeof self)
		return m;
	struct match other = rules_match(rules, self);
	if (other.kind == MATCH_FILE && other.rule->generator) {
		*subject = (pid_t)pid;
		return other;
	}
	return m;
}

bool redirect_classify_fd(struct task *t, int fd, const struct syscall_desc *d, const struct ruleset *rules,
                          const struct store *store, struct request *req)
{
	char link[64], target[PATH_MAX];
	snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)t->tid, fd);
	if (read_link(link, target) != MAGIC_PATH)
		return false;
	*req = (struct request){ .desc = d, .subject = t->tgid };
	if (!store_to_virtual(store, target, req->where.path) || alias_fold(req->where.path, t->tgid, t->tid) < 0)
		return false;
	req->match = match_path(rules, req->where.path, t->tgid, &req->subject);
	if (d->stat_kind == STAT_STATFS) {
		req->action = ACTION_STATFS;
		return req->match.kind != MATCH_NONE;
	}
	/* fstat: a fake's own answer; a mirror directory is what it is. */
	req->action = ACTION_READ;
	return req->match.kind == MATCH_FILE || req->match.kind == MATCH_TREE;
}

/* Skipping a dirfd's lookup (redirect_classify): an fd table that holds no fd at or
   above a fake, in the store or unseen (files.may_reach_fakes) makes dirfd/NAME, for one
   NAME that is neither "." nor "..", a name below a place no fake is at or under; only
   the kernel's magic links could lead on from there, and those lead to an fd or cwd the
   process has, or to a root. That saves find, du, rm -rf and the like one tracer call
   per name (the readlink of /proc/PID/fd/N). A call that changes files never skips, so
   an fd fakesys did not see opened (passed over a socket, from open_tree or
   pidfd_getfd) can make a read miss a fake, never a write reach the real file. */
static bool is_one_name(const char *path)
{
	return !strchr(path, '/') && strcmp(path, ".") && strcmp(path, "..");
}

/* t's fd table may now hold a dirfd that leads to a fake: an open reached a directory at
   or above one or in a tree, the store, or somewhere fakesys cannot name. */
static void note_reach(struct task *t, const struct syscall_desc *d)
{
	if (d->access == ACCESS_OPEN)
		t->files->may_reach_fakes = true;
}

bool redirect_classify(struct task *t, const arch_regs *regs, const struct syscall_desc *d,
                       const struct ruleset *rules, const struct store *store, struct request *req)
{
	char *path = req->named;
	req->desc = d;
	req->error = 0;
	req->where.path[0] = '\0'; /* none yet: learn.c looks only at a path resolved here */
	long len = req->named_len = mem_read_string(t, arch_arg(regs, d->path_arg), path, sizeof req->named);
	/* glibc's fstat is newfstatat(fd, "", AT_EMPTY_PATH): under a profile with a tree,
	   where fstat is traced too, a fake's fd gets the fake's answer. */
	if (len == 0 && d->stat_kind != STAT_NONE && d->flags_where == FLAGS_AT && rules->ntrees > 0 &&
	    (call_flags(t, regs, d) & AT_EMPTY_PATH))
		return redirect_classify_fd(t, (int)arch_arg(regs, d->dirfd_arg), d, rules, store, req);
	if (len <= 0)
		return false; /* empty (AT_EMPTY_PATH), unreadable or too long: the kernel decides */

	req->flags = call_flags(t, regs, d);
	struct view v = { .t = t, .store = store };
	bool changes = changes_files(req);
	struct alias_task who = { .tgid = t->tgid, .tid = t->tid, .read_magic = read_magic,
	                          .read_link = changes ? read_real_link : NULL, .arg = &v };
	char base[PATH_MAX] = "/";
	int dirfd = AT_FDCWD, rc = MAGIC_PATH;
	if (path[0] != '/') {
		dirfd = d->dirfd_arg < 0 ? AT_FDCWD : (int)arch_arg(regs, d->dirfd_arg);
		if (dirfd != AT_FDCWD && !t->files->may_reach_fakes && !changes && is_one_name(path))
			return false;
		rc = base_dir(&v, dirfd, base);
		if (rc == MAGIC_OBJECT)
			return false;
		if (dirfd != AT_FDCWD && rc == MAGIC_PATH && rules_match(rules, base).kind != MATCH_NONE)
			t->files->may_reach_fakes = true; /* a dirfd fakesys did not see opened */
	}
	if (rc == MAGIC_PATH)
		rc = path_resolve(&who, base, path, follows_last(d, req->flags), &req->where);
	req->through_mirror = v.through_mirror;
	if (rc < 0 || v.through_mirror || v.outside_root)
		note_reach(t, d);
	if (rc < 0) {
		/* fakesys cannot tell which file the kernel will reach: it may be the real file
		   behind a fake, so a write fails (with the kernel's most likely error); anything
		   else is the kernel's to decide. */
		snprintf(req->where.path, sizeof req->where.path, "%s", path);
		req->match = (struct match){ .kind = MATCH_NONE };
		req->error = -rc;
		req->action = writes(req) ? ACTION_SKIP : ACTION_PASS;
		return req->action == ACTION_SKIP;
	}

	if (d->access == ACCESS_INSPECT && d->nofollow && d->stat_kind == STAT_NONE) {
		/* readlink of a fd, cwd or root link that leads into the store says what the
		   program opened (libcontainer checks its cgroup root handle so), not where. */
		struct view lv = { .t = t, .store = store };
		struct alias_task lwho = who;
		char real[PATH_MAX];
		lwho.arg = &lv;
		alias_real_path(req->where.path, t->tgid, real); /* alias_at knows pids, not self */
		if (alias_at(&lwho, real, req->link) == ALIAS_JUMP && lv.through_mirror) {
			req->match = (struct match){ .kind = MATCH_NONE };
			req->action = ACTION_READLINK;
			return true;
		}
	}
	req->match = match_path(rules, req->where.path, t->tgid, &req->subject);
	if (req->match.kind == MATCH_DIR || req->match.kind == MATCH_TREE)
		note_reach(t, d); /* (a fake file's fd is no directory) */
	if (v.outside_root && req->match.kind != MATCH_NONE) {
		/* A fake reached from outside the task's root: its store file is out of the
		   task's reach too, so it is handled as a path fakesys cannot resolve. */
		req->match = (struct match){ .kind = MATCH_NONE };
		req->error = EACCES;
		req->action = writes(req) ? ACTION_SKIP : ACTION_PASS;
		return req->action == ACTION_SKIP;
	}
	switch (req->match.kind) {
	case MATCH_NONE:
		req->action = req->through_mirror ? ACTION_REAL : ACTION_PASS;
		break;
	case MATCH_DIR:
		req->action = ACTION_DIR;
		if (d->access == ACCESS_MKDIR || d->access == ACCESS_RMDIR || d->stat_kind == STAT_STATFS)
			req->action = file_action(req);
		break;
	case MATCH_FILE:
	case MATCH_TREE:
		req->action = file_action(req);
		break;
	}
	if (req->action == ACTION_SKIP && d->access == ACCESS_MKDIR)
		req->error = EEXIST;
	else if (req->action == ACTION_SKIP && d->access == ACCESS_RMDIR)
		req->error = ENOTDIR;
	if (req->action == ACTION_PASS)
		return false;
	/* A dirfd that is not a directory (a real file, or a fake's own fd) fails with
	   ENOTDIR whatever the path: let the kernel say so. Checked only for calls that would
	   be redirected, so calls that match nothing pay nothing more. */
	if (dirfd != AT_FDCWD) {
		char link[64];
		struct stat st;
		snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)t->tid, dirfd);
		stats_tracer_call();
		if (stat(link, &st) < 0 || !S_ISDIR(st.st_mode))
			return false;
	}
	return true;
}

/* The canonical path at addr for t, relative to dirfd (AT_FDCWD: the cwd), its last link
   followed or not; *v says whether it went through a mirror or left the task's root on the
   way. */
static int resolve_task_path(struct view *v, int dirfd, uint64_t addr, bool follow_last, char out[PATH_MAX])
{
	char path[PATH_MAX], base[PATH_MAX] = "/";
	long len = mem_read_string(v->t, addr, path, sizeof path);
	if (len <= 0)
		return len < 0 ? (int)len : -ENOENT;
	struct alias_task who = { .tgid = v->t->tgid, .tid = v->t->tid, .read_magic = read_magic, .arg = v };
	int rc = path[0] == '/' ? MAGIC_PATH : base_dir(v, dirfd, base);
	if (rc != MAGIC_PATH)
		return rc < 0 ? rc : -ENOTDIR;
	struct resolved r;
	rc = path_resolve(&who, base, path, follow_last, &r);
	if (rc == 0)
		memcpy(out, r.path, sizeof r.path);
	return rc;
}

int redirect_task_path_at(struct task *t, const struct store *store, int dirfd, uint64_t addr, bool follow_last,
                          char out[PATH_MAX])
{
	struct view v = { .t = t, .store = store };
	int rc = resolve_task_path(&v, dirfd, addr, follow_last, out);
	return rc == 0 && v.outside_root ? -EACCES : rc;
}

int redirect_task_path(struct task *t, const struct store *store, uint64_t addr, char out[PATH_MAX])
{
	return redirect_task_path_at(t, store, AT_FDCWD, addr, true, out);
}

int redirect_task_root(struct task *t, char root[PATH_MAX])
{
	int rc = task_root(t, root);
	return rc < 0 ? rc : 0;
}

int redirect_sandbox_name(struct task *t, const char *path, char out[PATH_MAX])
{
	char root[PATH_MAX];
	int rc = task_root(t, root);
	if (rc < 0)
		return rc;
	if (!strcmp(root, "/"))
		memcpy(out, path, strlen(path) + 1);
	else if (snprintf(out, PATH_MAX, "%s%s", root, strcmp(path, "/") ? path : "") >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

int redirect_sandbox_path(struct task *t, const struct store *store, uint64_t addr, char out[PATH_MAX])
{
	char path[PATH_MAX];
	struct view v = { .t = t, .store = store };
	int rc = resolve_task_path(&v, AT_FDCWD, addr, true, path);
	if (rc < 0)
		return rc;
	if (v.outside_root) {
		memcpy(out, path, strlen(path) + 1);
		return 0;
	}
	return redirect_sandbox_name(t, path, out);
}

int redirect_fd_path(struct task *t, const struct store *store, const char *link, char out[PATH_MAX])
{
	struct view v = { .t = t, .store = store };
	int rc = read_magic(&v, link, out);
	if (rc == MAGIC_PATH && v.through_mirror)
		return -EXDEV; /* a fake's file in the store: never the real file it stands for */
	if (rc == MAGIC_PATH && v.outside_root)
		return -EACCES; /* no name the task could give */
	return rc == MAGIC_PATH ? 0 : rc < 0 ? rc : -ENOTDIR;
}

bool redirect_cwd_in_mirror(struct task *t, const struct store *store, char virt[PATH_MAX])
{
	struct view v = { .t = t, .store = store };
	return base_dir(&v, AT_FDCWD, virt) == MAGIC_PATH && v.through_mirror;
}

enum fs_change redirect_fs_change(const struct syscall_desc *d, const arch_regs *regs)
{
	/* unshare gives the caller its own fs_struct only with CLONE_FS or a flag that implies it. */
	if (d->fs_change == FS_UNSHARE &&
	    !(arch_arg(regs, d->flags_arg) & (CLONE_FS | CLONE_NEWNS | CLONE_NEWUSER)))
		return FS_KEEP;
	return d->fs_change;
}
