/* The path syscalls fakesys intercepts, described as data: which argument holds the
   dirfd, the path and the flags, and what kind of access the call makes. */
#ifndef FAKESYS_SYSCALLS_H
#define FAKESYS_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>

enum access_kind {
	ACCESS_OPEN,     /* open-like: flags decide read or write */
	ACCESS_CREAT,    /* creat(2): always a write */
	ACCESS_INSPECT,  /* stat, access, readlink: reads metadata only */
	ACCESS_CHDIR,    /* chdir(2) */
	ACCESS_NONE,     /* no path to rewrite, traced for its fs_change (fchdir, chroot, unshare...) */
	ACCESS_GETCWD,   /* getcwd(2): must not reveal a store mirror */
	ACCESS_TRUNCATE, /* truncate(2): a write that must never reach the kernel file */
	ACCESS_MKDIR,    /* mkdir(2), mkdirat(2): a child cgroup inside a tree */
	ACCESS_RMDIR,    /* rmdir(2), unlinkat(AT_REMOVEDIR) */
	ACCESS_FD,       /* no path: the call names an fd (fstatfs); answered if it is a fake's */
	ACCESS_UNAME,    /* uname(2): its release and version are the fakes' (kernel_identity.h) */
	ACCESS_CHILDREN, /* no path: prctl and the waits, for the child-subreaper fix-up */
	ACCESS_MOUNT,    /* mount(2), for the mount fix-ups (mount_fixups.h) */
	ACCESS_CHOWN,    /* fchown(2), for the pipe-chown fix-up (pipe_chown.h) */
	ACCESS_KEYS,     /* keyctl(2), add_key(2), request_key(2), for the keys-enosys fix-up */
	ACCESS_PIVOT,    /* pivot_root(2): for its fs change, and the pivot-root-chroot fix-up */
	ACCESS_UMOUNT,   /* umount2(2), for the pivot-root-chroot (pivot_chroot.h),
	                    mount-ns-teardown (mount_namespaces.h) and readonly-binds fix-ups */
	ACCESS_READONLY, /* a change (unlink, chmod, umount2...) traced only for the
	                    readonly-binds fix-up (readonly_mounts.h) */
};

/* What a call changes, for the readonly-binds fix-up: a call beneath a read-only point
   fails with EROFS where Linux's would (readonly_mounts.h). The second path of a
   two-path call (rename, link) is the argument after the first (without a dirfd) or the
   dirfd and path two arguments on (renameat, linkat). */
enum readonly_check {
	RO_NONE,
	RO_OPEN,   /* open, openat, openat2, creat: by the flags (write access, O_CREAT, O_TRUNC) */
	RO_FILE,   /* the file the path names (chmod, truncate, utimes, setxattr...); a NULL or
	              empty path with AT_EMPTY_PATH names the dirfd's file */
	RO_FD,     /* the file of the fd in dirfd_arg (fchmod, fchown, fsetxattr) */
	RO_ACCESS, /* access, faccessat, faccessat2 with W_OK in the argument after the path */
	RO_CREATE, /* a new entry (mkdir, mknod, symlink): EEXIST if it is there */
	RO_REMOVE, /* an entry removed (unlink, rmdir) */
	RO_LINK,   /* link, linkat: the second path a new entry, the first must exist */
	RO_RENAME, /* rename, renameat, renameat2: either entry, within one mount */
	RO_UMOUNT, /* umount2: drops the points at and beneath its target once it succeeds */
	RO_STATFS, /* statfs, fstatfs: ST_RDONLY in f_flags beneath a point */
};

/* How a traced call changes the fs_struct of its caller. */
enum fs_change {
	FS_KEEP,
	FS_CWD,     /* chdir, fchdir */
	FS_ROOT,    /* chroot, setns: the root and the cwd */
	FS_ALL,     /* pivot_root: the root and cwd of every process that used the old root */
	FS_UNSHARE, /* unshare with CLONE_FS (or a flag that implies it): its own copy, if it succeeds */
};

