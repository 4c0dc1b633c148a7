/* Interception; see intercept.h. The rewrite policy: a call that names a fake gets a
   store path (or, through a mirror, the real path) in place of its own, written into
   the scratch area; the program's own strings are never touched. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include "fake_fds.h"
#include "fsutil.h"
#include "intercept.h"
#include "kernel_identity.h"
#include "learn.h"
#include "log.h"
#include "memory.h"
#include "mount_fixups.h"
#include "mount_namespaces.h"
#include "mountinfo.h"
#include "pipe_chown.h"
#include "provider.h"
#include "readonly_mounts.h"
#include "statfs_fixup.h"
#include "redirect.h"
#include "stats.h"
#include "container_store.h"
#include "pivot_chroot.h"
#include "subreaper.h"
#include "tracer_internal.h"

struct pending_log {
	const char *syscall;
	const char *action;
	char path[PATH_MAX];
	char target[PATH_MAX];
};

/* Maps the scratch area by running mmap in place of the current call; the call is
   re-executed once the mapping exists (see intercept_exit). */
static void inject_scratch(struct task *t, const arch_regs *regs)
{
	arch_regs inj = *regs;
	t->saved = *regs;
	arch_set_syscall_nr(&inj, SYS_mmap);
	arch_set_arg(&inj, 0, 0);
	arch_set_arg(&inj, 1, SCRATCH_SIZE);
	arch_set_arg(&inj, 2, PROT_READ | PROT_WRITE);
	arch_set_arg(&inj, 3, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE);
	arch_set_arg(&inj, 4, (uint64_t)-1);
	arch_set_arg(&inj, 5, 0);
	if (arch_set_regs(t->tid, &inj) < 0)
		return;
	stats.injected++;
	tracer_resume_to_exit(t, PHASE_INJECTED);
}

static void remember_for_log(struct task *t, const struct request *req, const char *action, const char *target)
{
	if (!audit_enabled())
		return;
	if (!t->log && !(t->log = malloc(sizeof *t->log)))
		die_oom();
	t->log->syscall = req->desc->name;
	t->log->action = action;
	snprintf(t->log->path, sizeof t->log->path, "%s", req->where.path);
	snprintf(t->log->target, sizeof t->log->target, "%s", target);
}

static const char *action_name(enum action a)
{
	static const char *const names[] = {
		[ACTION_PASS] = "pass", [ACTION_READ] = "read", [ACTION_WRITE] = "write",
		[ACTION_DIR] = "dir",   [ACTION_REAL] = "real", [ACTION_SKIP] = "skip",
		[ACTION_MKDIR] = "mkdir", [ACTION_RMDIR] = "rmdir", [ACTION_STATFS] = "statfs",
		[ACTION_READLINK] = "readlink",
	};
	return names[a];
}

/* Which provider answers req, for stats: a directory's mirror, or its rule's. */
static const char *provider_name(const struct request *req)
{
	if (req->match.kind == MATCH_DIR)
		return "mirror";
	return req->match.rule ? provider_of(req->match.rule)->name : NULL;
}

static struct fake fake_of(const struct request *req)
{
	return (struct fake){ .rule = req->match.rule, .path = req->where.path, .pid = req->subject };
}

/* A match of a pattern rule or vdir stands for its instance at the call's path (store.h),
   made at its first use; the providers only ever see instances. 0 or -errno. */
static int to_instance(struct request *req)
{
	struct match *m = &req->match;
	if (m->kind == MATCH_FILE && m->rule->pattern)
		m->rule = store_instance(tracer_cfg->store, m->rule, req->where.path);
	else if (m->kind == MATCH_DIR && m->dir->pattern)
		m->dir = store_instance_dir(tracer_cfg->store, m->dir, req->where.path);
	else
		return 0;
	return (m->kind == MATCH_FILE ? (const void *)m->rule : (const void *)m->dir) ? 0 : -errno;
}

/* Chooses what the tracee gets instead. Returns 1 with *target set, 0 to let the call
   through, or -errno to fail it. */
