/* Reading /proc/PID/mountinfo: which mount holds a path. */
#ifndef FAKESYS_MOUNTINFO_H
#define FAKESYS_MOUNTINFO_H

#include <limits.h>
#include <stdbool.h>

/* The text of a mountinfo file (at most 1 MiB), or NULL with errno set; valid until
   the next call (one buffer, grown to fit: fsutil.h says why). */
const char *mountinfo_read(const char *file);

struct mount_entry {
	int id;
	char point[PATH_MAX];
	char fstype[64];
};

/* The mount of mountinfo (its text) that holds path: the last line whose mount point is
   path or one of its ancestors (a later mount hides an earlier one). false if none. */
bool mount_holding(const char *mountinfo, const char *path, struct mount_entry *m);
/* Whether path is exactly a mount point of mountinfo (NULL: unknown, false), the mount
   that holds it, in m, being at path. */
bool mount_point_is(const char *mountinfo, const char *path, struct mount_entry *m);
/* Whether some mount point of mountinfo lies strictly beneath path (a submount that a
   recursive bind of path would carry along). */
bool mount_beneath(const char *mountinfo, const char *path);
/* Whether some mount of mountinfo has peers or a master (a "shared:" or "master:" tag). */
bool mount_any_propagation(const char *mountinfo);

#endif
