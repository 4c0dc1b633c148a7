/* The read-only mount points of the readonly-binds fix-up (fixups.h), as fakesys names
   them (redirect_sandbox_path): which recorded point holds a path. Pure: no syscalls. */
#ifndef FAKESYS_READONLY_POINTS_H
#define FAKESYS_READONLY_POINTS_H

#include <stdbool.h>
#include <stddef.h>

struct readonly_points {
	char **points;
	size_t count, capacity;
};

/* Whether the canonical path is point or lies beneath it ("/a/b" is beneath "/a", "/ab"
   is not; every path is beneath "/"). */
bool path_at_or_beneath(const char *path, const char *point);
/* Records point (once). */
void readonly_points_add(struct readonly_points *s, const char *point);
/* Drops point, and with beneath every point beneath it too (an unmount takes the mounts
   beneath along). */
void readonly_points_drop(struct readonly_points *s, const char *point, bool beneath);
/* The innermost recorded point that path is at or beneath, or NULL. */
const char *readonly_points_holding(const struct readonly_points *s, const char *path);

#endif