static int choose_target(struct task *t, struct request *req, const char **target, bool *stable,
                         char scratch_buf[PATH_MAX])
{
	struct store *store = tracer_cfg->store;
	const struct rule *r = req->match.rule;
	struct fake f = fake_of(req);
	int rc;
	*stable = true;
	switch (req->action) {
	case ACTION_PASS:
	case ACTION_SKIP:
	case ACTION_MKDIR:
	case ACTION_RMDIR:
	case ACTION_STATFS:
	case ACTION_READLINK:
		return 0;
	case ACTION_READ:
		if ((rc = provider_of(r)->read_target(store, &f, target, stable)) < 0)
			return rc;
		if (rc)
			break;
		req->action = ACTION_REAL; /* real-first rule whose real file is readable */
		return choose_target(t, req, target, stable, scratch_buf);
	case ACTION_DIR:
		if ((rc = mirror_target(store, req->match.dir, t->tgid, target)) < 0)
			return rc;
		if (rc)
			break;
		req->action = ACTION_REAL; /* the real directory already lists every fake */
		return choose_target(t, req, target, stable, scratch_buf);
	case ACTION_REAL:
		/* Only a path reached through a mirror needs rewriting to the real one. */
		if (!req->through_mirror)
			return 0;
		*target = req->where.path;
		*stable = false;
		return 1;
	case ACTION_WRITE:
		/* Opened read-only; its writes are played by fake_fds.c. */
		if (provider_of(r)->open_write && (rc = provider_of(r)->open_write(store, &f, (int)req->flags)) < 0)
			return rc;
		if (req->match.kind == MATCH_TREE) {
			static char path[PATH_MAX];
			store_path(store, req->where.path, path);
			*target = path;
			*stable = false;
		} else if (!(*target = store_value_path(store, r))) {
			return -errno;
		}
		break;
	}
	if (req->where.must_be_dir) {
		/* Keep the caller's trailing slash so a file still fails with ENOTDIR. */
		snprintf(scratch_buf, PATH_MAX, "%s/", *target);
		*target = scratch_buf;
		*stable = false;
	}
	return 1;
}

/* Resumes a task after its entry stop; an exit stop is taken only when the call must
   be logged, changes the fs_struct, opens a fake for writing, needs a fix-up or is
   learned from. */
static void finish_entry(struct task *t)
{
	if (t->log || t->fs_change != FS_KEEP || t->fd_op.kind != FD_OP_NONE || t->statfs_fix || t->learn ||
	    t->readonly_umount || t->readonly_statfs || t->mount_ns_call)
		tracer_resume_to_exit(t, PHASE_AFTER_CALL);
	else
		tracer_resume(t, 0);
}

/* After chdir into a directory with fake entries the cwd is a store mirror; getcwd
   answers with the directory it stands for. Other cwds pass untouched. */
static void answer_getcwd(struct task *t, arch_regs *regs)
{
	char virt[PATH_MAX];
	if (!redirect_cwd_in_mirror(t, tracer_cfg->store, virt)) {
		finish_entry(t);
		return;
	}
	size_t len = strlen(virt) + 1;
	long result = (long)len;
	if (len > arch_arg(regs, 1))
		result = -ERANGE;
	else if (mem_write_result(t, arch_arg(regs, 0), virt, len) < 0)
		result = -EFAULT;
	tracer_skip_call(t, regs, result);
}

/* stat, lstat, newfstatat and statx of a fake: answered with what its provider says,
   as procfs, sysfs or cgroupfs would (no real file is asked, so gVisor's modes do not
   leak). */
