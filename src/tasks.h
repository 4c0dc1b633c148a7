/* The traced tasks (threads) and their address spaces. */
#ifndef FAKESYS_TASKS_H
#define FAKESYS_TASKS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "arch.h"
#include "syscalls.h"

/* Size of the scratch mapping fakesys injects into each address space: a string
   table of stable targets (store paths), then one PATH_MAX slot per thread for
   targets that change from call to call. Reserved, not committed (MAP_NORESERVE). */
#define SCRATCH_SIZE (16UL << 20)
#define SCRATCH_TABLE_SIZE (256UL << 10)
#define SCRATCH_COOKIE_SIZE 8 /* the table's first word marks the area as fakesys's */
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
	size_t table_used;
	struct scratch_string *strings;
	size_t nstrings, cap;
	unsigned char slot_used[SCRATCH_SLOTS / 8];
};

/* What the kernel keeps in a task's fs_struct, as fakesys last read it: shared by the
   tasks that share the fs_struct (clone with CLONE_FS), copied by fork, given its own copy
   by unshare(CLONE_FS). Paths are fakesys's view (readlink of /proc/TID/cwd and root). */
struct fs {
	int refs;
	int changing; /* tasks in a call that changes it: nothing is cached until they leave */
	char *cwd;    /* NULL if unknown */
	char *root;   /* NULL if unknown; "/" unless the task chrooted or joined a namespace */
	char *stacked_old_root; /* an emulated pivot_root(D, D) left this old root (as
	                           fakesys names it) stacked on D until its umount
	                           (pivot_chroot.h); NULL if none */
};

/* What a task is waiting for. A thread is in exactly one phase at every stop; the
   phase is never inferred from the order of stops (it differs under gVisor). */
enum phase {
	PHASE_RUNNING,       /* resumed; the next stop is whatever comes */
	PHASE_INJECTED,      /* an injected mmap runs; its exit stop restores the call */
	PHASE_UNMAPPING,     /* an injected munmap of a surplus scratch area runs (another
	                        thread's mmap won the race); its exit stop restores the call */
	PHASE_SKIPPED,       /* the call was cancelled; its exit stop sets the result */
	PHASE_AFTER_CALL,    /* a call runs whose exit stop logs it or updates the fs record */
	PHASE_CHILD_WAIT,    /* a wait runs without blocking; its exit stop decides (subreaper.c) */
	PHASE_STORE_BIND,    /* an injected mkdir or mount of the store's bind into a
	                        container runs (container_store.h); its exit stop restores
	                        the call */
};

struct pending_log;
struct statfs_call;
struct child_wait;
struct learn_call;
struct mount_ns_call;
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
	FD_OP_UNSHARE, /* unshare(CLONE_FILES): the caller gets its own fd table */
};
struct fd_op {
	enum fd_op_kind kind;
	const struct rule *rule;
	char *path; /* FD_OP_OPEN: the fake's path (malloc'ed; the record takes it) */
	int fd;
	uint64_t flags;
};

