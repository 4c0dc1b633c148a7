/* The fake store: a private directory that holds the value of every fake file
   and a mirror of every directory that lists fake entries.

   Layout under the store root:
     root/<virtual path>   value files and directory mirrors (e.g. root/proc/sys/kernel/panic)
     runs/<run>/w/<n>      one fresh file per open-for-write; its content is committed
                           to the value file, atomically, after each write(2)
     runs/<run>/tmp/       staging for atomic renames
   Each run holds a lock on its own runs/<run>, so several runs can share a persistent
   store at the same time; the directories of finished runs are removed at open.

   Kernel semantics: every write(2) replaces the whole value, readers never see an
   empty or partial value (values are replaced by rename), and a value written by one
   process is what every later opener sees (the tracer calls store_sync before it
   serves any fake). */
#ifndef FAKESYS_STORE_H
#define FAKESYS_STORE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include "rules.h"

struct store;

/* dir == NULL: a fresh private store under $TMPDIR (or /tmp), removed by store_close.
   dir != NULL: a persistent store; created 0700 if missing; refused if it is a symlink,
   not a directory, not owned by us, or group/world accessible. Values already in a
   persistent store are kept. On error writes a one-line message into err. */
struct store *store_open(const char *dir, const struct ruleset *rs, char *err, size_t errlen);
/* Commits pending writes, then removes a private store. */
void store_close(struct store *s);

const char *store_root(const struct store *s); /* absolute path of root/ */

/* Commit every write the tracees made so far. Cheap when nothing is pending. */
void store_sync(struct store *s);

/* Where a reader (open O_RDONLY, stat, access, readlink) of a fake file goes.
   Returns false when the real file must be served (POLICY_REAL_FIRST, real file readable,
   never written). Otherwise *path is the value file; it is stable for the whole run.
   pid is the tracee: a rule path under /proc/self is checked against /proc/<pid>. */
bool store_read_target(struct store *s, pid_t pid, const struct rule *r, const char **path);

/* A fresh writer file for one open-for-write of r. With prefill (O_RDWR without O_TRUNC)
   it starts with the current value. Writes the absolute path into path[PATH_MAX].
   Returns 0, or -1 with errno set. */
int store_new_writer(struct store *s, const struct rule *r, bool prefill, char path[PATH_MAX]);

/* Where an opener of virtual directory d goes. Returns false when the real directory
   already lists every fake child (serve it untouched). Otherwise refreshes the mirror
   (placeholders for real entries, so a listing shows the union) and sets *path to the
   mirror, which is stable for the whole run. pid as for store_read_target. */
bool store_dir_target(struct store *s, pid_t pid, const struct vdir *d, const char **path);

/* If path lies inside root/, write the virtual path it stands for into virt and return
   true (used to resolve paths relative to an fd or cwd that points into a mirror). */
bool store_to_virtual(const struct store *s, const char *path, char virt[PATH_MAX]);

#endif