static void answer_stat(struct task *t, const struct request *req, arch_regs *regs)
{
	struct fake f = fake_of(req);
	struct stat st;
	long result = provider_of(f.rule)->stat(tracer_cfg->store, &f, &st);
	if (result == 0 && req->where.must_be_dir && !S_ISDIR(st.st_mode))
		result = -ENOTDIR;
	uint64_t buf = arch_arg(regs, req->desc->data_arg);
	if (result == 0 && req->desc->stat_kind == STAT_STATX) {
		struct statx sx = {
			.stx_mask = STATX_BASIC_STATS, .stx_blksize = (uint32_t)st.st_blksize,
			.stx_nlink = (uint32_t)st.st_nlink, .stx_uid = st.st_uid, .stx_gid = st.st_gid,
			.stx_mode = (uint16_t)st.st_mode, .stx_ino = st.st_ino, .stx_size = (uint64_t)st.st_size,
			.stx_blocks = (uint64_t)st.st_blocks,
			.stx_atime = {st.st_atim.tv_sec, (uint32_t)st.st_atim.tv_nsec},
			.stx_ctime = {st.st_ctim.tv_sec, (uint32_t)st.st_ctim.tv_nsec},
			.stx_mtime = {st.st_mtim.tv_sec, (uint32_t)st.st_mtim.tv_nsec},
			.stx_dev_major = major(st.st_dev), .stx_dev_minor = minor(st.st_dev),
		};
		if (mem_write_result(t, buf, &sx, sizeof sx) < 0)
			result = -EFAULT;
	} else if (result == 0 && mem_write_result(t, buf, &st, sizeof st) < 0) {
		/* struct stat is the kernel's own layout on Linux's 64-bit ABIs. */
		result = -EFAULT;
	}
	stats_answered(req->desc, provider_name(req), result);
	remember_for_log(t, req, "stat", "");
	tracer_skip_call(t, regs, result);
}

/* statfs and fstatfs of a fake: the filesystem it stands in for. runc's libcontainer
   refuses a cgroup file whose fstatfs does not say cgroupfs, and gVisor has no fstatfs
   on its procfs at all. */
static void answer_statfs(struct task *t, const struct request *req, arch_regs *regs)
{
	long result = 0;
	if (req->match.kind == MATCH_TREE && req->desc->access != ACCESS_FD) {
		/* A path may name nothing; an open fd always names a file, if maybe a replaced one. */
		struct fake f = fake_of(req);
		struct stat st;
		result = provider_of(f.rule)->stat(tracer_cfg->store, &f, &st); /* ENOENT if missing */
	}
	struct statfs sf;
	provider_statfs(&req->match, req->where.path, &sf);
	if (result == 0 && mem_write_result(t, arch_arg(regs, req->desc->data_arg), &sf, sizeof sf) < 0)
		result = -EFAULT;
	stats_answered(req->desc, provider_name(req), result);
	remember_for_log(t, req, "statfs", "");
	tracer_skip_call(t, regs, result);
}

/* mkdir and rmdir below a tree: its provider makes or removes the cgroup. */
static void answer_dir_change(struct task *t, const struct request *req, arch_regs *regs)
{
	struct fake f = fake_of(req);
	const struct provider *p = provider_of(f.rule);
	long result;
	if (req->action == ACTION_MKDIR)
		result = p->mkdir ? p->mkdir(tracer_cfg->store, &f, (mode_t)arch_arg(regs, req->desc->data_arg)) : -EPERM;
	else
		result = p->rmdir ? p->rmdir(tracer_cfg->store, &f) : -EPERM;
	stats_answered(req->desc, provider_name(req), result);
	remember_for_log(t, req, req->action == ACTION_MKDIR ? "mkdir" : "rmdir", "");
	tracer_skip_call(t, regs, result);
}

/* readlink of a magic link into the store: the fake path, as the kernel would give it
   (no NUL, truncated to the buffer). */
static void answer_readlink(struct task *t, const struct request *req, arch_regs *regs)
{
	uint64_t buf = arch_arg(regs, req->desc->path_arg + 1);
	long size = (long)arch_arg(regs, req->desc->path_arg + 2);
	size_t len = strlen(req->link);
	long result = size <= 0 ? -EINVAL : (long)(len < (size_t)size ? len : (size_t)size);
	if (result > 0 && mem_write_result(t, buf, req->link, (size_t)result) < 0)
		result = -EFAULT;
	stats_answered(req->desc, "mirror", result);
	remember_for_log(t, req, "readlink", req->link);
	tracer_skip_call(t, regs, result);
}

/* openat2 of a fake runs as openat: its RESOLVE_ flags (RESOLVE_BENEATH from a dirfd,
   as libcontainer asks) cannot hold for a store path, and gVisor has no openat2. */
