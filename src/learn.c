/* Learn mode's observations; see learn.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "grow.h"
#include "fake_fds.h"
#include "fsutil.h"
#include "learn.h"
#include "log.h"
#include "stats.h"

/* The call whose exit stop learn waits for. */
struct learn_call {
	const char *syscall;
	char path[PATH_MAX];  /* empty for fstatfs: the fd's file is named at exit */
	int fd;
	bool dir;             /* the call used the path as a directory */
	bool only_enoent;     /* readlink: EINVAL means "not a link", not a missing file */
	bool write;           /* a write on a watched fd: value is what it wrote */
	char *value;
	size_t value_len;
};

struct learner *learn_new(char **prefixes, size_t nprefixes)
{
	struct learner *l = calloc(1, sizeof *l);
	if (!l || !(l->watch = calloc(nprefixes + 2, sizeof *l->watch)))
		die_oom();
	l->watch[l->nwatch++] = "/proc";
	l->watch[l->nwatch++] = "/sys";
	for (size_t i = 0; i < nprefixes; i++)
		l->watch[l->nwatch++] = prefixes[i];
	return l;
}

void learn_free(struct learner *l)
{
	for (size_t i = 0; i < l->nseen; i++) {
		free(l->seen[i].path);
		free(l->seen[i].value);
	}
	free(l->seen);
	free(l->watch);
	free(l);
}

bool learn_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	while (n > 1 && prefix[n - 1] == '/')
		n--;
	return !strncmp(path, prefix, n) && (path[n] == '/' || path[n] == '\0');
}

/* Whether a failure on path says what the program needs. /proc/PID of another process
   (the caller's own is folded to /proc/self) comes and goes with that process. */
static bool watched(const struct learner *l, const char *path)
{
	if (path[0] != '/' || (!strncmp(path, "/proc/", 6) && isdigit((unsigned char)path[6])))
		return false;
	for (size_t i = 0; i < l->nwatch; i++)
		if (learn_under(path, l->watch[i]))
			return true;
	return false;
}

static struct learn_call *pending(struct task *t, const char *syscall)
{
	if (!t->learn && !(t->learn = malloc(sizeof *t->learn)))
		die_oom();
	*t->learn = (struct learn_call){ .syscall = syscall, .fd = -1 };
	return t->learn;
}

void learn_entry(struct learner *l, struct task *t, const struct request *req)
{
	const struct syscall_desc *d = req->desc;
	/* (req->error: a path fakesys could not resolve, left as the program spelled it.) */
	if (!d || !watched(l, req->where.path) || req->error)
		return;
	bool is_dir = req->where.must_be_dir || d->access == ACCESS_CHDIR || d->stat_kind == STAT_STATFS;
	switch (d->access) {
	case ACCESS_OPEN:
		is_dir |= (req->flags & O_DIRECTORY) != 0;
		/* A real /proc/sys file opened for writing: its writes are seen (fake_fds.c). */
		if (((req->flags & O_ACCMODE) != O_RDONLY) && learn_under(req->where.path, "/proc/sys"))
			fake_fds_expect_open(t, NULL, req->where.path, req->flags);
		break;
	case ACCESS_CREAT:
	case ACCESS_INSPECT:
	case ACCESS_CHDIR:
		break;
	default:
		return; /* mkdir, rmdir, truncate: nothing a profile could provide */
	}
	struct learn_call *c = pending(t, d->name);
	snprintf(c->path, sizeof c->path, "%s", req->where.path);
	c->dir = is_dir;
	c->only_enoent = d->access == ACCESS_INSPECT && d->nofollow && d->stat_kind == STAT_NONE;
}

void learn_entry_fd(struct task *t, const struct syscall_desc *d, int fd)
{
	if (d->stat_kind != STAT_STATFS)
		return;
	struct learn_call *c = pending(t, d->name);
	c->fd = fd;
	c->dir = false;
}

void learn_entry_write(struct task *t, const char *syscall, const char *path, const char *data, size_t len)
{
	struct learn_call *c = pending(t, syscall);
	snprintf(c->path, sizeof c->path, "%s", path);
	c->write = true;
	if (!(c->value = malloc(len + 1)))
		die_oom();
	memcpy(c->value, data, len);
	c->value[len] = '\0';
	c->value_len = len;
}

void learn_call_free(struct learn_call *c)
{
	if (c)
		free(c->value);
	free(c);
}

static struct learned *record(struct learner *l, const char *path)
{
	for (size_t i = 0; i < l->nseen; i++)
		if (!strcmp(l->seen[i].path, path))
			return &l->seen[i];
	l->seen = grow_for_one(l->seen, l->nseen, &l->cap, sizeof *l->seen, 16);
	struct learned *e = &l->seen[l->nseen++];
	*e = (struct learned){ .path = strdup(path) };
	if (!e->path)
		die_oom();
	return e;
}

/* The program's name (/proc/TID/comm): which program saw it, for the profile's comment. */
static void comm_of(const struct task *t, char out[17])
{
	char link[64];
	snprintf(link, sizeof link, "/proc/%d/comm", (int)t->tid);
	stats_tracer_call();
	ssize_t n = fs_read_text(link, out, 17);
	if (n <= 0)
		snprintf(out, 17, "?");
	else
		out[strcspn(out, "\n")] = '\0';
}

/* The errors a fake would have spared the program: the file or directory is missing,
   refused, read-only, or its filesystem cannot answer. */
static bool fake_would_help(long result)
{
	switch (-result) {
	case ENOENT: case EIO: case EACCES: case EPERM: case EROFS: case EINVAL: case ENOSYS:
		return true;
	default:
		return false;
	}
}

void learn_exit(struct learner *l, struct task *t, long result)
{
	struct learn_call *c = t->learn;
	t->learn = NULL;
	if (c->write) {
		struct learned *e = record(l, c->path);
		if (result == -EINVAL && e->written && e->write_result >= 0) {
			learn_call_free(c); /* a value the kernel refused does not replace one it took */
			return;
		}
		free(e->value);
		e->written = true;
		e->value = c->value;
		e->value_len = c->value_len;
		e->write_syscall = c->syscall;
		e->write_result = result;
		comm_of(t, e->write_comm);
		free(c);
		return;
	}
	if (!fake_would_help(result) || (c->only_enoent && result != -ENOENT)) {
		free(c);
		return;
	}
	if (c->fd >= 0) {
		char link[64];
		snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)t->tid, c->fd);
		stats_tracer_call();
		ssize_t n = readlink(link, c->path, sizeof c->path - 1);
		c->path[n > 0 ? n : 0] = '\0';
		if (!watched(l, c->path)) {
			free(c);
			return;
		}
	}
	struct learned *e = record(l, c->path);
	e->dir |= c->dir;
	if (!e->syscall) {
		e->syscall = c->syscall;
		e->error = (int)-result;
		comm_of(t, e->comm);
	}
	free(c);
}
