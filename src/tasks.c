#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fake_fds.h"
#include "learn.h"
#include "log.h"
#include "memory.h"
#include "stats.h"
#include "tasks.h"

#define NBUCKETS 4096

static struct task *buckets[NBUCKETS];

static struct task **bucket(pid_t tid) { return &buckets[(unsigned)tid % NBUCKETS]; }
static void fs_put(struct fs *fs);

struct task *task_find(pid_t tid)
{
	for (struct task *t = *bucket(tid); t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

/* Each process's recorded tasks (tombstones aside), and those of them not exiting, so
   that neither question walks every task: an exit stop asks it for each thread. */
struct process_counts {
	pid_t tgid;
	unsigned members, living;
	struct process_counts *next;
};
static struct process_counts *counts[NBUCKETS];

static struct process_counts *counts_of(pid_t tgid, bool make)
{
	struct process_counts **p = &counts[(unsigned)tgid % NBUCKETS];
	for (; *p; p = &(*p)->next)
		if ((*p)->tgid == tgid)
			return *p;
	if (!make)
		return NULL;
	if (!(*p = calloc(1, sizeof **p)))
		die_oom();
	(*p)->tgid = tgid;
	return *p;
}

/* t joins (delta 1) or leaves (-1) its process's counts. */
static void count(const struct task *t, int delta)
{
	if (t->exited)
		return;
	struct process_counts *c = counts_of(t->tgid, delta > 0);
	c->members += (unsigned)delta;
	if (!t->exiting)
		c->living += (unsigned)delta;
	if (!c->members) {
		struct process_counts **p = &counts[(unsigned)t->tgid % NBUCKETS];
		while (*p != c)
			p = &(*p)->next;
		*p = c->next;
		free(c);
	}
}

static struct task *new_task(pid_t tid)
{
	struct task *t = calloc(1, sizeof *t);
	if (!t)
		die_oom();
	t->tid = t->tgid = tid;
	t->slot = -1;
	t->own_pid_ns = -1;
	t->files = files_new(); /* a clone event replaces it with its creator's */
	t->next = *bucket(tid);
	*bucket(tid) = t;
	return t;
}

struct task *task_add(pid_t tid)
{
	struct task *t = new_task(tid);
	count(t, 1);
	return t;
}

void task_set_tgid(struct task *t, pid_t tgid)
{
	count(t, -1);
	t->tgid = tgid;
	count(t, 1);
}

void task_set_exiting(struct task *t)
{
	if (t->exiting || t->exited)
		return;
	counts_of(t->tgid, false)->living--;
	t->exiting = true;
}

unsigned task_living_threads(pid_t tgid)
{
	const struct process_counts *c = counts_of(tgid, false);
	return c ? c->living : 0;
}

static void release_slot(struct task *t)
{
	if (t->slot >= 0 && t->mm)
		t->mm->slot_used[t->slot / 8] &= (unsigned char)~(1u << (t->slot % 8));
	t->slot = -1;
}

void task_set_mm(struct task *t, struct mm *mm)
{
	release_slot(t);
	if (t->mm && t->mm->mem_fd >= 0 && t->mm->mem_fd_tid == t->tid)
		mem_close(t->mm); /* in gVisor it reads nothing once this task exits or execs */
	if (t->mm)
		mm_put(t->mm);
	t->mm = mm;
}

void task_remove(struct task *t)
{
	count(t, -1);
	for (struct task **p = bucket(t->tid); *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	task_set_mm(t, NULL);
	files_put(t->files);
	if (t->fs && t->fs_change != FS_KEEP)
		t->fs->changing--;
	fs_put(t->fs);
	free(t->pivot_old_root);
	free(t->log);
	free(t->statfs_fix);
	free(t->readonly_umount);
	free(t->child_wait);
	free(t->mount_ns_call);
	learn_call_free(t->learn);
	free(t->fd_op.path);
	free(t);
}

void task_for_each(void (*fn)(struct task *t, void *arg), void *arg)
{
	for (size_t i = 0; i < NBUCKETS; i++) {
		struct task *t = buckets[i];
		while (t) {
			struct task *next = t->next;
			fn(t, arg);
			t = next;
		}
	}
}

struct process_search {
	pid_t tgid;
	struct task *found;
};

static void find_member(struct task *t, void *arg)
{
	struct process_search *s = arg;
	if (!s->found && t->tgid == s->tgid && !t->exited)
		s->found = t;
}

struct task *task_of_process(pid_t tgid)
{
	struct task *leader = task_find(tgid);
	if (leader && leader->tgid == tgid && !leader->exited)
		return leader;
	if (!counts_of(tgid, false))
		return NULL;
	struct process_search s = { tgid, NULL };
	task_for_each(find_member, &s);
	return s.found;
}

void task_exited(struct task *t)
{
	pid_t tid = t->tid;
	bool event_to_come = !t->claimed;
	stats_task_gone();
	task_remove(t);
	if (event_to_come)
		new_task(tid)->exited = true;
}

struct mm *mm_new(void)
{
	struct mm *mm = calloc(1, sizeof *mm);
	if (!mm)
		die_oom();
	mm->refs = 1;
	mm->mem_fd = -1;
	return mm;
}

struct mm *mm_get(struct mm *mm)
{
	mm->refs++;
	return mm;
}

void mm_put(struct mm *mm)
{
	if (--mm->refs > 0)
		return;
	mem_close(mm);
	free(mm->strings);
	free(mm);
}

struct mm *mm_fork(const struct mm *parent)
{
	struct mm *mm = mm_new();
	/* The child's copy of the mapping may predate strings written since, so only
	   the mapping itself is inherited, not the table of what it holds (and even the
	   mapping may be younger than the copy: scratch_intact checks). */
	mm->scratch = parent->scratch;
	mm->table_used = SCRATCH_COOKIE_SIZE;
	return mm;
}

/* Set by the first chroot, setns or pivot_root: until then every root is "/". */
static bool roots_changed;

static char *dup_path(const char *s)
{
	char *p = s ? strdup(s) : NULL;
	if (s && !p)
		die_oom();
	return p;
}

struct fs *fs_new(const char *root)
{
	struct fs *fs = calloc(1, sizeof *fs);
	if (!fs)
		die_oom();
	fs->refs = 1;
	fs->root = dup_path(root);
	return fs;
}

static void fs_put(struct fs *fs)
{
	if (!fs || --fs->refs > 0)
		return;
	free(fs->cwd);
	free(fs->root);
	free(fs->stacked_old_root);
	free(fs);
}

/* A copy made by the kernel at some moment fakesys did not see: the cwd may have changed
   since (another thread's chdir), so it is read again when needed. */
static struct fs *fs_copy(void)
{
	return fs_new(roots_changed ? NULL : "/");
}

void task_set_fs_from(struct task *child, const struct task *parent, bool shared)
{
	struct fs *fs = shared ? parent->fs : fs_copy();
	if (shared)
		fs->refs++;
	fs_put(child->fs);
	child->fs = fs;
}

void task_take_fs(struct task *t, struct task *from)
{
	if (from) {
		if (from->fs_change != FS_KEEP)
			from->fs->changing--; /* its call ended with the exec */
		fs_put(t->fs);
		t->fs = from->fs;
		from->fs = NULL; /* from is about to go */
		from->fs_change = FS_KEEP;
	} else if (!t->fs) {
		t->fs = fs_new(NULL);
	}
}

const char *fs_cwd(const struct task *t) { return t->fs->cwd; }
const char *fs_root(const struct task *t) { return t->fs->root; }

static void set_path(const struct fs *fs, char **slot, const char *path)
{
	if (fs->changing)
		return; /* the value may be from before the change */
	free(*slot);
	*slot = dup_path(path);
}

void fs_set_cwd(struct task *t, const char *cwd) { set_path(t->fs, &t->fs->cwd, cwd); }
void fs_set_root(struct task *t, const char *root) { set_path(t->fs, &t->fs->root, root); }

static void forget(struct fs *fs, enum fs_change what)
{
	if (what == FS_KEEP || what == FS_UNSHARE)
		return; /* unshare changes no path; its copy starts unknown (fs_change_end) */
	free(fs->cwd);
	fs->cwd = NULL;
	if (what == FS_CWD)
		return;
	free(fs->root);
	fs->root = NULL;
}

static void forget_in(struct task *t, void *what)
{
	if (t->fs)
		forget(t->fs, *(enum fs_change *)what);
}

static void forget_changes(struct task *t, enum fs_change what)
{
	/* pivot_root moves every process; and a process that runs before its creator's clone
	   event may share its fs_struct with anyone (CLONE_FS), whose records must not keep
	   a cwd it changed. */
	if (what == FS_ALL)
		task_for_each(forget_in, &(enum fs_change){ FS_ROOT });
	else if (t->started_early && !t->claimed)
		task_for_each(forget_in, &what);
	else
		forget(t->fs, what);
}

void task_join_fs(struct task *child, const struct task *parent)
{
	bool changing = child->fs_change != FS_KEEP;
	if (changing)
		child->fs->changing--;
	task_set_fs_from(child, parent, true);
	if (changing)
		child->fs->changing++; /* its call's end is counted on the shared record */
	forget(child->fs, FS_ROOT);
}

void fs_change_begin(struct task *t, enum fs_change what)
{
	if (what == FS_ROOT || what == FS_ALL)
		roots_changed = true;
	forget_changes(t, what);
	if (t->fs_change == FS_KEEP)
		t->fs->changing++; /* (a call re-run after a scratch injection begins once) */
	t->fs_change = what;
}

void fs_change_end(struct task *t, bool succeeded)
{
	enum fs_change what = t->fs_change;
	t->fs_change = FS_KEEP;
	t->fs->changing--;
	forget_changes(t, what);
	if (what == FS_UNSHARE && succeeded) {
		fs_put(t->fs);
		t->fs = fs_copy();
	}
}