static void as_openat(struct task *t, const struct request *req, arch_regs *regs, uint64_t path)
{
	uint64_t mode = 0;
	if (mem_read(t, arch_arg(regs, req->desc->flags_arg) + 8, &mode, sizeof mode) < 0)
		mode = 0;
	arch_set_syscall_nr(regs, SYS_openat);
	arch_set_arg(regs, 0, (uint64_t)AT_FDCWD);
	arch_set_arg(regs, 1, path);
	arch_set_arg(regs, 2, req->flags);
	arch_set_arg(regs, 3, mode);
}

/* An open for writing of a fake runs as openat(AT_FDCWD, value file, read-only): it
   must never truncate the value, and each write(2) is then played by fake_fds.c. */
static void open_for_writing(struct task *t, const struct request *req, arch_regs *regs, uint64_t path)
{
	uint64_t flags = req->desc->access == ACCESS_CREAT ? (O_WRONLY | O_CREAT | O_TRUNC) : req->flags;
	arch_set_syscall_nr(regs, SYS_openat);
	arch_set_arg(regs, 0, (uint64_t)AT_FDCWD);
	arch_set_arg(regs, 1, path);
	arch_set_arg(regs, 2, fake_fds_open_flags(flags));
	arch_set_arg(regs, 3, 0);
	fake_fds_expect_open(t, req->match.rule, req->where.path, flags);
}

/* A call fakesys cannot redirect goes on untouched, except a write to a fake: that one
   fails with err rather than reach the real kernel file. */
static void cannot_redirect(struct task *t, const struct request *req, arch_regs *regs, int err)
{
	if (req->action != ACTION_WRITE) {
		finish_entry(t);
		return;
	}
	stats_answered(req->desc, provider_name(req), -err);
	remember_for_log(t, req, "refused", "");
	tracer_skip_call(t, regs, -err);
}

/* mount(2) (traced only with the mount fix-ups): its flags and target as
   mount_fixups.h decides. */
static void fix_mount(struct task *t, const struct syscall_desc *d, arch_regs *regs)
{
	static char target[PATH_MAX];
	const struct fixups *f = &tracer_cfg->fixups;
	uint64_t asked = arch_arg(regs, d->flags_arg);
	uint64_t unrec = f->mount_rec ? mount_rec_flags(t, regs) : asked;
	bool strictatime = f->mount_strictatime && (asked & MS_STRICTATIME);
	bool retarget = f->mount_fd_target && mount_fd_target(t, regs, target);
	bool devpts = f->devpts_single && mount_devpts_single(t, regs);
	long result;
	if (f->readonly_binds && readonly_remount(t, regs, retarget ? target : NULL, &result)) {
		stats_answered(d, "readonly-binds", result);
		tracer_skip_call(t, regs, result);
		return;
	}
	if ((retarget || devpts) && !scratch_intact(t)) {
		if (!t->mm->scratch_failed) {
			inject_scratch(t, regs);
			return;
		}
		retarget = devpts = false;
	}
	uint64_t flags = strictatime ? unrec & ~(uint64_t)MS_STRICTATIME : unrec, addr;
	if (unrec != asked)
		stats_answered(d, "mount-rec", 0);
	if (strictatime)
		stats_answered(d, "mount-strictatime", 0);
	if (devpts && scratch_place(t, DEVPTS_INSTANCE, true, &addr) == 0) {
		arch_set_arg(regs, 0, addr);
		arch_set_arg(regs, 2, 0);
		arch_set_arg(regs, 4, 0);
		flags = MS_BIND;
		stats_answered(d, "devpts-single", 0);
	}
	if (retarget && scratch_place(t, target, false, &addr) == 0) {
		arch_set_arg(regs, d->path_arg, addr);
		stats_answered(d, "mount-fd-target", 0);
	}
	arch_set_arg(regs, d->flags_arg, flags);
	if (arch_set_regs(t->tid, regs) < 0)
		return;
	mount_ns_expect_mount(t, regs);
	finish_entry(t);
}

/* Runs a call of the store's bind (container_store.h) in place of the current one, which
   is re-run at its exit stop. */
