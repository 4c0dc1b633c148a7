/* Open fds of fakes and the writes they take; see fake_fds.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "grow.h"
#include "fake_fds.h"
#include "learn.h"
#include "log.h"
#include "memory.h"
#include "provider.h"
#include "stats.h"
#include "tracer_internal.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef SYS_pwritev2
#define SYS_pwritev2 328
#define SYS_preadv2 327
#endif

static struct open_file *file_get(struct open_file *o)
{
	o->refs++;
	return o;
}

static void file_put(struct open_file *o)
{
	if (--o->refs == 0) {
		free(o->path);
		free(o);
	}
}

struct files *files_new(void)
{
	struct files *f = calloc(1, sizeof *f);
	if (!f)
		die_oom();
	f->refs = 1;
	f->may_reach_fakes = true;
	return f;
}

bool files_inherit_directory(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return true;
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		struct stat st;
		int fd = atoi(e->d_name);
		found = e->d_name[0] != '.' && fd != dirfd(d) && !(fcntl(fd, F_GETFD) & FD_CLOEXEC) &&
		        fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
	}
	closedir(d);
	return found;
}

struct files *files_get(struct files *f)
{
	f->refs++;
	return f;
}

void files_put(struct files *f)
{
	if (!f || --f->refs > 0)
		return;
	for (size_t i = 0; i < f->n; i++)
		file_put(f->fds[i].file);
	free(f->fds);
	free(f);
}

/* Records e, which brings a reference to its open file. */
static void add(struct files *f, struct fake_fd e)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->fds[i].fd == e.fd) {
			file_put(f->fds[i].file);
			f->fds[i] = e;
			return;
		}
	f->fds = grow_for_one(f->fds, f->n, &f->cap, sizeof *f->fds, 4);
	f->fds[f->n++] = e;
}

struct files *files_copy(const struct files *f)
{
	struct files *c = files_new();
	c->may_reach_fakes = f->may_reach_fakes;
	for (size_t i = 0; i < f->n; i++) {
		struct fake_fd e = f->fds[i];
		file_get(e.file);
		add(c, e);
	}
	return c;
}

struct files *files_copy_verified(const struct files *f, pid_t tid)
{
	struct files *c = files_new();
	for (size_t i = 0; f && i < f->n; i++) {
		struct fake_fd e = f->fds[i];
		char link[64], target[PATH_MAX];
		snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)tid, e.fd);
		stats_tracer_call();
		ssize_t n = readlink(link, target, sizeof target - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		/* The fd is still on the fake's store file (maybe one replaced since), or on
		   the kernel file learn mode watches. */
		char virt[PATH_MAX];
		if (e.rule ? !store_to_virtual(tracer_cfg->store, target, virt) || strcmp(virt, e.file->path) != 0
		           : strcmp(target, e.file->path) != 0)
			continue;
		file_get(e.file);
		add(c, e);
	}
	return c;
}

static struct fake_fd *find(struct files *f, long fd)
{
	for (size_t i = 0; f && i < f->n; i++)
		if (f->fds[i].fd == fd)
			return &f->fds[i];
	return NULL;
}

static void drop(struct files *f, struct fake_fd *e)
{
	file_put(e->file);
	*e = f->fds[--f->n];
}

void files_exec(struct task *t)
{
	struct files *f = files_copy(t->files);
	for (size_t i = 0; i < f->n;)
		if (f->fds[i].cloexec)
			drop(f, &f->fds[i]);
		else
			i++;
	files_put(t->files);
	t->files = f;
}

void fake_fds_expect_open(struct task *t, const struct rule *r, const char *path, uint64_t flags)
{
	char *copy = strdup(path);
	if (!copy)
		die_oom();
	free(t->fd_op.path);
	t->fd_op = (struct fd_op){.kind = FD_OP_OPEN, .rule = r, .path = copy, .flags = flags};
}

void fake_fds_expect_unshare(struct task *t, uint64_t flags)
{
	if (flags & CLONE_FILES)
		t->fd_op = (struct fd_op){.kind = FD_OP_UNSHARE};
}

uint64_t fake_fds_open_flags(uint64_t flags)
{
	uint64_t keep = O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW | O_DIRECTORY | O_NOCTTY | O_LARGEFILE;
	/* O_CREAT|O_EXCL fails with EEXIST on a procfs file, as on the value file; O_CREAT
	   alone means nothing for a file that exists. */
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		keep |= O_CREAT | O_EXCL;
	return O_RDONLY | (flags & keep);
}

/* Threads that share the fd table run freely; they must stop at their next syscall,
   before any of them can use the new fd (they only learn it when the opener returns). */
static void watch_siblings(struct task *sibling, void *arg)
{
	struct task *opener = arg;
	if (sibling != opener && sibling->files == opener->files) {
		stats_tracer_call();
		ptrace(PTRACE_INTERRUPT, sibling->tid, 0, 0);
	}
}

