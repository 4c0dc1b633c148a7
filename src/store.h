/* The fake store: a private directory that holds the value of every fake file and a
   mirror of every directory that lists fake entries. This is the engine the providers
   (provider.h) build on; it knows nothing of how a kind of fake behaves.

   Layout under the store directory:
     root/<virtual path>    value files and directory mirrors (root/proc/sys/kernel/panic)
     origin/<virtual path>  the profile value each value file was seeded from
     written/<virtual path> present once a tracee has written the value
     runs/<run>/            one per live run, locked by it; it stages atomic renames, and
                            its gen/ holds the files generated for each opener
   A private store has one run, its creator: the store directory itself is the run's
   (locked, staging, gen/), there is no written/ (the run's memory says what was
   written), and origin/ holds only the instances. origin/ and gen/ are made at their
   first use.

   Guarantees: a value is only ever replaced by renaming a complete file over it, so a
   reader never sees an empty or partial value; a value written by one run is what every
   later open sees, in this run and in any other run sharing the store.

   Instances: a pattern rule (rules.h) is a fake at every path it matches, each with a
   value of its own in root/<path>, seeded at its first use (store_instance) as a profile
   rule is at open; an instance's origin/ entry says that it exists, so every run sharing
   the store lists the instances of all of them.

   Precedence in a persistent store: a value persists until the profile's value for it
   changes. At open, a rule whose profile value (or -s value) differs from the one its
   value was seeded from is seeded anew; otherwise the stored value, perhaps written by
   an earlier run, is kept. */
#ifndef FAKESYS_STORE_H
#define FAKESYS_STORE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>
#include "rules.h"

/* Largest value the store keeps: a longer write keeps its first STORE_VALUE_MAX bytes. */
#define STORE_VALUE_MAX (1 << 20)

struct store;

/* dir == NULL: a fresh private store under $TMPDIR (or /tmp), removed by store_close,
   made at its first use (a run that uses no fake makes none); private stores left by
   runs that were killed are removed first. Where it cannot be made, that first use
   fails with the errno, and a message says why.
   dir != NULL: a persistent store; created 0700 if missing; refused if it is a symlink,
   not a directory, not owned by us, or group/world accessible.
   On error writes a one-line message into err. */
struct store *store_open(const char *dir, const struct ruleset *rs, char *err, size_t errlen);
/* Ends the store's setup (store_open, then providers_setup): tracees run from now on. */
void store_ready(struct store *s);
/* Removes a private store (a persistent one only loses this run's directory). */
void store_close(struct store *s);

/* The value file of a RULE_FILE rule: an absolute path, stable for the whole run. A
   private store makes it at its first use: NULL with errno set if it cannot. */
const char *store_value_path(struct store *s, const struct rule *r);
/* Replaces r's value by data. Returns 0 or -errno (ENOSPC when the store is full). */
int store_replace_value(struct store *s, const struct rule *r, const char *data, size_t len);
/* Whether a tracee of any run sharing the store has written r. */
bool store_was_written(struct store *s, const struct rule *r);
/* fstat of r's value file. 0 or -errno. */
int store_stat_value(struct store *s, const struct rule *r, struct stat *st);

/* The instance of pattern rule p at the concrete path that matches it: a rule with path's
   own value, made and seeded at the first call, under an flock of origin/ (another run
   sharing the store may be seeding it, or writing it, at the same time). Stable for the
   run. NULL with errno set if the store cannot seed it. */
const struct rule *store_instance(struct store *s, const struct rule *p, const char *path);
/* The instance of pattern vdir p at path, with the children of every pattern vdir that
   matches path. NULL with errno set if the store cannot record it. */
const struct vdir *store_instance_dir(struct store *s, const struct vdir *p, const char *path);
/* A directory fd whose entries name the instances in directory dir that the runs sharing
   the store made (and the values and directories of profile rules there), or -1. */
int store_open_instances(struct store *s, const char *dir);

/* The mirror of virtual directory d (absolute, stable; NULL with errno set if it cannot be
   made), and a directory fd of it (-1 with errno set). Made at its first use in a private
   store, with the fake children its listing shows. */
const char *store_mirror_path(struct store *s, const struct vdir *d);
int store_open_mirror(struct store *s, const struct vdir *d);
/* One byte per mirror that its provider keeps for the whole run (0 at open). */
unsigned char *store_mirror_state(struct store *s, const struct vdir *d);
const struct ruleset *store_rules(const struct store *s);

/* Files and directories at any virtual path, for providers whose fakes are not one file
   per rule (trees, generated files). store_put replaces root/<vpath> atomically, making
   its directories; store_open_dir opens root/<vpath> (made if create), never through a
   symlink; store_path names root/<vpath> ("" if the store cannot be made). */
int store_put(struct store *s, const char *vpath, const char *data, size_t len);
int store_open_dir(struct store *s, const char *vpath, bool create);
void store_path(struct store *s, const char *vpath, char out[PATH_MAX]);
/* The store directory: every path a call is redirected to lies beneath it. NULL if it
   cannot be made. */
const char *store_dir(struct store *s);
/* Replaces this run's generated file vpath for process pid by data and names it in out.
   Generated files live in the run's own directory (gen/<pid>/<vpath>), so no other run
   sees them. */
int store_put_generated(struct store *s, const char *vpath, pid_t pid, const char *data, size_t len,
                        char out[PATH_MAX]);

/* If path lies inside root/, writes the virtual path it stands for into virt and
   returns true (a cwd or fd that points into a mirror stands for the virtual dir). A
   generated file stands for its path, with /proc/self as /proc/<pid> of its process. */
bool store_to_virtual(const struct store *s, const char *path, char virt[PATH_MAX]);

#endif