static void inject_store_call(struct task *t, const arch_regs *regs, const arch_regs *inj)
{
	t->saved = *regs;
	if (arch_set_regs(t->tid, inj) < 0)
		return;
	stats.injected++;
	t->store_bind_step++;
	tracer_resume_to_exit(t, PHASE_STORE_BIND);
}

/* Has t bind the store into the new root: a mkdir of the place, then the bind. Returns
   true if a call was injected (the pivot_root runs again after it). */
static bool bind_store_into(struct task *t, const arch_regs *regs)
{
	char new_root[PATH_MAX], place[PATH_MAX];
	uint64_t store_addr, place_addr;
	if (t->store_bind_step >= 2 || redirect_task_path(t, tracer_cfg->store, arch_arg(regs, 0), new_root) < 0 ||
	    !container_store_place(t, new_root, place))
		return false;
	if (!scratch_intact(t)) {
		if (t->mm->scratch_failed)
			return false;
		inject_scratch(t, regs);
		return true;
	}
	const char *store = store_dir(tracer_cfg->store);
	if (!store || scratch_place(t, store, true, &store_addr) < 0 ||
	    scratch_place(t, place, false, &place_addr) < 0)
		return false;
	arch_regs inj = *regs;
	if (t->store_bind_step == 0)
		container_store_mkdir_call(&inj, place_addr);
	else
		container_store_bind_call(&inj, store_addr, place_addr);
	inject_store_call(t, regs, &inj);
	return true;
}

/* pivot_root(2): with the pivot-root-chroot fix-up, runc's pivot_root(".", ".") runs as
   chroot("."), once the store is bound into the new root (pivot_chroot.h,
   container_store.h); any other pivot_root goes to the kernel. */
static void pivot_root_entry(struct task *t, const struct syscall_desc *d, arch_regs *regs)
{
	char *old_root = tracer_cfg->fixups.pivot_root_chroot ? pivot_emulable(t, regs) : NULL;
	if (!old_root) {
		t->store_bind_step = 0;
		fs_change_begin(t, FS_ALL);
		finish_entry(t);
		return;
	}
	if (bind_store_into(t, regs)) {
		free(old_root);
		return;
	}
	t->store_bind_step = 0;
	arch_set_syscall_nr(regs, SYS_chroot);
	if (arch_set_regs(t->tid, regs) < 0) {
		free(old_root);
		return;
	}
	stats_answered(d, "pivot-root-chroot", 0);
	fs_change_begin(t, FS_ROOT);
	free(t->pivot_old_root);
	t->pivot_old_root = old_root;
	finish_entry(t);
}

/* umount2(2): of the old root an emulated pivot_root left "stacked", nothing to do;
   any other is the kernel's, and the mount-ns-teardown fix-up's to follow. */
static void umount_entry(struct task *t, const struct syscall_desc *d, arch_regs *regs)
{
	if (!pivot_old_root_umount(t, regs)) {
		if (tracer_cfg->fixups.mount_ns_teardown)
			mount_ns_expect_umount(t, regs);
		finish_entry(t);
		return;
	}
	free(t->fs->stacked_old_root);
	t->fs->stacked_old_root = NULL;
	free(t->readonly_umount); /* nothing is unmounted: no read-only point goes */
	t->readonly_umount = NULL;
	stats_answered(d, "pivot-root-chroot", 0);
	tracer_skip_call(t, regs, 0);
}

