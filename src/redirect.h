/* Deciding what a path syscall should see instead: the pure half of interception.
   Given the path a task passed, resolve it as the kernel would and match it against
   the rules; the tracer then asks the store for a target and rewrites the call. */
#ifndef FAKESYS_REDIRECT_H
#define FAKESYS_REDIRECT_H

#include <limits.h>
#include <stdbool.h>
#include "arch.h"
#include "path.h"
#include "rules.h"
#include "store.h"
#include "syscalls.h"
#include "tasks.h"

enum action {
	ACTION_PASS,  /* leave the call untouched */
	ACTION_READ,  /* serve the value (or the real file, for real-first) */
	ACTION_WRITE, /* the value file, read-only; its writes are played (fake_fds.h) */
	ACTION_DIR,   /* a directory with fake entries */
	ACTION_REAL,  /* a real path reached through a mirror: give the tracee the real path */
	ACTION_SKIP,  /* cancel the call and return -error: 0 for truncate of a fake, or the
	                 error of a write whose path cannot be resolved (path_resolve) */
	ACTION_MKDIR, /* mkdir below a tree: its provider makes the directory */
	ACTION_RMDIR, /* rmdir below a tree: its provider removes it */
	ACTION_STATFS, /* statfs or fstatfs of a fake: answered as its filesystem would */
	ACTION_READLINK, /* readlink of a magic link (/proc/self/fd/N, cwd, root) into the
	                    store: answered with the fake path it stands for, in link */
};

struct request {
	const struct syscall_desc *desc;
	struct resolved where;   /* the canonical path the call names */
	struct match match;
	enum action action;
	uint64_t flags;          /* the call's flags (O_* or AT_*), 0 if it has none */
	bool through_mirror;     /* a cwd, dirfd or magic link on the way pointed into a mirror */
	pid_t subject;           /* the process a /proc/PID path names (the caller for /proc/self) */
	int error;               /* why the call cannot be served (errno) */
	char link[PATH_MAX];     /* ACTION_READLINK */
	char named[PATH_MAX];    /* the path as the call passed it, read once (redirect_classify) */
	long named_len;          /* its length; -1: unreadable or too long */
};

/* Reads the path argument and classifies the call. Returns false when the call must
   pass untouched (most calls end here, after one read of the path). */
bool redirect_classify(struct task *t, const arch_regs *regs, const struct syscall_desc *d,
                       const struct ruleset *rules, const struct store *store, struct request *req);

/* An fd-only call (fstatfs, fstat): classifies the file fd is open on. false: not a fake
   (for fstat, not a fake file: a mirror directory answers for itself). */
bool redirect_classify_fd(struct task *t, int fd, const struct syscall_desc *d, const struct ruleset *rules,
                          const struct store *store, struct request *req);

/* The canonical path (path.h) that the path at addr names for task t, from its cwd if
   relative; the store's mirrors name what they stand for. Returns 0, or -errno (a path
   that is empty, unreadable or cannot be resolved). */
int redirect_task_path(struct task *t, const struct store *store, uint64_t addr, char out[PATH_MAX]);

/* The task's root directory as fakesys names it ("/" unless it chrooted). Returns 0,
   or -errno. */
int redirect_task_root(struct task *t, char root[PATH_MAX]);
/* redirect_task_path relative to dirfd (AT_FDCWD: the cwd), its last link followed or not
   (a call that names an entry: unlink, mkdir, lchown). */
int redirect_task_path_at(struct task *t, const struct store *store, int dirfd, uint64_t addr, bool follow_last,
                          char out[PATH_MAX]);

/* A canonical path as task t names it, as fakesys names it (the task's root prefixed).
   Returns 0, or -errno. */
int redirect_sandbox_name(struct task *t, const char *path, char out[PATH_MAX]);

/* The same path as fakesys names it (the task's root prefixed): one name for a file across
   tasks of different roots (the mount fix-ups record mount points so). */
int redirect_sandbox_path(struct task *t, const struct store *store, uint64_t addr, char out[PATH_MAX]);

/* The file a magic link of a task leads to (link: /proc/TID/fd/N of fakesys's view),
   as the task names it, in out. Returns 0, or -errno (no such fd, not a path, a file
   outside the task's root, a file of the store). */
int redirect_fd_path(struct task *t, const struct store *store, const char *link, char out[PATH_MAX]);

/* How the call changes the caller's fs_struct (cwd, root, sharing). */
enum fs_change redirect_fs_change(const struct syscall_desc *d, const arch_regs *regs);

/* If the task's cwd is inside a store mirror, writes the directory it stands for into
   virt and returns true: getcwd(2) must answer that, not the store's path. */
bool redirect_cwd_in_mirror(struct task *t, const struct store *store, char virt[PATH_MAX]);

#endif
