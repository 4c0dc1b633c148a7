/* Path resolution as the kernel walks a path, without touching the tracee: join with a base
   directory, fold ".", "..", "//" and trailing slashes, and follow every link fakesys knows
   about (procfs_alias.h) where the kernel would follow it, so that ".." after a link climbs
   from where the link leads. The result is the one canonical spelling rules are matched
   against. Other symbolic links are not followed (paths are otherwise lexical). */
#ifndef FAKESYS_PATH_H
#define FAKESYS_PATH_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include "procfs_alias.h"

struct resolved {
	char path[PATH_MAX];
	bool must_be_dir; /* the caller wrote a trailing "/" (or "/." or "/..") */
};

/* base: the canonical absolute directory a relative path starts from, as task t names it
   (ignored for absolute paths). follow_last: the call follows a symbolic link in the last
   component (open without O_NOFOLLOW, stat; not lstat or readlink).
   Returns 0, or -errno when the path cannot be resolved: ENAMETOOLONG (longer than
   PATH_MAX at some step), ELOOP (more than 40 links), or read_magic's error. The caller
   then does not know which file the kernel will reach. */
int path_resolve(const struct alias_task *t, const char *base, const char *path, bool follow_last,
                 struct resolved *out);

#endif
