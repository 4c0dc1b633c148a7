#include <fcntl.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/prctl.h>
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
   new architecture only has to provide <sys/syscall.h>. Columns: dirfd, path and flags
   arguments, where the flags are, the access, "never follows a last link", fs change,
   what a stat-like call fills, its data argument, flags that must be present, the rule
   sets that need it traced, and its readonly check. */
#define F false
#define T true
static const struct syscall_entry table[] = {
#ifdef SYS_open
	{ SYS_open,       { "open",       -1,  0,  1, FLAGS_OPEN,     ACCESS_OPEN,     F, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_OPEN } },
#endif
#ifdef SYS_creat
	{ SYS_creat,      { "creat",      -1,  0, -1, FLAGS_NONE,     ACCESS_CREAT,    F, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_OPEN } },
#endif
#ifdef SYS_stat
	{ SYS_stat,       { "stat",       -1,  0, -1, FLAGS_NONE,     ACCESS_INSPECT,  F, FS_KEEP, STAT_STAT, 1, 0, FOR_ALL, RO_NONE } },
#endif
#ifdef SYS_lstat
	{ SYS_lstat,      { "lstat",      -1,  0, -1, FLAGS_NONE,     ACCESS_INSPECT,  T, FS_KEEP, STAT_STAT, 1, 0, FOR_ALL, RO_NONE } },
#endif
#ifdef SYS_access
	{ SYS_access,     { "access",     -1,  0, -1, FLAGS_NONE,     ACCESS_INSPECT,  F, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_ACCESS } },
#endif
#ifdef SYS_readlink
	{ SYS_readlink,   { "readlink",   -1,  0, -1, FLAGS_NONE,     ACCESS_INSPECT,  T, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_NONE } },
#endif
	{ SYS_openat,     { "openat",      0,  1,  2, FLAGS_OPEN,     ACCESS_OPEN,     F, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_OPEN } },
	{ SYS_openat2,    { "openat2",     0,  1,  2, FLAGS_OPEN_HOW, ACCESS_OPEN,     F, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_OPEN } },
	{ SYS_newfstatat, { "newfstatat",  0,  1,  3, FLAGS_AT,       ACCESS_INSPECT,  F, FS_KEEP, STAT_STAT, 2, 0, FOR_ALL, RO_NONE } },
	{ SYS_statx,      { "statx",       0,  1,  2, FLAGS_AT,       ACCESS_INSPECT,  F, FS_KEEP, STAT_STATX, 4, 0, FOR_ALL, RO_NONE } },
	{ SYS_faccessat,  { "faccessat",   0,  1, -1, FLAGS_NONE,     ACCESS_INSPECT,  F, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_ACCESS } },
	{ SYS_faccessat2, { "faccessat2",  0,  1,  3, FLAGS_AT,       ACCESS_INSPECT,  F, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_ACCESS } },
	{ SYS_readlinkat, { "readlinkat",  0,  1, -1, FLAGS_NONE,     ACCESS_INSPECT,  T, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_NONE } },
	/* ls -l asks for each file's ACL and security label; untraced, a fake the sandbox
	   lacks would answer ENOENT (and ls print an error). */
	{ SYS_getxattr,   { "getxattr",   -1,  0, -1, FLAGS_NONE,     ACCESS_INSPECT,  F, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_NONE } },
	{ SYS_lgetxattr,  { "lgetxattr",  -1,  0, -1, FLAGS_NONE,     ACCESS_INSPECT,  T, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_NONE } },
	{ SYS_listxattr,  { "listxattr",  -1,  0, -1, FLAGS_NONE,     ACCESS_INSPECT,  F, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_NONE } },
	{ SYS_llistxattr, { "llistxattr", -1,  0, -1, FLAGS_NONE,     ACCESS_INSPECT,  T, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_NONE } },
	{ SYS_truncate,   { "truncate",   -1,  0, -1, FLAGS_NONE,     ACCESS_TRUNCATE, F, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_FILE } },
	/* A cgroup tree: child cgroups, and the checks runc's libcontainer makes. */
	{ SYS_mkdir,      { "mkdir",      -1,  0, -1, FLAGS_NONE,     ACCESS_MKDIR,    F, FS_KEEP, STAT_NONE, 1, 0, FOR_TREES, RO_CREATE } },
	{ SYS_mkdirat,    { "mkdirat",     0,  1, -1, FLAGS_NONE,     ACCESS_MKDIR,    F, FS_KEEP, STAT_NONE, 2, 0, FOR_TREES, RO_CREATE } },
	{ SYS_rmdir,      { "rmdir",      -1,  0, -1, FLAGS_NONE,     ACCESS_RMDIR,    T, FS_KEEP, STAT_NONE, -1, 0, FOR_TREES, RO_REMOVE } },
	{ SYS_unlinkat,   { "unlinkat",    0,  1,  2, FLAGS_AT,       ACCESS_RMDIR,    T, FS_KEEP, STAT_NONE, -1, AT_REMOVEDIR, FOR_TREES, RO_REMOVE } },
	{ SYS_statfs,     { "statfs",     -1,  0, -1, FLAGS_NONE,     ACCESS_INSPECT,  F, FS_KEEP, STAT_STATFS, 1, 0, FOR_STATFS, RO_STATFS } },
	{ SYS_fstatfs,    { "fstatfs",     0, -1, -1, FLAGS_NONE,     ACCESS_FD,       F, FS_KEEP, STAT_STATFS, 1, 0, FOR_STATFS, RO_STATFS } },
	{ SYS_fstat,      { "fstat",       0, -1, -1, FLAGS_NONE,     ACCESS_FD,       F, FS_KEEP, STAT_STAT, 1, 0, FOR_TREES, RO_NONE } },
	{ SYS_inotify_add_watch, { "inotify_add_watch", -1, 1, -1, FLAGS_NONE, ACCESS_INSPECT, F, FS_KEEP, STAT_NONE, -1, 0, FOR_TREES, RO_NONE } },
	{ SYS_uname,      { "uname",      -1, -1, -1, FLAGS_NONE,     ACCESS_UNAME,    F, FS_KEEP, STAT_NONE, 0, 0, FOR_UNAME, RO_NONE } },
	{ SYS_chdir,      { "chdir",      -1,  0, -1, FLAGS_NONE,     ACCESS_CHDIR,    F, FS_CWD, STAT_NONE, -1, 0, FOR_ALL, RO_NONE } },
	{ SYS_fchdir,     { "fchdir",     -1, -1, -1, FLAGS_NONE,     ACCESS_NONE,     F, FS_CWD, STAT_NONE, -1, 0, FOR_ALL, RO_NONE } },
	{ SYS_getcwd,     { "getcwd",     -1, -1, -1, FLAGS_NONE,     ACCESS_GETCWD,   F, FS_KEEP, STAT_NONE, -1, 0, FOR_ALL, RO_NONE } },
	/* Rare calls, traced only to keep the cached cwd and root true. */
	{ SYS_chroot,     { "chroot",     -1, -1, -1, FLAGS_NONE,     ACCESS_NONE,     F, FS_ROOT, STAT_NONE, -1, 0, FOR_ALL, RO_NONE } },
	{ SYS_setns,      { "setns",      -1, -1, -1, FLAGS_NONE,     ACCESS_NONE,     F, FS_ROOT, STAT_NONE, -1, 0, FOR_ALL, RO_NONE } },
	{ SYS_pivot_root, { "pivot_root", -1, -1, -1, FLAGS_NONE,     ACCESS_PIVOT,    F, FS_ALL, STAT_NONE, -1, 0, FOR_ALL, RO_NONE } },
	{ SYS_unshare,    { "unshare",    -1, -1,  0, FLAGS_CLONE,    ACCESS_NONE,     F, FS_UNSHARE, STAT_NONE, -1, 0, FOR_ALL, RO_NONE } },
	/* An emulated child subreaper and the waits for its adopted orphans. */
	/* prctl only when its option holds PR_SET_CHILD_SUBREAPER's bits (36 = 0x24: 36 to 39
	   and a few more), so runc's dozens of PR_CAPBSET_DROP do not stop. */
	{ SYS_prctl,      { "prctl",      -1, -1,  0, FLAGS_NONE,     ACCESS_CHILDREN, F, FS_KEEP, STAT_NONE, -1, PR_SET_CHILD_SUBREAPER, FOR_SUBREAPER, RO_NONE } },
	{ SYS_mount,      { "mount",      -1,  1,  3, FLAGS_NONE,     ACCESS_MOUNT,    F, FS_KEEP, STAT_NONE, 0, 0, FOR_MOUNT, RO_NONE } },
	{ SYS_fchown,     { "fchown",      0, -1, -1, FLAGS_NONE,     ACCESS_CHOWN,    F, FS_KEEP, STAT_NONE, -1, 0, FOR_PIPE_CHOWN, RO_FD } },
	{ SYS_keyctl,     { "keyctl",     -1, -1, -1, FLAGS_NONE,     ACCESS_KEYS,     F, FS_KEEP, STAT_NONE, -1, 0, FOR_KEYS, RO_NONE } },
	{ SYS_add_key,    { "add_key",    -1, -1, -1, FLAGS_NONE,     ACCESS_KEYS,     F, FS_KEEP, STAT_NONE, -1, 0, FOR_KEYS, RO_NONE } },
	{ SYS_request_key, { "request_key", -1, -1, -1, FLAGS_NONE,   ACCESS_KEYS,     F, FS_KEEP, STAT_NONE, -1, 0, FOR_KEYS, RO_NONE } },
	/* Changes beneath a read-only point, for the readonly-binds fix-up. */
#ifdef SYS_unlink
	{ SYS_unlink,     { "unlink",     -1,  0, -1, FLAGS_NONE,     ACCESS_READONLY, T, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_REMOVE } },
#endif
#ifdef SYS_rename
	{ SYS_rename,     { "rename",     -1,  0, -1, FLAGS_NONE,     ACCESS_READONLY, T, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_RENAME } },
#endif
	{ SYS_renameat,   { "renameat",    0,  1, -1, FLAGS_NONE,     ACCESS_READONLY, T, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_RENAME } },
	{ SYS_renameat2,  { "renameat2",   0,  1, -1, FLAGS_NONE,     ACCESS_READONLY, T, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_RENAME } },
#ifdef SYS_link
	{ SYS_link,       { "link",       -1,  0, -1, FLAGS_NONE,     ACCESS_READONLY, T, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_LINK } },
#endif
	{ SYS_linkat,     { "linkat",      0,  1,  4, FLAGS_AT,       ACCESS_READONLY, T, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_LINK } },
#ifdef SYS_symlink
	{ SYS_symlink,    { "symlink",    -1,  1, -1, FLAGS_NONE,     ACCESS_READONLY, T, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_CREATE } },
#endif
	{ SYS_symlinkat,  { "symlinkat",   1,  2, -1, FLAGS_NONE,     ACCESS_READONLY, T, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_CREATE } },
#ifdef SYS_mknod
	{ SYS_mknod,      { "mknod",      -1,  0, -1, FLAGS_NONE,     ACCESS_READONLY, T, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_CREATE } },
#endif
	{ SYS_mknodat,    { "mknodat",     0,  1, -1, FLAGS_NONE,     ACCESS_READONLY, T, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_CREATE } },
#ifdef SYS_chmod
	{ SYS_chmod,      { "chmod",      -1,  0, -1, FLAGS_NONE,     ACCESS_READONLY, F, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FILE } },
#endif
	{ SYS_fchmodat,   { "fchmodat",    0,  1, -1, FLAGS_NONE,     ACCESS_READONLY, F, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FILE } },
#ifdef SYS_chown
	{ SYS_chown,      { "chown",      -1,  0, -1, FLAGS_NONE,     ACCESS_READONLY, F, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FILE } },
#endif
#ifdef SYS_lchown
	{ SYS_lchown,     { "lchown",     -1,  0, -1, FLAGS_NONE,     ACCESS_READONLY, T, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FILE } },
#endif
	{ SYS_fchownat,   { "fchownat",    0,  1,  4, FLAGS_AT,       ACCESS_READONLY, F, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FILE } },
#ifdef SYS_utime
	{ SYS_utime,      { "utime",      -1,  0, -1, FLAGS_NONE,     ACCESS_READONLY, F, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FILE } },
#endif
#ifdef SYS_utimes
	{ SYS_utimes,     { "utimes",     -1,  0, -1, FLAGS_NONE,     ACCESS_READONLY, F, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FILE } },
#endif
#ifdef SYS_futimesat
	{ SYS_futimesat,  { "futimesat",   0,  1, -1, FLAGS_NONE,     ACCESS_READONLY, F, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FILE } },
#endif
	{ SYS_utimensat,  { "utimensat",   0,  1,  3, FLAGS_AT,       ACCESS_READONLY, F, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FILE } },
	{ SYS_setxattr,   { "setxattr",   -1,  0, -1, FLAGS_NONE,     ACCESS_READONLY, F, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FILE } },
	{ SYS_lsetxattr,  { "lsetxattr",  -1,  0, -1, FLAGS_NONE,     ACCESS_READONLY, T, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FILE } },
	{ SYS_removexattr, { "removexattr", -1, 0, -1, FLAGS_NONE,    ACCESS_READONLY, F, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FILE } },
	{ SYS_lremovexattr, { "lremovexattr", -1, 0, -1, FLAGS_NONE,  ACCESS_READONLY, T, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FILE } },
	{ SYS_fchmod,     { "fchmod",      0, -1, -1, FLAGS_NONE,     ACCESS_READONLY, F, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FD } },
	{ SYS_fsetxattr,  { "fsetxattr",   0, -1, -1, FLAGS_NONE,     ACCESS_READONLY, F, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FD } },
	{ SYS_fremovexattr, { "fremovexattr", 0, -1, -1, FLAGS_NONE,  ACCESS_READONLY, F, FS_KEEP, STAT_NONE, -1, 0, FOR_READONLY, RO_FD } },
	/* For the mount-ns-teardown and pivot-root-chroot fix-ups too. */
	{ SYS_umount2,    { "umount2",    -1,  0,  1, FLAGS_NONE,     ACCESS_UMOUNT,   F, FS_KEEP, STAT_NONE, -1, 0, FOR_MOUNT, RO_UMOUNT } },
	{ SYS_wait4,      { "wait4",      -1, -1, -1, FLAGS_NONE,     ACCESS_CHILDREN, F, FS_KEEP, STAT_NONE, -1, 0, FOR_SUBREAPER, RO_NONE } },
	{ SYS_waitid,     { "waitid",     -1, -1, -1, FLAGS_NONE,     ACCESS_CHILDREN, F, FS_KEEP, STAT_NONE, -1, 0, FOR_SUBREAPER, RO_NONE } },
};
#undef F
#undef T