enum flags_where {
	FLAGS_NONE,
	FLAGS_OPEN,      /* O_* flags in an argument */
	FLAGS_OPEN_HOW,  /* O_* flags in struct open_how (openat2) */
	FLAGS_AT,        /* AT_* flags in an argument */
	FLAGS_CLONE,     /* CLONE_* flags in an argument (unshare) */
};

/* The output a stat-like call fills, which fakesys fills itself for a fake. */
enum stat_kind {
	STAT_NONE,
	STAT_STAT,   /* struct stat */
	STAT_STATX,  /* struct statx */
	STAT_STATFS, /* struct statfs */
};

/* Which rule sets need a call traced: calls only trees or statfs answers need cost a
   stop in every program that makes them (tar's mkdir, rm's rmdir, df's statfs). */
enum traced_for {
	FOR_ALL,    /* every rule set */
	FOR_TREES,  /* a cgroupfs tree: mkdir, rmdir, inotify watches of its directories, and
	               fstat (so that a fake's fd says what its path says) */
	FOR_STATFS, /* a tree, a generated file (its store file would say the store's
	               filesystem), a `dir` rule (the real directory may be missing: a
	               learned profile's), a kernel whose procfs statfs is ENOSYS
	               (fixups.h), or learn mode (learn.h) */
	FOR_UNAME,  /* a fake kernel.osrelease or kernel.version: uname(2) says the same */
	FOR_SUBREAPER, /* the child-subreaper fix-up (fixups.h) */
	FOR_MOUNT,     /* a mount fix-up: mount-rec, mount-fd-target, mount-strictatime,
	                  devpts-single, readonly-binds, mount-ns-teardown,
	                  pivot-root-chroot (fixups.h) */
	FOR_PIPE_CHOWN, /* the pipe-chown fix-up (fixups.h) */
	FOR_KEYS,      /* the keys-enosys fix-up (fixups.h) */
	FOR_READONLY,  /* the readonly-binds fix-up (fixups.h); a call of another kind with a
	                  readonly check is traced for it too, whatever its only_flags */
};
#define TRACE_FOR(kind) (1u << (kind)) /* a set of traced_for kinds */

struct syscall_desc {
	const char *name;
	int dirfd_arg;           /* -1: relative paths use the cwd; for ACCESS_FD, the fd */
	int path_arg;            /* -1: none to rewrite (fchdir; chroot: a fake is no root) */
	int flags_arg;           /* -1: none */
	enum flags_where flags_where;
	enum access_kind access;
	bool nofollow;           /* never follows a link in the last component (lstat, readlink);
	                            others follow unless O_NOFOLLOW or AT_SYMLINK_NOFOLLOW */
	enum fs_change fs_change;
	enum stat_kind stat_kind;
	int data_arg;            /* the output buffer of a stat-like call, or mkdir's mode */
	uint64_t only_flags;     /* nonzero: traced only when the flags argument holds all of
	                            these (unlinkat: only rmdir can touch a fake tree) */
	enum traced_for needed;  /* which rule sets need it traced at all */
	enum readonly_check readonly;
};

/* NULL if nr is not a path syscall fakesys handles. */
const struct syscall_desc *syscall_lookup(long nr);
/* The table's entries by index, for per-syscall counters (stats.h). */
#define SYSCALLS_MAX 96
int syscall_count(void);
int syscall_index(const struct syscall_desc *d);
const char *syscall_name(int index);
/* The calls to trace, for the seccomp filter: nr, and when only_flags is nonzero, the
   argument flags_arg that must hold them. kinds: the TRACE_FOR set to trace, with
   TRACE_FOR(FOR_ALL) for the calls every rule set needs. */
struct traced_call {
	long nr;
	int flags_arg;
	uint64_t only_flags;
};
const struct traced_call *syscall_traced(unsigned kinds, int *count);

#endif