void fake_fds_exit(struct task *t, long result)
{
	struct fd_op op = t->fd_op;
	t->fd_op = (struct fd_op){.kind = FD_OP_NONE};
	if (result < 0) {
		free(op.path);
		return;
	}
	struct fake_fd *old;
	switch (op.kind) {
	case FD_OP_NONE:
		return;
	case FD_OP_OPEN: {
		bool first = t->files->n == 0;
		struct open_file *o = calloc(1, sizeof *o);
		if (!o)
			die_oom();
		o->refs = 1;
		o->path = op.path;
		add(t->files, (struct fake_fd){.fd = (int)result, .file = o, .rule = op.rule,
		                               .accmode = (int)(op.flags & O_ACCMODE),
		                               .append = op.flags & O_APPEND, .cloexec = op.flags & O_CLOEXEC});
		if (first)
			task_for_each(watch_siblings, t);
		return;
	}
	case FD_OP_DUP:
		if (result == op.fd)
			return; /* dup2(fd, fd) changes nothing */
		if ((old = find(t->files, result)))
			drop(t->files, old); /* dup2 onto a recorded fd closed it */
		if ((old = find(t->files, op.fd))) {
			struct fake_fd e = *old;
			e.fd = (int)result;
			e.cloexec = op.flags & O_CLOEXEC;
			file_get(e.file);
			add(t->files, e);
		}
		return;
	case FD_OP_READ:
		if ((old = find(t->files, op.fd)))
			old->file->offset += result;
		return;
	case FD_OP_SEEK:
		if ((old = find(t->files, op.fd)))
			old->file->offset = result;
		return;
	case FD_OP_UNSHARE:
		if (t->files->refs > 1) {
			struct files *own = files_copy(t->files);
			files_put(t->files);
			t->files = own;
		}
		return;
	case FD_OP_GETFL:
		if ((old = find(t->files, op.fd)))
			arch_poke_result(t->tid, (result & ~(long)O_ACCMODE) | old->accmode |
			                             (old->append ? O_APPEND : 0));
		return;
	}
}

/* The data of the write being handled: one buffer, grown to the largest write seen, so
   that the tracer's memory follows the writes (fsutil.h: fs_read_grown says why). */
static char *written;
static size_t written_cap;

static char *written_room(size_t len)
{
	return written = grow_to(written, len, &written_cap, 1, 4096);
}

/* Gathers the data of a write (one buffer, or an iovec array) into *data, at most
   STORE_VALUE_MAX bytes; the kernel's count goes into *count. 0 or -errno. */
static int gather(struct task *t, uint64_t addr, uint64_t n, bool vector, const char **data, size_t *len,
                  uint64_t *count)
{
	*len = 0;
	*count = 0;
	*data = written_room(1);
	if (!vector) {
		*count = n;
		*len = n < STORE_VALUE_MAX ? n : STORE_VALUE_MAX;
		char *into = written_room(*len);
		*data = into;
		return *len && mem_read(t, addr, into, *len) < 0 ? -EFAULT : 0;
	}
	if (n > IOV_MAX)
		return -EINVAL;
	for (uint64_t i = 0; i < n; i++) {
		struct iovec iov;
		if (mem_read(t, addr + i * sizeof iov, &iov, sizeof iov) < 0)
			return -EFAULT;
		*count += iov.iov_len;
		size_t take = iov.iov_len < STORE_VALUE_MAX - *len ? iov.iov_len : STORE_VALUE_MAX - *len;
		if (take && mem_read(t, (uint64_t)(uintptr_t)iov.iov_base, written_room(*len + take) + *len, take) < 0)
			return -EFAULT;
		*data = written;
		*len += take;
	}
	return 0;
}

/* write, pwrite64, writev, pwritev, pwritev2 on a recorded fd: what the kernel's sysctl
   handler would do with it. offset < 0: the fd's own offset. */
static long emulate_write(struct task *t, const struct fake_fd *e, const arch_regs *regs, bool vector, long long offset)
{
	const char *buf;
	size_t len;
	uint64_t count;
	int rc = gather(t, arch_arg(regs, 1), arch_arg(regs, 2), vector, &buf, &len, &count);
	if (rc < 0)
		return rc;
	if (count == 0)
		return 0;
	if (e->append)
		offset = 0;
	else if (offset < 0)
		offset = e->file->offset;
	struct fake f = { .rule = e->rule, .path = e->file->path, .pid = t->tgid };
	rc = provider_of(e->rule)->write(tracer_cfg->store, &f, buf, len, offset);
	stats.fd_writes++;
	/* The store's own failures are worth a line; a value the kernel refuses is not. */
	if (rc == -ENOSPC || rc == -EIO || rc == -EDQUOT)
		msg("cannot keep the write to %s: %s", f.path, strerror(-rc));
	return rc < 0 ? rc : (long)count;
}

/* A write on a real kernel file learn mode watches (a record without a rule): it
   reaches the kernel untouched; learn.c sees its data now and its result at exit. */
