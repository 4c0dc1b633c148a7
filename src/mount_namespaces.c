/* The mount-ns-teardown fix-up; see mount_namespaces.h and README ("Fix-ups for
   gVisor") for where it differs from Linux. */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include "log.h"
#include "mount_namespaces.h"
#include "redirect.h"
#include "stats.h"
#include "tracer_internal.h"

#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 8
#endif

/* A mount a member made, at its target as fakesys names it. */
struct mount_record {
	char *path;
	struct mount_record *next; /* older */
};

struct mount_ns {
	bool initial;                  /* the first tracee's: its mounts are never touched */
	unsigned members;              /* processes */
	struct mount_record *mounts;   /* newest first */
};

/* A traced process and its namespace. */
struct member {
	pid_t pid;
	struct mount_ns *ns;
	struct member *next;
};

/* What the exit stop of a call is to record. */
struct mount_ns_call {
	enum { CALL_UNSHARE, CALL_MOUNT, CALL_MOVE, CALL_UMOUNT } kind;
	char path[PATH_MAX]; /* the target (mount, move) or the mount point (umount2) */
	char from[PATH_MAX]; /* a move's source */
};

#define NBUCKETS 256
static struct member *buckets[NBUCKETS];
static struct mount_ns initial_ns = { .initial = true };

static bool enabled(void)
{
	return tracer_cfg->fixups.mount_ns_teardown;
}

static struct member **bucket(pid_t pid)
{
	return &buckets[(unsigned)pid % NBUCKETS];
}

static struct member *member_find(pid_t pid)
{
	for (struct member *m = *bucket(pid); m; m = m->next)
		if (m->pid == pid)
			return m;
	return NULL;
}

static struct mount_ns *ns_new(void)
{
	struct mount_ns *ns = calloc(1, sizeof *ns);
	if (!ns)
		die_oom();
	return ns;
}

/* The namespace's mounts go, newest first (a mount beneath a recorded one was made
   after it); EINVAL and ENOENT: one already gone. */
