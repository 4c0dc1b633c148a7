/* Providers: each kind of fake behind one small interface. The interception code asks
   the provider of a matched rule where a reader goes, what one write(2) does and what
   stat(2) says; it knows nothing of the kinds themselves. The store (store.h) is the
   engine they share.

   Kinds so far:
     value       (provider_value.c)      a value in the store: sysctl keys, `file` rules
     real-first  (provider_real_first.c) the real file while it is readable and unwritten
     mirror      (provider_mirror.c)     a directory listing the union of real and fake
   To add a kind: write provider_<kind>.c with a `const struct provider`, and choose it in
   provider_of (provider.c) from what the rule says. */
#ifndef FAKESYS_PROVIDER_H
#define FAKESYS_PROVIDER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include "rules.h"
#include "store.h"

struct provider {
	const char *name;
	/* Where an open for reading, stat, access, readlink or chdir of r by process pid
	   goes: *path is stable for the whole run. false: serve the real file untouched. */
	bool (*read_target)(struct store *s, const struct rule *r, pid_t pid, const char **path);
	/* One write(2) of data at file offset 0, which replaces the value as the kernel
	   does. Returns 0, or -errno for the tracee (ENOSPC: the store is full). */
	int (*write)(struct store *s, const struct rule *r, const char *data, size_t len);
	/* What stat(2) of r says: what procfs or sysfs would (a regular file of size 0). */
	int (*stat)(struct store *s, const struct rule *r, struct stat *st);
};

const struct provider *provider_of(const struct rule *r);

/* Directories with fake entries (provider_mirror.c). Where an opener of virtual
   directory d goes: false when the real directory already lists every fake child;
   otherwise *path is d's mirror, refreshed to show the union. */
bool mirror_target(struct store *s, const struct vdir *d, pid_t pid, const char **path);

/* The value provider's stat and write, which real-first shares. */
int value_stat(struct store *s, const struct rule *r, struct stat *st);
int value_write(struct store *s, const struct rule *r, const char *data, size_t len);

#endif
