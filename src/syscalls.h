/* The path syscalls fakesys intercepts, described as data: which argument holds the
   dirfd, the path and the flags, and what kind of access the call makes. */
#ifndef FAKESYS_SYSCALLS_H
#define FAKESYS_SYSCALLS_H

#include <stdbool.h>

enum access_kind {
	ACCESS_OPEN,     /* open-like: flags decide read or write */
	ACCESS_CREAT,    /* creat(2): always a write */
	ACCESS_INSPECT,  /* stat, access, readlink: reads metadata only */
	ACCESS_CHDIR,    /* chdir(2) */
	ACCESS_FCHDIR,   /* fchdir(2): no path, but the cwd changes */
	ACCESS_GETCWD,   /* getcwd(2): must not reveal a store mirror */
	ACCESS_TRUNCATE, /* truncate(2): a write that must never reach the kernel file */
};

enum flags_where {
	FLAGS_NONE,
	FLAGS_OPEN,      /* O_* flags in an argument */
	FLAGS_OPEN_HOW,  /* O_* flags in struct open_how (openat2) */
	FLAGS_AT,        /* AT_* flags in an argument */
};

/* The output a stat-like call fills, which fakesys fills itself for a fake. */
enum stat_kind {
	STAT_NONE,
	STAT_STAT,   /* struct stat */
	STAT_STATX,  /* struct statx */
};

struct syscall_desc {
	const char *name;
	int dirfd_arg;           /* -1: relative paths use the cwd */
	int path_arg;            /* -1: none (fchdir) */
	int flags_arg;           /* -1: none */
	enum flags_where flags_where;
	enum access_kind access;
	enum stat_kind stat_kind;
	int stat_arg;            /* the output buffer of a stat-like call */
};

/* NULL if nr is not a path syscall fakesys handles. */
const struct syscall_desc *syscall_lookup(long nr);
/* The syscall numbers to trace, for the seccomp filter. */
const long *syscall_traced(int *count);

#endif