void intercept_entry(struct task *t, arch_regs regs)
{
	const struct syscall_desc *d = syscall_lookup(arch_syscall_nr(&regs));
	if (d && d->access == ACCESS_CHILDREN) {
		if (tracer_cfg->fixups.child_subreaper)
			subreaper_entry(t, &regs);
		else
			tracer_resume(t, 0); /* without seccomp every call stops */
		return;
	}
	if (!d) {
		/* Without seccomp every call stops here, writes to fakes' fds among them. */
		if (!files_watched(t) || !fake_fds_entry(t, &regs))
			tracer_resume(t, 0);
		return;
	}
	stats_intercepted(d);
	if (d->access == ACCESS_MOUNT) {
		statfs_fixup_mount(t, &regs);
		fix_mount(t, d, &regs);
		return;
	}
	long refusal = tracer_cfg->fixups.readonly_binds && d->readonly != RO_NONE ? readonly_refusal(t, d, &regs) : 0;
	if (refusal) {
		stats_answered(d, "readonly-binds", refusal);
		tracer_skip_call(t, &regs, refusal);
		return;
	}
	if (d->access == ACCESS_READONLY) {
		finish_entry(t);
		return;
	}
	if (d->access == ACCESS_PIVOT) {
		pivot_root_entry(t, d, &regs);
		return;
	}
	if (d->access == ACCESS_UMOUNT) {
		umount_entry(t, d, &regs);
		return;
	}
	if (d->access == ACCESS_KEYS) {
		if (tracer_cfg->fixups.keys_enosys) {
			stats_answered(d, "keys-enosys", -ENOSYS);
			tracer_skip_call(t, &regs, -ENOSYS);
		} else
			finish_entry(t);
		return;
	}
	if (d->access == ACCESS_CHOWN) {
		if (tracer_cfg->fixups.pipe_chown && pipe_chown_is_noop(t, &regs)) {
			stats_answered(d, "pipe-chown", 0);
			tracer_skip_call(t, &regs, 0);
		} else
			finish_entry(t);
		return;
	}
	if (tracer_cfg->fixups.strip_no_automount && d->flags_where == FLAGS_AT && d->stat_kind != STAT_NONE &&
	    (arch_arg(&regs, d->flags_arg) & AT_NO_AUTOMOUNT)) {
		/* fixups.h: for every path, fake or not, and for an fd (AT_EMPTY_PATH). */
		arch_set_arg(&regs, d->flags_arg, arch_arg(&regs, d->flags_arg) & ~(uint64_t)AT_NO_AUTOMOUNT);
		if (arch_set_regs(t->tid, &regs) < 0)
			return;
	}
	if (d->access == ACCESS_UNAME) {
		stats_answered(d, "identity", 0);
		t->uname_buf = arch_arg(&regs, d->data_arg);
		tracer_resume_to_exit(t, PHASE_AFTER_CALL);
		return;
	}
	if (d->only_flags && (arch_arg(&regs, d->flags_arg) & d->only_flags) != d->only_flags) {
		finish_entry(t); /* without seccomp: unlinkat of a file */
		return;
	}
	enum fs_change change = redirect_fs_change(d, &regs);
	if (change != FS_KEEP)
		fs_change_begin(t, change);
	if (d->fs_change == FS_UNSHARE) {
		fake_fds_expect_unshare(t, arch_arg(&regs, d->flags_arg));
		mount_ns_expect_unshare(t, arch_arg(&regs, d->flags_arg));
	}
	if (d->access == ACCESS_GETCWD) {
		answer_getcwd(t, &regs);
		return;
	}
	if (d->flags_where == FLAGS_OPEN_HOW && tracer_cfg->fixups.no_openat2) {
		finish_entry(t); /* ENOSYS, whatever it names */
		return;
	}
	struct request req;
	if (d->access == ACCESS_FD) {
		if (redirect_classify_fd(t, (int)arch_arg(&regs, d->dirfd_arg), d, tracer_cfg->rules, tracer_cfg->store, &req)) {
			if (req.action == ACTION_STATFS)
				answer_statfs(t, &req, &regs);
			else
				answer_stat(t, &req, &regs);
		} else {
			statfs_fixup_entry(t, d, &regs, NULL);
			if (tracer_cfg->fixups.readonly_binds)
				readonly_expect_statfs(t, d, &regs);
			if (tracer_cfg->learner)
				learn_entry_fd(t, d, (int)arch_arg(&regs, d->dirfd_arg));
			finish_entry(t);
		}
		return;
	}
	if (d->path_arg < 0 || !redirect_classify(t, &regs, d, tracer_cfg->rules, tracer_cfg->store, &req)) {
		statfs_fixup_entry(t, d, &regs, d->path_arg >= 0 && req.named_len > 0 ? req.named : NULL);
		if (tracer_cfg->fixups.readonly_binds)
			readonly_expect_statfs(t, d, &regs);
		if (tracer_cfg->learner && d->path_arg >= 0)
			learn_entry(tracer_cfg->learner, t, &req);
		finish_entry(t);
		return;
	}
	if (req.action == ACTION_SKIP) {
		stats_answered(d, provider_name(&req), -req.error);
		remember_for_log(t, &req, req.error ? "refused" : "skip", "");
		tracer_skip_call(t, &regs, -req.error);
		return;
	}
	if (req.action == ACTION_STATFS) {
		answer_statfs(t, &req, &regs);
		return;
	}
	if (req.action == ACTION_READLINK) {
		answer_readlink(t, &req, &regs);
		return;
	}
	if (req.action == ACTION_MKDIR || req.action == ACTION_RMDIR) {
		answer_dir_change(t, &req, &regs);
		return;
	}
	int rc = to_instance(&req);
	if (rc < 0) {
		remember_for_log(t, &req, "refused", "");
		tracer_skip_call(t, &regs, rc);
		return;
	}
	if (d->stat_kind != STAT_NONE && (req.match.kind == MATCH_FILE || req.match.kind == MATCH_TREE)) {
		answer_stat(t, &req, &regs);
		return;
	}
	if (!scratch_intact(t)) {
		if (t->mm->scratch_failed)
			cannot_redirect(t, &req, &regs, EIO);
		else
			inject_scratch(t, &regs);
		return;
	}

	static char buf[PATH_MAX];
	const char *target;
	bool stable;
	uint64_t addr;
	int chosen = choose_target(t, &req, &target, &stable, buf);
	if (chosen < 0) {
		stats_answered(d, provider_name(&req), chosen);
		remember_for_log(t, &req, "refused", "");
		tracer_skip_call(t, &regs, chosen);
		return;
	}
	if (!chosen) {
		if (req.action == ACTION_REAL && req.match.kind == MATCH_FILE)
			remember_for_log(t, &req, "real", req.where.path);
		cannot_redirect(t, &req, &regs, req.error);
		return;
	}
	static char in_container[PATH_MAX];
	if (tracer_cfg->fixups.pivot_root_chroot && container_store_target(t, tracer_cfg->store, target, in_container)) {
		target = in_container;
		stable = false;
	}
	if (scratch_place(t, target, stable, &addr) < 0) {
		if (errno != ESRCH) /* (a thread that is exiting) */
			msg("cannot write to the scratch area of task %d; %s not redirected", (int)t->tid, req.where.path);
		cannot_redirect(t, &req, &regs, EIO);
		return;
	}
	arch_set_arg(&regs, d->path_arg, addr);
	if (req.action == ACTION_WRITE)
		open_for_writing(t, &req, &regs, addr);
	else if (d->flags_where == FLAGS_OPEN_HOW)
		as_openat(t, &req, &regs, addr);
	/* gVisor rejects AT_NO_AUTOMOUNT on every path; it means nothing for the store. */
	if (d->flags_where == FLAGS_AT && req.action != ACTION_REAL)
		arch_set_arg(&regs, d->flags_arg, req.flags & ~(uint64_t)AT_NO_AUTOMOUNT);
	if (arch_set_regs(t->tid, &regs) < 0)
		return;
	stats_answered(d, provider_name(&req), 0);
	remember_for_log(t, &req, action_name(req.action), target);
	finish_entry(t);
}

