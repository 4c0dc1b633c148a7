/* Lexical path resolution, as the kernel would see the path, without touching the
   tracee: join with a base directory, fold ".", "..", "//" and trailing slashes, and
   give /proc/self, /proc/thread-self and /proc/<own pid> one canonical spelling. */
#ifndef FAKESYS_PATH_H
#define FAKESYS_PATH_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct resolved {
	char path[PATH_MAX];
	bool must_be_dir; /* the caller wrote a trailing "/" (or "/." or "/..") */
};

/* base: the absolute directory a relative path starts from (ignored for absolute
   paths). Returns -1 if the result would not fit in PATH_MAX. */
int path_resolve(const char *base, const char *path, pid_t tgid, pid_t tid, struct resolved *out);

#endif
