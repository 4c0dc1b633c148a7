/* Open file descriptors of fakes that were opened for writing, and the writes they take.

   The kernel's rule for a sysctl (measured on a per-netns key, sysctl_writes_strict=1):
   each write(2) at file offset 0 replaces the whole value and leaves the offset at 0; a
   write at any other offset (after a read, an lseek, a pwrite at an offset) is ignored
   but reports success; O_APPEND writes land at offset 0; ftruncate changes nothing.
   A regular file cannot behave so, so fakesys plays the write itself:
   - an open for writing of a fake opens its value file read-only instead, and the fd is
     recorded here (in the fd table record, shared as the kernel shares fd tables);
   - while a fd table holds such an fd, its tasks stop at every syscall (PTRACE_SYSCALL),
     and a write-family call on a recorded fd is answered by fakesys: the data is read
     from the tracee, handed to the provider, and the call returns what the kernel's
     would (the count, or the store's error, e.g. ENOSPC);
   - the offset each write is judged by is tracked from the reads and lseeks of the
     fd (gVisor's fdinfo has no "pos:");
   - a write fakesys does not see (a fd passed to a process outside the tree) fails with
     EBADF, since the fd is read-only: it never lands anywhere unseen.
   When the last recorded fd is closed, the tasks run freely again.
   In learn mode a real /proc/sys file opened for writing is recorded too, without a
   rule: its calls reach the kernel, and only its writes are shown to learn.c. */
#ifndef FAKESYS_FAKE_FDS_H
#define FAKESYS_FAKE_FDS_H

#include <stdbool.h>
#include "arch.h"
#include "rules.h"
#include "tasks.h"

/* An open file description: shared by dup'ed fds and across fork, as the kernel does. */
struct open_file {
	int refs;
	long long offset; /* moved by reads and lseek only: fakesys plays every write */
	char *path;       /* the fake it is open on (below a tree, not the rule's own) */
};

struct fake_fd {
	int fd;
	struct open_file *file;
	const struct rule *rule; /* NULL: a real kernel file learn mode watches (learn.h) */
	int accmode;  /* O_WRONLY or O_RDWR, as the program opened it */
	bool append;  /* O_APPEND: every write is at offset 0 */
	bool cloexec; /* closed by exec */
};

/* A fd table; shared by tasks created with CLONE_FILES. */
struct files {
	int refs;
	struct fake_fd *fds;
	size_t n, cap;
	/* Some fd of the table may be a directory at or above a fake, in the store, or not
	   seen opened: a dirfd-relative name is then resolved through its dirfd (redirect.c).
	   Cleared only for the first task's table, when CMD inherits no directory; set by any
	   open that reaches such a place, and kept through fork, exec and close. */
	bool may_reach_fakes;
};

/* A table whose fds are unknown: may_reach_fakes. */
struct files *files_new(void);
/* Whether the caller's fds that survive an exec (those without close-on-exec) include a
   directory: asked in CMD's process before its exec (startup.c). */
bool files_inherit_directory(void);
struct files *files_get(struct files *f);
void files_put(struct files *f);
/* A copy, for fork (the child's fd table is a copy of the parent's). */
struct files *files_copy(const struct files *f);
/* A copy for a child whose fork fakesys did not see (f may be NULL): the parent's table
   may have changed since, so only the fds that tid still holds on the fake's value
   file are kept. */
struct files *files_copy_verified(const struct files *f, pid_t tid);
/* exec: the fd table is unshared and close-on-exec fds are gone. */
void files_exec(struct task *t);
/* Whether t's tasks must stop at every syscall. */
static inline bool files_watched(const struct task *t) { return t->files && t->files->n; }

/* Remembers that t's pending open for writing of the fake at path, matched by r (flags
   as the program gave them), must be recorded at its exit stop. r NULL: a real kernel
   file, in learn mode. */
void fake_fds_expect_open(struct task *t, const struct rule *r, const char *path, uint64_t flags);
/* unshare(2) with flags: with CLONE_FILES the caller's fd table becomes its own. */
void fake_fds_expect_unshare(struct task *t, uint64_t flags);
/* The flags the open of a fake for writing runs with instead: read-only, no truncation. */
uint64_t fake_fds_open_flags(uint64_t flags);

/* At a syscall entry of a watched task: handles a call on a recorded fd. Returns true
   when it resumed the task itself. */
bool fake_fds_entry(struct task *t, arch_regs *regs);
/* At the exit stop of a call fake_fds asked to see (t->fd_op set), with its result. */
void fake_fds_exit(struct task *t, long result);

#endif
