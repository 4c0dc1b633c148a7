/* The traced tasks (threads) and their address spaces. */
#ifndef FAKESYS_TASKS_H
#define FAKESYS_TASKS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "arch.h"

/* Size of the scratch mapping fakesys injects into each address space: a string
   table of stable targets (store paths), then one PATH_MAX slot per thread for
   targets that change from call to call. Reserved, not committed (MAP_NORESERVE). */
#define SCRATCH_SIZE (16UL << 20)
#define SCRATCH_TABLE_SIZE (256UL << 10)
#define SCRATCH_SLOTS ((SCRATCH_SIZE - SCRATCH_TABLE_SIZE) / 4096)

/* A stable string already written into the scratch table. */
struct scratch_string {
	const char *key; /* the tracer's pointer (store strings never move) */
	uint64_t addr;   /* where the tracee sees it */
};

/* One address space, shared by threads and by vfork/CLONE_VM children. */
struct mm {
	int refs;
	int mem_fd;                 /* /proc/<mem_fd_tid>/mem, -1 until first use */
	pid_t mem_fd_tid;           /* gVisor's fd stops working when this task leaves */
	uint64_t scratch;           /* 0 until injected */
	bool scratch_failed;        /* injection failed: leave this address space alone */
	char *cwd;                  /* cached cwd of process cwd_tgid; NULL if unknown */
	pid_t cwd_tgid;
	size_t table_used;
	struct scratch_string *strings;
	size_t nstrings, cap;
	unsigned char slot_used[SCRATCH_SLOTS / 8];
};

/* What a task is waiting for. A thread is in exactly one phase at every stop; the
   phase is never inferred from the order of stops (it differs under gVisor). */
enum phase {
	PHASE_RUNNING,       /* resumed; the next stop is whatever comes */
	PHASE_INJECTED,      /* an injected mmap runs; its exit stop restores the call */
	PHASE_SKIPPED,       /* the call was cancelled; its exit stop sets the result */
	PHASE_AFTER_CALL,    /* a call runs whose exit stop logs it or forgets the cwd */
};

struct pending_log;
struct files;
struct rule;

/* What a call on a fake's fd needs done at its exit stop (fake_fds.c). */
enum fd_op_kind {
	FD_OP_NONE,
	FD_OP_OPEN,  /* an open for writing of rule: record the fd it returns */
	FD_OP_DUP,   /* dup, dup2, dup3, F_DUPFD of fd: record the copy */
	FD_OP_GETFL, /* F_GETFL of fd: report the access mode the program asked for */
	FD_OP_READ,  /* read or readv of fd: its offset moves by the result */
	FD_OP_SEEK,  /* lseek of fd: its offset is the result */
};
struct fd_op {
	enum fd_op_kind kind;
	const struct rule *rule;
	int fd;
	uint64_t flags;
};

struct task {
	pid_t tid, tgid;
	struct mm *mm;
	struct files *files;  /* its fd table's fakes opened for writing */
	struct fd_op fd_op;
	enum phase phase;
	bool attached;        /* its first stop was seen */
	bool claimed;         /* its creator's clone event was seen (or it is the first) */
	bool in_syscall;      /* stopping at every syscall: between entry and exit stop */
	bool expect_entry;    /* gVisor reports an entry stop after a seccomp stop */
	bool at_seccomp_stop; /* the stop being handled is a seccomp stop */
	bool changes_cwd;     /* in chdir/fchdir: the cached cwd is stale at exit */
	int slot;             /* per-thread scratch slot, -1 if none */
	long skip_result;
	arch_regs saved;      /* registers of the call an injection interrupted */
	struct pending_log *log;
	struct task *next;    /* hash chain */
};

struct task *task_find(pid_t tid);
struct task *task_add(pid_t tid);
void task_remove(struct task *t);
/* Calls fn for every task (fn may remove the task it is given). */
void task_for_each(void (*fn)(struct task *t, void *arg), void *arg);
size_t task_count(void);

struct mm *mm_new(void);
struct mm *mm_get(struct mm *mm);
void mm_put(struct mm *mm);
/* For a fork child: same scratch address, but nothing known to be written yet. */
struct mm *mm_fork(const struct mm *parent);
void task_set_mm(struct task *t, struct mm *mm);
/* The cwd cache saves a readlink of /proc/PID/cwd per relative path. */
const char *mm_cwd(const struct task *t);
void mm_set_cwd(struct task *t, const char *cwd);
void mm_forget_cwd(struct mm *mm);

#endif
