#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fake_fds.h"
#include "log.h"
#include "memory.h"
#include "tasks.h"

#define NBUCKETS 4096

static struct task *buckets[NBUCKETS];
static size_t ntasks;

static struct task **bucket(pid_t tid) { return &buckets[(unsigned)tid % NBUCKETS]; }

struct task *task_find(pid_t tid)
{
	for (struct task *t = *bucket(tid); t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct task *task_add(pid_t tid)
{
	struct task *t = calloc(1, sizeof *t);
	if (!t)
		die_oom();
	t->tid = t->tgid = tid;
	t->slot = -1;
	t->files = files_new(); /* a clone event replaces it with its creator's */
	t->next = *bucket(tid);
	*bucket(tid) = t;
	ntasks++;
	return t;
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
	for (struct task **p = bucket(t->tid); *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	task_set_mm(t, NULL);
	files_put(t->files);
	free(t->log);
	free(t);
	ntasks--;
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

size_t task_count(void) { return ntasks; }

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
	free(mm->cwd);
	free(mm);
}

struct mm *mm_fork(const struct mm *parent)
{
	struct mm *mm = mm_new();
	/* The child's copy of the mapping may predate strings written since, so only
	   the mapping itself is inherited, not the table of what it holds. */
	mm->scratch = parent->scratch;
	return mm;
}

const char *mm_cwd(const struct task *t)
{
	/* Threads share their cwd; a vfork child shares the address space but not the cwd. */
	return t->mm->cwd && t->mm->cwd_tgid == t->tgid ? t->mm->cwd : NULL;
}

void mm_set_cwd(struct task *t, const char *cwd)
{
	free(t->mm->cwd);
	if (!(t->mm->cwd = strdup(cwd)))
		die_oom();
	t->mm->cwd_tgid = t->tgid;
}

void mm_forget_cwd(struct mm *mm)
{
	free(mm->cwd);
	mm->cwd = NULL;
}