static void tear_down(struct mount_ns *ns)
{
	while (ns->mounts) {
		struct mount_record *r = ns->mounts;
		ns->mounts = r->next;
		stats_tracer_call();
		if (umount2(r->path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
			msg("cannot unmount %s of a mount namespace that is gone: %s", r->path, strerror(errno));
		free(r->path);
		free(r);
	}
	free(ns);
}

static void ns_leave(struct mount_ns *ns)
{
	if (!ns->initial && --ns->members == 0)
		tear_down(ns);
}

static void ns_join(struct member *m, struct mount_ns *ns)
{
	m->ns = ns;
	ns->members++;
}

static void member_remove(struct member *m)
{
	for (struct member **p = bucket(m->pid); *p; p = &(*p)->next)
		if (*p == m) {
			*p = m->next;
			break;
		}
	struct mount_ns *ns = m->ns;
	free(m);
	ns_leave(ns);
}

void mount_ns_process_started(pid_t pid, pid_t creator, unsigned long clone_flags)
{
	if (!enabled())
		return;
	/* A record under this pid is of a process that died unseen (its pid is in use). */
	struct member *stale = member_find(pid);
	if (stale)
		member_remove(stale);
	struct member *m = calloc(1, sizeof *m);
	if (!m)
		die_oom();
	m->pid = pid;
	const struct member *parent = member_find(creator);
	ns_join(m, (clone_flags & CLONE_NEWNS) ? ns_new() : parent ? parent->ns : &initial_ns);
	m->next = *bucket(pid);
	*bucket(pid) = m;
}

/* The namespace of t's process if it is one whose mounts are recorded. */
static struct mount_ns *recorded_ns(const struct task *t)
{
	const struct member *m = enabled() ? member_find(t->tgid) : NULL;
	return m && !m->ns->initial ? m->ns : NULL;
}

static void expect(struct task *t, struct mount_ns_call *c)
{
	free(t->mount_ns_call);
	if (!(t->mount_ns_call = malloc(sizeof *c)))
		die_oom();
	*t->mount_ns_call = *c;
}

void mount_ns_expect_unshare(struct task *t, uint64_t flags)
{
	if (enabled() && (flags & CLONE_NEWNS) && member_find(t->tgid))
		expect(t, &(struct mount_ns_call){ .kind = CALL_UNSHARE });
}

void mount_ns_expect_umount(struct task *t, const arch_regs *regs)
{
	static struct mount_ns_call c = { .kind = CALL_UMOUNT };
	if (recorded_ns(t) && redirect_sandbox_path(t, tracer_cfg->store, arch_arg(regs, 0), c.path) == 0)
		expect(t, &c);
}

void mount_ns_expect_mount(struct task *t, const arch_regs *regs)
{
	static struct mount_ns_call c;
	uint64_t flags = arch_arg(regs, 3);
	uint64_t propagation = MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;
	/* Linux's order (do_mount): remount, bind, propagation change, move, new mount. */
	if (!recorded_ns(t) || (flags & MS_REMOUNT) || (!(flags & MS_BIND) && (flags & propagation)))
		return;
	c.kind = !(flags & MS_BIND) && (flags & MS_MOVE) ? CALL_MOVE : CALL_MOUNT;
	if (redirect_sandbox_path(t, tracer_cfg->store, arch_arg(regs, 1), c.path) < 0 ||
	    (c.kind == CALL_MOVE && redirect_sandbox_path(t, tracer_cfg->store, arch_arg(regs, 0), c.from) < 0))
		return;
	expect(t, &c);
}

/* Whether path is base or lies beneath it. */
static bool at_or_beneath(const char *path, const char *base)
{
	size_t len = strlen(base);
	return !strncmp(path, base, len) && (path[len] == '\0' || path[len] == '/' || !strcmp(base, "/"));
}

static void record(struct mount_ns *ns, const char *path)
{
	struct mount_record *r = malloc(sizeof *r);
	if (!r || !(r->path = strdup(path)))
		die_oom();
	r->next = ns->mounts;
	ns->mounts = r;
}

/* A move takes the mounts at and beneath from along; one of no record is recorded at
   its new place. */
static void record_move(struct mount_ns *ns, const char *from, const char *to)
{
	bool moved = false;
	size_t len = strlen(from);
	for (struct mount_record *r = ns->mounts; r; r = r->next) {
		if (!at_or_beneath(r->path, from))
			continue;
		char *path = malloc(strlen(to) + strlen(r->path + len) + 1);
		if (!path)
			die_oom();
		strcat(strcpy(path, to), r->path + len);
		free(r->path);
		r->path = path;
		moved = true;
	}
	if (!moved)
		record(ns, to);
}

/* An unmount takes the newest mount at path, and what was mounted beneath it since. */
static void record_umount(struct mount_ns *ns, const char *path)
{
	struct mount_record *top = ns->mounts;
	while (top && strcmp(top->path, path))
		top = top->next;
	if (!top)
		return;
	struct mount_record **p = &ns->mounts;
	for (bool past = false; *p && !past;) {
		struct mount_record *r = *p;
		past = r == top;
		if (at_or_beneath(r->path, path)) {
			*p = r->next;
			free(r->path);
			free(r);
		} else {
			p = &r->next;
		}
	}
}

void mount_ns_call_exit(struct task *t, long result)
{
	struct mount_ns_call *c = t->mount_ns_call;
	t->mount_ns_call = NULL;
	struct member *m = member_find(t->tgid);
	if (result == 0 && m) {
		if (c->kind == CALL_UNSHARE) {
			/* The last member of a namespace keeps it: its mounts are its copies. */
			if (m->ns->initial || m->ns->members > 1) {
				ns_leave(m->ns);
				ns_join(m, ns_new());
			}
		} else if (!m->ns->initial) {
			if (c->kind == CALL_MOUNT)
				record(m->ns, c->path);
			else if (c->kind == CALL_MOVE)
				record_move(m->ns, c->from, c->path);
			else
				record_umount(m->ns, c->path);
		}
	}
	free(c);
}

void mount_ns_task_exiting(struct task *t)
{
	struct member *m = enabled() ? member_find(t->tgid) : NULL;
	if (m && !task_living_threads(t->tgid))
		member_remove(m);
}

void mount_ns_task_reaped(pid_t tid, pid_t tgid)
{
	struct member *m = enabled() && tid == tgid ? member_find(tgid) : NULL;
	if (m && !task_of_process(tgid))
		member_remove(m);
}
