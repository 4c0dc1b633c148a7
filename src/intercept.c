/* Interception; see intercept.h. The rewrite policy: a call that names a fake gets a
   store path (or, through a mirror, the real path) in place of its own, written into
   the scratch area; the program's own strings are never touched. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "fake_fds.h"
#include "intercept.h"
#include "log.h"
#include "memory.h"
#include "provider.h"
#include "redirect.h"
#include "stats.h"
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
	};
	return names[a];
}

/* Chooses what the tracee gets instead. Returns false to let the call through. */
static bool choose_target(struct task *t, struct request *req, const char **target, bool *stable,
                          char scratch_buf[PATH_MAX])
{
	struct store *store = tracer_cfg->store;
	const struct rule *r = req->match.rule;
	*stable = true;
	switch (req->action) {
	case ACTION_PASS:
	case ACTION_SKIP:
		return false;
	case ACTION_READ:
		if (provider_of(r)->read_target(store, r, t->tgid, target))
			break;
		req->action = ACTION_REAL; /* real-first rule whose real file is readable */
		return choose_target(t, req, target, stable, scratch_buf);
	case ACTION_DIR:
		if (mirror_target(store, req->match.dir, t->tgid, target))
			break;
		req->action = ACTION_REAL; /* the real directory already lists every fake */
		return choose_target(t, req, target, stable, scratch_buf);
	case ACTION_REAL:
		/* Only a path reached through a mirror needs rewriting to the real one. */
		if (!req->through_mirror)
			return false;
		*target = req->where.path;
		*stable = false;
		return true;
	case ACTION_WRITE:
		/* Opened read-only; its writes are played by fake_fds.c. */
		*target = store_value_path(store, r);
		break;
	}
	if (req->where.must_be_dir) {
		/* Keep the caller's trailing slash so a file still fails with ENOTDIR. */
		snprintf(scratch_buf, PATH_MAX, "%s/", *target);
		*target = scratch_buf;
		*stable = false;
	}
	return true;
}

/* Resumes a task after its entry stop; an exit stop is taken only when the call must
   be logged, changes the fs_struct or opens a fake for writing. */
static void finish_entry(struct task *t)
{
	if (t->log || t->fs_change != FS_KEEP || t->fd_op.kind != FD_OP_NONE)
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
   as procfs or sysfs would (no real file is asked, so gVisor's modes do not leak). */
static void answer_stat(struct task *t, const struct request *req, arch_regs *regs)
{
	const struct rule *r = req->match.rule;
	struct stat st;
	long result = req->where.must_be_dir ? -ENOTDIR : provider_of(r)->stat(tracer_cfg->store, r, &st);
	uint64_t buf = arch_arg(regs, req->desc->stat_arg);
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
	stats.redirected++;
	remember_for_log(t, req, "stat", "");
	tracer_skip_call(t, regs, result);
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
	fake_fds_expect_open(t, req->match.rule, flags);
}

/* A call fakesys cannot redirect goes on untouched, except a write to a fake: that one
   fails with err rather than reach the real kernel file. */
static void cannot_redirect(struct task *t, const struct request *req, arch_regs *regs, int err)
{
	if (req->action != ACTION_WRITE) {
		finish_entry(t);
		return;
	}
	remember_for_log(t, req, "refused", "");
	tracer_skip_call(t, regs, -err);
}

void intercept_entry(struct task *t, arch_regs regs)
{
	const struct syscall_desc *d = syscall_lookup(arch_syscall_nr(&regs));
	if (!d) {
		/* Without seccomp every call stops here, writes to fakes' fds among them. */
		if (!files_watched(t) || !fake_fds_entry(t, &regs))
			tracer_resume(t, 0);
		return;
	}
	stats.intercepted++;
	enum fs_change change = redirect_fs_change(d, &regs);
	if (change != FS_KEEP)
		fs_change_begin(t, change);
	if (d->fs_change == FS_UNSHARE)
		fake_fds_expect_unshare(t, arch_arg(&regs, d->flags_arg));
	if (d->access == ACCESS_GETCWD) {
		answer_getcwd(t, &regs);
		return;
	}
	struct request req;
	if (d->path_arg < 0 || !redirect_classify(t, &regs, d, tracer_cfg->rules, tracer_cfg->store, &req)) {
		finish_entry(t);
		return;
	}
	if (req.action == ACTION_SKIP) {
		remember_for_log(t, &req, req.error ? "refused" : "skip", "");
		tracer_skip_call(t, &regs, -req.error);
		return;
	}
	if (d->stat_kind != STAT_NONE && req.match.kind == MATCH_FILE) {
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
	if (!choose_target(t, &req, &target, &stable, buf)) {
		if (req.action == ACTION_REAL && req.match.kind == MATCH_FILE)
			remember_for_log(t, &req, "real", req.where.path);
		cannot_redirect(t, &req, &regs, req.error);
		return;
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
	/* gVisor rejects AT_NO_AUTOMOUNT on every path; it means nothing for the store. */
	if (d->flags_where == FLAGS_AT && req.action != ACTION_REAL)
		arch_set_arg(&regs, d->flags_arg, req.flags & ~(uint64_t)AT_NO_AUTOMOUNT);
	if (arch_set_regs(t->tid, &regs) < 0)
		return;
	stats.redirected++;
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
			/* Only unshare's result matters: it decides whether the fs_struct is shared. */
			if (t->fs_change == FS_UNSHARE && arch_peek_result(t->tid, &result) < 0)
				return;
			fs_change_end(t, result == 0);
		}
		if (t->log || t->fd_op.kind != FD_OP_NONE) {
			if (arch_peek_result(t->tid, &result) < 0)
				return;
			fake_fds_exit(t, result);
			log_result(t, result);
		}
		break;
	}
	t->in_syscall = false;
	tracer_resume(t, 0);
}