static bool observe_write(struct task *t, const struct fake_fd *e, const arch_regs *regs, const char *name, bool vector)
{
	const char *buf;
	size_t len;
	uint64_t count;
	if (gather(t, arch_arg(regs, 1), arch_arg(regs, 2), vector, &buf, &len, &count) < 0)
		len = 0; /* the kernel says EFAULT */
	learn_entry_write(t, name, e->file->path, buf, len);
	tracer_resume_to_exit(t, PHASE_AFTER_CALL);
	return true;
}

bool fake_fds_entry(struct task *t, arch_regs *regs)
{
	long nr = arch_syscall_nr(regs);
	long fd = (long)arch_arg(regs, 0);
	struct fake_fd *e = find(t->files, fd);
	long result;
	switch (nr) {
	case SYS_write:
	case SYS_writev:
		if (!e)
			return false;
		if (!e->rule)
			return observe_write(t, e, regs, nr == SYS_write ? "write" : "writev", nr == SYS_writev);
		result = emulate_write(t, e, regs, nr == SYS_writev, -1);
		break;
	case SYS_pwrite64:
	case SYS_pwritev:
	case SYS_pwritev2:
		if (!e)
			return false;
		if (!e->rule)
			return observe_write(t, e, regs, nr == SYS_pwrite64 ? "pwrite64" : "pwritev", nr != SYS_pwrite64);
		if ((long long)arch_arg(regs, 3) < -1 || ((long long)arch_arg(regs, 3) == -1 && nr != SYS_pwritev2))
			result = -EINVAL;
		else
			result = emulate_write(t, e, regs, nr != SYS_pwrite64, (long long)arch_arg(regs, 3));
		break;
	case SYS_read:
	case SYS_readv:
	case SYS_pread64:
	case SYS_preadv:
	case SYS_preadv2:
		if (!e || !e->rule)
			return false; /* a kernel file reads as it is */
		/* Write-only fds fail, as the kernel's would; read-write ones read the value. */
		if (e->accmode == O_WRONLY) {
			result = -EBADF;
			break;
		}
		if (nr != SYS_read && nr != SYS_readv && (nr != SYS_preadv2 || (long long)arch_arg(regs, 3) != -1))
			return false; /* positioned reads leave the offset alone */
		t->fd_op = (struct fd_op){.kind = FD_OP_READ, .fd = (int)fd};
		tracer_resume_to_exit(t, PHASE_AFTER_CALL);
		return true;
	case SYS_lseek:
		if (!e || !e->rule)
			return false;
		t->fd_op = (struct fd_op){.kind = FD_OP_SEEK, .fd = (int)fd};
		tracer_resume_to_exit(t, PHASE_AFTER_CALL);
		return true;
	case SYS_ftruncate:
		if (!e || !e->rule)
			return false;
		result = 0; /* procfs takes it and changes nothing */
		break;
	case SYS_close:
		if (e)
			drop(t->files, e); /* closed even if close reports an error */
		return false;
	case SYS_close_range:
		for (size_t i = 0; i < t->files->n;) {
			struct fake_fd *c = &t->files->fds[i];
			bool in = (unsigned)c->fd >= (unsigned)arch_arg(regs, 0) && (unsigned)c->fd <= (unsigned)arch_arg(regs, 1);
			if (in && (arch_arg(regs, 2) & CLOSE_RANGE_CLOEXEC))
				c->cloexec = true;
			else if (in) {
				drop(t->files, c);
				continue;
			}
			i++;
		}
		return false;
	case SYS_dup:
	case SYS_dup2:
	case SYS_dup3:
		/* dup2 and dup3 onto a recorded fd close it; dup of one makes another. */
		if (!e && (nr == SYS_dup || !find(t->files, (long)arch_arg(regs, 1))))
			return false;
		t->fd_op = (struct fd_op){.kind = FD_OP_DUP, .fd = (int)fd,
		                          .flags = nr == SYS_dup3 ? arch_arg(regs, 2) & O_CLOEXEC : 0};
		tracer_resume_to_exit(t, PHASE_AFTER_CALL);
		return true;
	case SYS_fcntl:
		if (!e)
			return false;
		switch (arch_arg(regs, 1)) {
		case F_DUPFD:
		case F_DUPFD_CLOEXEC:
			t->fd_op = (struct fd_op){.kind = FD_OP_DUP, .fd = (int)fd,
			                          .flags = arch_arg(regs, 1) == F_DUPFD_CLOEXEC ? O_CLOEXEC : 0};
			break;
		case F_GETFL:
			if (!e->rule)
				return false;
			t->fd_op = (struct fd_op){.kind = FD_OP_GETFL, .fd = (int)fd};
			break;
		case F_SETFD:
			e->cloexec = arch_arg(regs, 2) & FD_CLOEXEC;
			return false;
		default:
			return false;
		}
		tracer_resume_to_exit(t, PHASE_AFTER_CALL);
		return true;
	default:
		return false;
	}
	tracer_skip_call(t, regs, result);
	return true;
}
