#include <stddef.h>
#include <sys/syscall.h>
#include "syscalls.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif

struct syscall_entry {
	long nr;
	struct syscall_desc desc;
};

/* Syscalls that only exist on older ABIs (open, stat, ...) are guarded so that a
   new architecture only has to provide <sys/syscall.h>. */
static const struct syscall_entry table[] = {
#ifdef SYS_open
	{ SYS_open,       { "open",       -1, 0, 1, FLAGS_OPEN,     ACCESS_OPEN, STAT_NONE, -1 } },
#endif
#ifdef SYS_creat
	{ SYS_creat,      { "creat",      -1, 0, -1, FLAGS_NONE,    ACCESS_CREAT, STAT_NONE, -1 } },
#endif
#ifdef SYS_stat
	{ SYS_stat,       { "stat",       -1, 0, -1, FLAGS_NONE,    ACCESS_INSPECT, STAT_STAT, 1 } },
#endif
#ifdef SYS_lstat
	{ SYS_lstat,      { "lstat",      -1, 0, -1, FLAGS_NONE,    ACCESS_INSPECT, STAT_STAT, 1 } },
#endif
#ifdef SYS_access
	{ SYS_access,     { "access",     -1, 0, -1, FLAGS_NONE,    ACCESS_INSPECT, STAT_NONE, -1 } },
#endif
#ifdef SYS_readlink
	{ SYS_readlink,   { "readlink",   -1, 0, -1, FLAGS_NONE,    ACCESS_INSPECT, STAT_NONE, -1 } },
#endif
	{ SYS_openat,     { "openat",      0, 1, 2, FLAGS_OPEN,     ACCESS_OPEN, STAT_NONE, -1 } },
	{ SYS_openat2,    { "openat2",     0, 1, 2, FLAGS_OPEN_HOW, ACCESS_OPEN, STAT_NONE, -1 } },
	{ SYS_newfstatat, { "newfstatat",  0, 1, 3, FLAGS_AT,       ACCESS_INSPECT, STAT_STAT, 2 } },
	{ SYS_statx,      { "statx",       0, 1, 2, FLAGS_AT,       ACCESS_INSPECT, STAT_STATX, 4 } },
	{ SYS_faccessat,  { "faccessat",   0, 1, -1, FLAGS_NONE,    ACCESS_INSPECT, STAT_NONE, -1 } },
	{ SYS_faccessat2, { "faccessat2",  0, 1, 3, FLAGS_AT,       ACCESS_INSPECT, STAT_NONE, -1 } },
	{ SYS_readlinkat, { "readlinkat",  0, 1, -1, FLAGS_NONE,    ACCESS_INSPECT, STAT_NONE, -1 } },
	{ SYS_truncate,   { "truncate",   -1, 0, -1, FLAGS_NONE,    ACCESS_TRUNCATE, STAT_NONE, -1 } },
	{ SYS_chdir,      { "chdir",      -1, 0, -1, FLAGS_NONE,    ACCESS_CHDIR, STAT_NONE, -1 } },
	{ SYS_fchdir,     { "fchdir",     -1, -1, -1, FLAGS_NONE,   ACCESS_FCHDIR, STAT_NONE, -1 } },
	{ SYS_getcwd,     { "getcwd",     -1, -1, -1, FLAGS_NONE,   ACCESS_GETCWD, STAT_NONE, -1 } },
};

#define NENTRIES (sizeof table / sizeof table[0])

const struct syscall_desc *syscall_lookup(long nr)
{
	/* Seventeen entries: a linear scan is as fast as any index. */
	for (size_t i = 0; i < NENTRIES; i++)
		if (table[i].nr == nr)
			return &table[i].desc;
	return NULL;
}

const long *syscall_traced(int *count)
{
	static long nrs[NENTRIES];
	for (size_t i = 0; i < NENTRIES; i++)
		nrs[i] = table[i].nr;
	*count = (int)NENTRIES;
	return nrs;
}
