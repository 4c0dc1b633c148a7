/* Work-arounds for sandbox kernels that refuse what Linux accepts. Each one is probed at
   start-up, so it is on exactly where the kernel needs it (gVisor) and off on Linux;
   --no-fixups turns them all off, --no-fixup NAME one, --fixup NAME forces one on (to
   test it against the real kernel's behaviour). */
#ifndef FAKESYS_FIXUPS_H
#define FAKESYS_FIXUPS_H

#include <stdbool.h>
#include <sys/types.h>

struct fixups {
	/* strip-no-automount: statx and newfstatat with AT_NO_AUTOMOUNT fail with EINVAL on
	   every path (runsc 20221219), which breaks coreutils ls and stat: the flag is
	   dropped. It only keeps an automount point from being mounted, and such a kernel
	   has none. */
	bool strip_no_automount;
	/* statfs-enosys: statfs and fstatfs of a file inside procfs or cgroupfs fail with
	   ENOSYS (runsc 20221219; runc's libcontainer refuses such a file): the answer is
	   made from the filesystem type mountinfo gives the file's mount. fakesys never
	   asks the kernel of the file itself first: on FUSE that statfs waits for the
	   daemon, which may be a tracee stopped for fakesys (see the fuse test). */
	bool statfs_enosys;
	/* no-openat2: openat2 is ENOSYS: an openat2 of a fake is left to fail so, as it would
	   (on a kernel that has it, a redirected openat2 runs as openat). */
	bool no_openat2;
	/* child-subreaper: prctl(PR_SET_CHILD_SUBREAPER) is EINVAL (runsc 20221219), and
	   containerd's shim cannot start: fakesys keeps the attribute and hands orphans to
	   the nearest subreaper ancestor itself (subreaper.c). */
	bool child_subreaper;
	/* mount-rec: mount(2) with MS_REC is EINVAL, and MS_SLAVE too (runsc 20221219), so
	   containerd cannot unpack an image and runc cannot prepare a rootfs: such a call
	   runs without MS_REC where that is the same operation (mount_fixups.h). */
	bool mount_rec;
	/* mount-fd-target: a mount on /proc/self/fd/N mounts on the magic link itself
	   (runsc 20221219), and runc mounts every filesystem of a container so: the target
	   becomes the path the fd names (mount_fixups.h). */
	bool mount_fd_target;
	/* mount-strictatime: MS_STRICTATIME is EINVAL (runsc 20221219), and runc mounts a
	   container's /dev so; the flag goes, as every read updates the access time there
	   anyway (mount_fixups.h). */
	bool mount_strictatime;
	/* devpts-single: devpts cannot be mounted (runsc 20221219: ENODEV), and runc mounts
	   one in every container: it binds the sandbox's one instance (mount_fixups.h). */
	bool devpts_single;
	/* pipe-chown: fchown of a pipe is EPERM (runsc 20221219), and containerd's shim
	   cannot give a container its stdio: a chown to the owner the pipe has succeeds
	   (pipe_chown.h). */
	bool pipe_chown;
	/* keys-enosys: every keyctl, add_key and request_key is EACCES (runsc 20221219;
	   there is no /proc/keys either), and runc refuses to start a container when it cannot
	   join a session keyring, unless the kernel has no keys at all: the calls fail with
	   ENOSYS, as on a kernel built without CONFIG_KEYS. */
	bool keys_enosys;
	/* pivot-root-chroot: pivot_root(2) is EINVAL (runsc 20221219), and runc cannot jail
	   a container: runc's pivot_root(".", ".") runs as chroot(".") (pivot_chroot.h),
	   and the store is bound into the container (container_store.h). */
	bool pivot_root_chroot;
	/* readonly-binds: a bind mount cannot be made read-only (runsc 20221219: the remount
	   MS_REMOUNT|MS_BIND|MS_RDONLY is EINVAL, and a bind made with MS_RDONLY is
	   writable), and runc makes a container's /etc/hosts, /etc/resolv.conf and /proc/sys
	   so: fakesys records the point read-only and refuses every change beneath it with
	   EROFS (readonly_mounts.h). */
	bool readonly_binds;
	/* mount-ns-teardown: unshare(CLONE_NEWNS) succeeds but the sandbox keeps one mount
	   namespace (runsc 20221219): mounts made in a new one outlive its last process, and
	   containerd cannot unmount a container's rootfs after its exit. fakesys unmounts
	   them when the namespace's last process is gone (mount_namespaces.h). */
	bool mount_ns_teardown;
};

enum fixup_setting { FIXUP_PROBE, FIXUP_OFF, FIXUP_ON };
#define FIXUP_COUNT 13

/* The index of the fix-up called name (as above), or -1. */
int fixup_index(const char *name);
/* The names, for messages: "a, b, c". */
const char *fixup_names(void);
/* Whether a fix-up on in f traces mount(2) (FOR_MOUNT in syscalls.h). */
bool fixups_trace_mounts(const struct fixups *f);
/* Probes that change what they probe run in another process, in the empty directory
   dir, and send their answers through a pipe: a child of their own (pid; -1: it could
   not start, and their fix-ups stay off), or, where fakesys's own probes show a sandbox
   kernel, CMD's process before it is traced (in_cmd; see fixups_probe_in_cmd). */
struct fixup_probes {
	enum fixup_setting settings[FIXUP_COUNT];
	bool needed[FIXUP_COUNT]; /* the answers of the probes fakesys runs itself */
	pid_t pid;
	bool in_cmd;
	int answers, answering; /* the pipe's ends: fakesys reads, the prober writes */
	char dir[sizeof "/dev/shm/fakesys-probe-XXXXXX"];
};
/* Runs fakesys's own probes and starts the others, so that they run while fakesys makes
   its store (they were most of its start-up, one after another). */
void fixups_start(struct fixup_probes *p, const enum fixup_setting settings[FIXUP_COUNT]);
/* In CMD's process, before it waits to be traced: runs the probes if p->in_cmd, and
   puts back what they changed there. Returns only if the process is again as it was
   forked (its root, cwd and mounts fakesys's, no subreaper attribute); otherwise it
   says so to fixups_finish and exits. */
void fixups_probe_in_cmd(const struct fixup_probes *p);
/* In fakesys, once CMD's process is forked (or could not be): the prober's end of the
   pipe is the child's alone. */
void fixups_cmd_forked(struct fixup_probes *p);
/* The fix-ups to use: each as set, or, for FIXUP_PROBE, as this kernel needs. Call it
   once after fixups_start. A probe child is left to exit on its own (fakesys's waits for
   its tracees reap it). *cmd_fit: false if the probes ran in CMD's process and could
   not put it back as it was: it must not run CMD. */
struct fixups fixups_finish(struct fixup_probes *p, bool *cmd_fit);

#endif