struct task {
	pid_t tid, tgid;
	struct mm *mm;
	struct files *files;  /* its fd table's fakes opened for writing */
	struct fd_op fd_op;
	struct fs *fs;
	enum phase phase;
	bool attached;        /* its first stop was seen */
	bool claimed;         /* its creator's clone event was seen (or it is the first) */
	bool started_early;   /* a process that stopped before its creator's clone event: it
	                         runs with records of its own (task_events.c) */
	bool exited;          /* a tombstone: it exited before its creator's clone event */
	bool in_syscall;      /* stopping at every syscall: between entry and exit stop */
	bool syscall_unknown; /* a signal or interrupt stop came since: the next syscall stop
	                         may be either */
	bool expect_entry;    /* gVisor reports an entry stop after a seccomp stop */
	bool at_seccomp_stop; /* the stop being handled is a seccomp stop */
	signed char own_pid_ns; /* whether it is in fakesys's pid namespace: 1, 0, -1 not yet
	                           known (a task's own namespace never changes) */
	bool exiting;         /* its PTRACE_EVENT_EXIT stop came (child-subreaper and
	                         mount-ns-teardown fix-ups) */
	int store_bind_step;  /* calls of the store's bind injected so far, for the
	                         pivot_root being re-run (container_store.h) */
	char *pivot_old_root; /* an emulated pivot_root runs as chroot: the root it leaves
	                         (pivot_chroot.h) */
	enum fs_change fs_change; /* in a call that changes its fs: the cache is stale at exit */
	int slot;             /* per-thread scratch slot, -1 if none */
	struct cookie_seen {  /* the scratch area's first word, read with a path (memory.c) */
		unsigned long stop; /* at this stop (stats.stops); 0: never */
		uint64_t scratch;   /* from the area there */
		uint64_t word;
	} cookie_seen;
	long skip_result;
	arch_regs saved;      /* registers of the call an injection interrupted */
	struct pending_log *log;
	struct statfs_call *statfs_fix; /* a statfs or fstatfs whose ENOSYS is answered at exit (fixups.h) */
	uint64_t readonly_statfs; /* a statfs's buffer, to say ST_RDONLY in at exit (readonly_mounts.h) */
	char *readonly_umount; /* an umount2's target, for the read-only points at its exit (readonly_mounts.h) */
	uint64_t uname_buf;   /* a uname(2) whose answer gets the fake identity at exit */
	struct child_wait *child_wait;  /* a wait that may have to report an adopted orphan (subreaper.c) */
	struct learn_call *learn; /* learn mode: a call whose result is recorded at exit (learn.h) */
	struct mount_ns_call *mount_ns_call; /* a mount, umount2 or unshare whose exit stop
	                                        records it (mount_namespaces.h) */
	struct task *next;    /* hash chain */
};

struct task *task_find(pid_t tid);
struct task *task_add(pid_t tid);
/* The task is of process tgid (a clone event or /proc said so). */
void task_set_tgid(struct task *t, pid_t tgid);
/* Its PTRACE_EVENT_EXIT stop came. */
void task_set_exiting(struct task *t);
/* How many recorded tasks of process tgid have not reached their exit stop. */
unsigned task_living_threads(pid_t tgid);
void task_remove(struct task *t);
/* Calls fn for every task (fn may remove the task it is given). */
void task_for_each(void (*fn)(struct task *t, void *arg), void *arg);
/* A task of process tgid (its leader if still there), or NULL. */
struct task *task_of_process(pid_t tgid);
/* An exit: the record goes, except for a task whose creator's clone event is still to
   come, which leaves a tombstone so that the late event cannot make a record for a
   task that is already gone. */
void task_exited(struct task *t);

struct mm *mm_new(void);
struct mm *mm_get(struct mm *mm);
void mm_put(struct mm *mm);
/* For a fork child: same scratch address, but nothing known to be written yet. */
struct mm *mm_fork(const struct mm *parent);
void task_set_mm(struct task *t, struct mm *mm);

/* root: the root directory if known ("/" for the first task), or NULL. */
struct fs *fs_new(const char *root);
/* A child's fs_struct: the parent's (CLONE_FS), or a copy, which knows the root only while
   no task has ever changed one (the copy may predate a change fakesys has seen since). */
void task_set_fs_from(struct task *child, const struct task *parent, bool shared);
/* A process that ran before its creator's clone event (CLONE_FS) takes the fs_struct
   record it shares with it; whatever it changed meanwhile makes that record's paths
   stale, so they are read again. */
void task_join_fs(struct task *child, const struct task *parent);
/* An exec by a non-leader thread: the leader's record takes over its fs_struct. */
void task_take_fs(struct task *t, struct task *from);
/* The cache saves a readlink of /proc/TID/cwd per relative path, and of /proc/TID/root. */
const char *fs_cwd(const struct task *t);
const char *fs_root(const struct task *t);
void fs_set_cwd(struct task *t, const char *cwd);
void fs_set_root(struct task *t, const char *root);
/* At the entry of a call that changes the fs_struct (forgets what it changes, and keeps it
   forgotten while the call runs: another task may look meanwhile), and at its exit. */
void fs_change_begin(struct task *t, enum fs_change what);
void fs_change_end(struct task *t, bool succeeded);

#endif
