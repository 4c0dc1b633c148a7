/* Learn mode (`fakesys learn`): CMD runs with nothing changed beyond the profiles it
   is given, and every access to a kernel file that failed, and every value written to
   a sysctl, is recorded; at the end a profile that fakes exactly those files is
   written (learn_profile.c).

   Observing costs stops only in learn mode: a path call that fakesys lets through is
   resumed to its exit stop when its path is watched (/proc, /sys, --watch prefixes),
   so that its result is seen; an open for writing of a real /proc/sys file is recorded
   in the fd table as fake_fds.c records a fake's, and each write(2) on it is seen at
   entry (its data) and exit (its result) while it still reaches the kernel. */
#ifndef FAKESYS_LEARN_H
#define FAKESYS_LEARN_H

#include <stdbool.h>
#include <stddef.h>
#include "redirect.h"
#include "tasks.h"

/* One kernel file the program needed: a failed access or a written value. */
struct learned {
	char *path;           /* canonical */
	bool dir;             /* it was used as a directory (O_DIRECTORY, chdir, statfs, "/") */
	const char *syscall;  /* the first failure: the call, its errno, the program */
	int error;
	char comm[17];
	bool written;         /* the program wrote a value (the last one wins, unless the
	                         kernel refused it with EINVAL after taking an earlier one) */
	char *value;
	size_t value_len;
	const char *write_syscall;
	long write_result;    /* the write's result: the count, or -errno */
	char write_comm[17];
};

struct learner {
	char **watch;         /* path prefixes whose failures are recorded */
	size_t nwatch;
	struct learned *seen; /* in the order first seen */
	size_t nseen, cap;
};

/* Whether path is prefix or lies below it (a trailing "/" of prefix is ignored). */
bool learn_under(const char *path, const char *prefix);

/* prefixes: the --watch prefixes, besides /proc and /sys (kept by reference). */
struct learner *learn_new(char **prefixes, size_t nprefixes);
void learn_free(struct learner *l);

/* At the entry of a path call fakesys lets through untouched (req as redirect_classify
   left it: where.path empty if it read no path). Sets t->learn when its result must be
   seen; the caller then resumes t to the exit stop. */
void learn_entry(struct learner *l, struct task *t, const struct request *req);
/* The same for fstatfs(fd), whose file is named at the exit stop if it failed. */
void learn_entry_fd(struct task *t, const struct syscall_desc *d, int fd);
/* A write-family call on a watched kernel file's fd (fake_fds.c): data is what it writes. */
void learn_entry_write(struct task *t, const char *syscall, const char *path, const char *data,
                       size_t len);
/* At the exit stop of a call learn_entry* asked for (t->learn set), with its result. */
void learn_exit(struct learner *l, struct task *t, long result);
/* A pending call that will have no exit stop (the task exec'ed or is gone); c may be NULL. */
void learn_call_free(struct learn_call *c);

#endif