static void log_result(struct task *t, long result)
{
	if (!t->log)
		return;
	struct audit_event e = {
		.pid = t->tgid, .tid = t->tid, .syscall = t->log->syscall, .path = t->log->path,
		.action = t->log->action, .target = t->log->target, .result = result,
	};
	audit(&e);
	free(t->log);
	t->log = NULL;
}

/* Runs the call an injection interrupted again; it stops once more and is handled
   anew. */
static int rerun_interrupted_call(struct task *t)
{
	arch_rewind_syscall(&t->saved);
	return arch_set_regs(t->tid, &t->saved);
}

/* At the exit stop of an injected mmap whose area is not needed: runs munmap of it in
   place of the interrupted call, which is re-run at munmap's exit stop. */
static void unmap_surplus(struct task *t, const arch_regs *regs, uint64_t addr)
{
	arch_regs um = *regs;
	arch_set_syscall_nr(&um, SYS_munmap);
	arch_set_arg(&um, 0, addr);
	arch_set_arg(&um, 1, SCRATCH_SIZE);
	arch_rewind_syscall(&um);
	if (arch_set_regs(t->tid, &um) < 0)
		return;
	t->phase = PHASE_UNMAPPING;
	t->expect_entry = tracer_use_seccomp; /* munmap is not traced: an entry stop, then its exit */
	tracer_resume(t, 0);
}