#define NENTRIES (sizeof table / sizeof table[0])
_Static_assert(NENTRIES <= SYSCALLS_MAX, "raise SYSCALLS_MAX");

int syscall_count(void) { return (int)NENTRIES; }

int syscall_index(const struct syscall_desc *d)
{
	const struct syscall_entry *e = (const struct syscall_entry *)((const char *)d - offsetof(struct syscall_entry, desc));
	return (int)(e - table);
}

const char *syscall_name(int index) { return table[index].desc.name; }

const struct syscall_desc *syscall_lookup(long nr)
{
	/* About twenty entries: a linear scan is as fast as any index. */
	for (size_t i = 0; i < NENTRIES; i++)
		if (table[i].nr == nr)
			return &table[i].desc;
	return NULL;
}

const struct traced_call *syscall_traced(unsigned kinds, int *count)
{
	static struct traced_call calls[NENTRIES];
	int n = 0;
	for (size_t i = 0; i < NENTRIES; i++) {
		const struct syscall_desc *d = &table[i].desc;
		bool for_readonly = d->readonly != RO_NONE && (kinds & TRACE_FOR(FOR_READONLY));
		if ((kinds & TRACE_FOR(d->needed)) || for_readonly)
			calls[n++] = (struct traced_call){ table[i].nr, d->flags_arg, for_readonly ? 0 : d->only_flags };
	}
	*count = n;
	return calls;
}
