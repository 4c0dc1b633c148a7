/* Every other name of a /proc file, in one place.

   The kernel gives many files more than one name:
     symbolic links   /proc/self -> <tgid>, /proc/thread-self -> <tgid>/task/<tid>,
                      /proc/mounts -> self/mounts, /proc/net -> self/net,
                      /dev/fd -> /proc/self/fd, /dev/stdin, stdout, stderr -> /proc/self/fd/0, 1, 2
     magic links      /proc/<pid>/fd/<n>, /proc/<pid>/cwd, /proc/<pid>/root, and the same
                      under /proc/<pid>/task/<tid>/: they jump to an open file or directory
     task dirs        /proc/<tgid>/task/<tid>/X is the process's /proc/<tgid>/X as far as a
                      fake is concerned
   Rules name a process's own files /proc/self/... . path_resolve (path.c) walks a path one
   component at a time, as the kernel does, and asks alias_at() about every prefix it
   follows; alias_fold() then gives the result its one spelling. Together they turn any
   spelling into one canonical path, or say "unknown" (an errno). */
#ifndef FAKESYS_PROCFS_ALIAS_H
#define FAKESYS_PROCFS_ALIAS_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

/* What a magic link points to, as read_magic reports it. */
enum magic_target {
	MAGIC_PATH = 0, /* target holds the file or directory, as the task names it */
	MAGIC_OBJECT,   /* a pipe, socket or other object: no directory, and never a fake */
};

/* The task a path is resolved for. */
struct alias_task {
	pid_t tgid, tid; /* as fakesys sees them */
	/* Reads the magic link `link` (a /proc path fakesys itself can read, e.g. /proc/42/fd/3)
	   into target. Returns a magic_target, or -errno if the link cannot be resolved
	   (missing, unreadable, or pointing outside the task's root). Called only for paths
	   that go through a magic link; NULL means no magic link can be resolved. */
	int (*read_magic)(void *arg, const char *link, char target[PATH_MAX]);
	/* Reads an ordinary name outside /proc (as the task names it) if it is a symbolic
	   link: ALIAS_LINK with its text in target, ALIAS_NONE if it is none (or missing),
	   or -errno if fakesys cannot tell. NULL: ordinary names are taken as they are, which
	   costs nothing; set only for calls that change files (redirect.c). */
	int (*read_link)(void *arg, const char *path, char target[PATH_MAX]);
	void *arg;
};

enum alias_kind {
	ALIAS_NONE,   /* an ordinary name */
	ALIAS_LINK,   /* a symbolic link: target is its text, walked from the link's directory */
	ALIAS_JUMP,   /* a magic link: target is the canonical path it points to */
	ALIAS_OBJECT, /* a magic link to an object that has no path (pipe:[...]) */
};

/* Is the canonical absolute path (pids as fakesys sees them) a link the kernel would
   follow? Returns an alias_kind, or -errno from read_magic or read_link. Costs a few byte
   compares for every path, a tracer call (read_magic) for a magic link, and one
   (read_link) for each ordinary name when read_link is set. */
int alias_at(const struct alias_task *t, const char *path, char target[PATH_MAX]);

/* Gives a resolved path its one spelling, in place: /proc/<tgid> and /proc/<tid> become
   /proc/self, and /proc/self/task/<n> becomes /proc/self. Returns -1 if it would not fit. */
int alias_fold(char path[PATH_MAX], pid_t tgid, pid_t tid);

/* The inverse, for fakesys itself to open the real file behind a rule path on behalf of
   process tgid: /proc/self becomes /proc/<tgid>. */
void alias_real_path(const char *path, pid_t tgid, char out[PATH_MAX]);

/* For profiles: true if the absolute, lexically canonical path is the one spelling that
   rules are matched against. Otherwise writes why not into why. */
bool alias_rule_spelling(const char *path, char *why, size_t whylen);

#endif