void intercept_exit(struct task *t)
{
	enum phase phase = t->phase;
	t->phase = PHASE_RUNNING;
	long result = 0;
	switch (phase) {
	case PHASE_RUNNING:
		break;
	case PHASE_INJECTED: {
		arch_regs regs;
		if (arch_get_regs(t->tid, &regs) < 0)
			return;
		long addr = arch_result(&regs);
		if (addr < 0 && addr > -4096) {
			msg("cannot map a scratch area in process %d: %s; its paths are left alone", (int)t->tgid,
			    strerror((int)-addr));
			t->mm->scratch_failed = true;
		} else if (t->mm->scratch) {
			/* Threads that raced into their first redirect each mapped one; the first
			   stays in use, the others are unmapped. */
			unmap_surplus(t, &regs, (uint64_t)addr);
			return;
		} else if (scratch_adopt(t, (uint64_t)addr) < 0) {
			t->mm->scratch_failed = true;
		}
		if (rerun_interrupted_call(t) < 0)
			return;
		break;
	}
	case PHASE_CHILD_WAIT:
		subreaper_wait_exit(t);
		return;
	case PHASE_STORE_BIND: {
		/* A mkdir that failed (but for EEXIST) leaves nothing to bind onto. */
		long made;
		if (arch_peek_result(t->tid, &made) < 0)
			return;
		if (t->store_bind_step == 1 && made < 0 && made != -EEXIST)
			t->store_bind_step = 2;
		if (rerun_interrupted_call(t) < 0)
			return;
		break;
	}
	case PHASE_UNMAPPING:
		if (rerun_interrupted_call(t) < 0)
			return;
		break;
	case PHASE_SKIPPED:
		result = t->skip_result;
		if (arch_poke_result(t->tid, result) < 0)
			return;
		log_result(t, result);
		break;
	case PHASE_AFTER_CALL:
		if (t->fs_change != FS_KEEP) {
			/* Only unshare's result matters: it decides whether the fs_struct is shared;
			   and an emulated pivot_root's, which leaves the old root stacked. */
			if ((t->fs_change == FS_UNSHARE || t->pivot_old_root) && arch_peek_result(t->tid, &result) < 0)
				return;
			if (t->pivot_old_root && result == 0) {
				free(t->fs->stacked_old_root);
				t->fs->stacked_old_root = t->pivot_old_root;
			} else
				free(t->pivot_old_root);
			t->pivot_old_root = NULL;
			fs_change_end(t, result == 0);
		}
		if (t->uname_buf) {
			uint64_t buf = t->uname_buf;
			t->uname_buf = 0;
			if (arch_peek_result(t->tid, &result) < 0)
				return;
			if (result == 0)
				identity_answer_uname(t, buf, tracer_cfg->store);
		}
		if (t->log || t->fd_op.kind != FD_OP_NONE || t->statfs_fix || t->learn || t->readonly_umount ||
		    t->readonly_statfs || t->mount_ns_call) {
			if (arch_peek_result(t->tid, &result) < 0)
				return;
			if (t->readonly_umount)
				readonly_umount_exit(t, result);
			if (t->mount_ns_call)
				mount_ns_call_exit(t, result);
			if (t->statfs_fix)
				statfs_fixup_exit(t, &result);
			if (t->readonly_statfs)
				readonly_statfs_exit(t, result);
			if (t->learn)
				learn_exit(tracer_cfg->learner, t, result); /* what the program saw */
			fake_fds_exit(t, result);
			log_result(t, result);
		}
		break;
	}
	t->in_syscall = false;
	tracer_resume(t, 0);
}
