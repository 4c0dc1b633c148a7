/* Providers: each kind of fake behind one small interface. The interception code asks
   the provider of a matched rule where a reader goes, what one write(2) does, what
   stat(2) and statfs(2) say, and (for trees) what mkdir and rmdir do; it knows nothing
   of the kinds themselves. The store (store.h) is the engine they share.

   Kinds so far:
     value       (provider_value.c)      a value in the store: sysctl keys, `file` rules
     real-first  (provider_real_first.c) the real file while it is readable and unwritten
     mirror      (provider_mirror.c)     a directory listing the union of real and fake
     generated   (provider_generated.c)  a file made for each opener: /proc/self/cgroup,
                                         mountinfo, machine files
     cgroup      (provider_cgroup.c)     a cgroup v1 tree with child cgroups
   To add a kind: write provider_<kind>.c with a `const struct provider`, and choose it in
   provider_of (provider.c) from what the rule says. */
#ifndef FAKESYS_PROVIDER_H
#define FAKESYS_PROVIDER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include "rules.h"
#include "store.h"

/* One fake as a call names it: the rule that matched, the canonical path (the rule's
   own, or one below a tree rule) and the process that asks. */
struct fake {
	const struct rule *rule;
	const char *path;
	pid_t pid;
};

struct provider {
	const char *name;
	/* Where an open for reading, access, readlink, chdir or inotify_add_watch of f goes.
	   Returns 1 with *target set (*stable: the same string, with the same meaning, for
	   the whole run), 0 to serve the real file untouched, or -errno to fail the call. */
	int (*read_target)(struct store *s, const struct fake *f, const char **target, bool *stable);
	/* Optional: whether f may be opened for writing with flags (O_*). 0 or -errno. */
	int (*open_write)(struct store *s, const struct fake *f, int flags);
	/* One write(2) of data at file offset off. Returns 0 (done, or ignored as the kernel
	   ignores it), or -errno for the tracee (ENOSPC: the store is full; EINVAL: a value
	   the kernel refuses). */
	int (*write)(struct store *s, const struct fake *f, const char *data, size_t len, long long off);
	/* What stat(2) of f says: what procfs, sysfs or cgroupfs would. 0 or -errno. */
	int (*stat)(struct store *s, const struct fake *f, struct stat *st);
	/* Trees only (NULL otherwise): mkdir(2) and rmdir(2) of a path below the tree. */
	int (*mkdir)(struct store *s, const struct fake *f, mode_t mode);
	int (*rmdir)(struct store *s, const struct fake *f);
	/* Optional: called once before the traced program starts. 0, or -1 with a one-line
	   message in err. */
	int (*setup)(struct store *s, const struct rule *r, char *err, size_t errlen);
};

const struct provider *provider_of(const struct rule *r);
/* Runs every rule's setup. 0, or -1 with a message in err. */
int providers_setup(struct store *s, const struct ruleset *rs, char *err, size_t errlen);
/* What statfs(2) says of a fake path: the filesystem it stands in for (f_type
   PROC_SUPER_MAGIC under /proc, SYSFS_MAGIC under /sys, CGROUP_SUPER_MAGIC inside a
   cgroup tree, TMPFS_MAGIC at a tree's root, as a cgroup v1 /sys/fs/cgroup is). */
void provider_statfs(const struct match *m, const char *path, struct statfs *sf);

/* Directories with fake entries (provider_mirror.c). Where an opener of virtual
   directory d goes: 0 when the real directory already lists every fake child;
   otherwise 1 with *path d's mirror, refreshed to show the union, or -errno if the
   mirror cannot be made. */
int mirror_target(struct store *s, const struct vdir *d, pid_t pid, const char **path);

/* The value provider's stat and write, which real-first shares, and procfs's answer to
   stat of a file on the filesystem at path (/proc or /sys), from a store file's st. */
int value_stat(struct store *s, const struct fake *f, struct stat *st);
int value_write(struct store *s, const struct fake *f, const char *data, size_t len, long long off);
int value_open_write(struct store *s, const struct fake *f, int flags);
void procfs_file_stat(const char *path, struct stat *st);

/* An open for writing of a file the kernel has no write handler for (mode 0444): it
   succeeds for root (CAP_DAC_OVERRIDE; each write then fails with EINVAL) and fails with
   EACCES for anyone else. pid is the opener. */
int readonly_open_write(pid_t pid);

/* provider_generated.c: the generator names a `generated` rule may use. */
#define GENERATOR_NAMES "cgroup, mountinfo, mounts, diskstats, block, boot_id, product_uuid, topology, proc_version"
bool generator_known(const char *name);

#endif
