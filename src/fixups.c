/* Probing the kernel for the fix-ups it needs; see fixups.h. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/openat2.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#include <unistd.h>
#include "fixups.h"
#include "fsutil.h"
#include "mountinfo.h"

static bool needs_strip_no_automount(void)
{
	struct statx sx;
	return statx(AT_FDCWD, "/", AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &sx) < 0 && errno == EINVAL;
}

static bool needs_statfs_enosys(void)
{
	struct statfs sf;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	bool needed = fd >= 0 && fstatfs(fd, &sf) < 0 && errno == ENOSYS;
	if (fd >= 0)
		close(fd);
	return needed;
}

static bool needs_no_openat2(void)
{
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC };
	int dir = (int)syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);
	if (dir >= 0)
		close(dir);
	return dir < 0 && errno == ENOSYS;
}

/* Whether probe(dir), run in a child so that nothing it changes stays with fakesys, says
   that the fix-up is needed; dir is an empty directory made for it (removed after). */
static bool child_says(bool (*probe)(const char *dir))
{
	char dir[] = "/tmp/fakesys-probe-XXXXXX";
	if (!mkdtemp(dir))
		return false;
	pid_t pid = fork();
	if (pid == 0)
		_exit(probe(dir) ? 1 : 0);
	int status;
	bool needed = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 1;
	rmdir(dir);
	return needed;
}

/* gVisor accepts the attribute from init (fakesys under `runsc do`) while it refuses
   PR_GET and every other process. */
static bool child_subreaper_refused(const char *dir)
{
	(void)dir;
	int value = 0; /* valgrind does not know PR_GET_CHILD_SUBREAPER writes it */
	return !(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 && prctl(PR_GET_CHILD_SUBREAPER, &value, 0, 0, 0) == 0 &&
	         value == 1);
}

static bool needs_child_subreaper(void)
{
	return child_says(child_subreaper_refused);
}

/* The mount probes run in a mount namespace of their own, every mount private where the
   kernel can make them so, and unmount what they mounted: gVisor's unshare(CLONE_NEWNS)
   leaves the caller in the sandbox's one namespace (runsc 20221219). Without the
   privilege to mount, nothing can need these fix-ups. */
/* A propagation change and a remount ignore the source and type, a bind the type;
   valgrind checks them as strings. */
#define PROPAGATION_ONLY "none"

static bool private_mounts(void)
{
	return unshare(CLONE_NEWNS) == 0 &&
	       (mount(PROPAGATION_ONLY, "/", PROPAGATION_ONLY, MS_REC | MS_PRIVATE, NULL) == 0 || mount(PROPAGATION_ONLY, "/", PROPAGATION_ONLY, MS_PRIVATE, NULL) == 0);
}

static bool mount_rec_refused(const char *dir)
{
	(void)dir;
	return unshare(CLONE_NEWNS) == 0 && mount(PROPAGATION_ONLY, "/", PROPAGATION_ONLY, MS_REC | MS_PRIVATE, NULL) < 0 && errno == EINVAL &&
	       mount(PROPAGATION_ONLY, "/", PROPAGATION_ONLY, MS_PRIVATE, NULL) == 0;
}

/* On Linux a tmpfs mounted on a directory's fd link makes the directory another
   filesystem. */
static bool mount_fd_target_missed(const char *dir)
{
	struct stat before, after;
	char link[64];
	int fd = open(dir, O_PATH | O_CLOEXEC);
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	if (fd < 0 || stat(dir, &before) < 0 || !private_mounts() || mount("tmpfs", link, "tmpfs", 0, NULL) < 0)
		return false;
	bool missed = stat(dir, &after) == 0 && after.st_dev == before.st_dev;
	umount2(link, MNT_DETACH); /* the link itself (gVisor), or the directory it names */
	return missed;
}

static bool mount_strictatime_refused(const char *dir)
{
	if (!private_mounts() || mount("tmpfs", dir, "tmpfs", MS_STRICTATIME, NULL) == 0 || errno != EINVAL ||
	    mount("tmpfs", dir, "tmpfs", 0, NULL) < 0)
		return false;
	umount2(dir, MNT_DETACH);
	return true;
}

static bool devpts_refused(const char *dir)
{
	if (!private_mounts())
		return false;
	if (mount("devpts", dir, "devpts", 0, "newinstance") == 0) {
		umount2(dir, MNT_DETACH);
		return false;
	}
	return errno == ENODEV;
}

/* Linux pivots into a mount point of a private namespace; gVisor says EINVAL. The child
   leaves its root in the (on Linux, dying) namespace. */
static bool pivot_root_refused(const char *dir)
{
	if (!private_mounts() || mount("tmpfs", dir, "tmpfs", 0, NULL) < 0)
		return false;
	bool refused = chdir(dir) == 0 && syscall(SYS_pivot_root, ".", ".") < 0 && errno == EINVAL;
	if (refused && chdir("/") == 0)
		umount2(dir, MNT_DETACH);
	return refused;
}

/* A fresh bind of the probe's directory onto itself, remounted read-only. */
static bool bind_remount_readonly_refused(const char *dir)
{
	if (!private_mounts() || mount(dir, dir, PROPAGATION_ONLY, MS_BIND, NULL) < 0)
		return false;
	bool refused = mount(PROPAGATION_ONLY, dir, PROPAGATION_ONLY, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0 &&
	               errno == EINVAL;
	umount2(dir, MNT_DETACH);
	return refused;
}

static bool needs_mount_rec(void)
{
	return child_says(mount_rec_refused);
}

static bool needs_mount_fd_target(void)
{
	return child_says(mount_fd_target_missed);
}

static bool needs_mount_strictatime(void)
{
	return child_says(mount_strictatime_refused);
}

static bool needs_devpts_single(void)
{
	return child_says(devpts_refused);
}

static bool needs_pivot_root_chroot(void)
{
	return child_says(pivot_root_refused);
}

static bool needs_pipe_chown(void)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return false;
	bool needed = fchown(fds[0], getuid(), getgid()) < 0 && errno == EPERM;
	close(fds[0]);
	close(fds[1]);
	return needed;
}

static bool needs_readonly_binds(void)
{
	return child_says(bind_remount_readonly_refused);
}

/* A tmpfs that a child mounted in a mount namespace of its own is still mounted after
   the child exited (then unmounted here). */
static bool mount_outlives_namespace(const char *dir)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(private_mounts() && mount("tmpfs", dir, "tmpfs", 0, NULL) == 0 ? 0 : 1);
	int status;
	struct mount_entry m;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    !mount_point_is(mountinfo_read("/proc/self/mountinfo"), dir, &m))
		return false;
	umount2(dir, MNT_DETACH);
	return true;
}

static bool needs_mount_ns_teardown(void)
{
	return child_says(mount_outlives_namespace);
}

/* An id lookup, which creates nothing (KEYCTL_GET_KEYRING_ID of the user keyring). */
static bool needs_keys_enosys(void)
{
	return syscall(SYS_keyctl, 0L, -4L, 0L) < 0 && errno == EACCES;
}

static const struct {
	const char *name;
	size_t offset;
	bool (*needed)(void);
} table[FIXUP_COUNT] = {
	{ "strip-no-automount", offsetof(struct fixups, strip_no_automount), needs_strip_no_automount },
	{ "statfs-enosys", offsetof(struct fixups, statfs_enosys), needs_statfs_enosys },
	{ "no-openat2", offsetof(struct fixups, no_openat2), needs_no_openat2 },
	{ "child-subreaper", offsetof(struct fixups, child_subreaper), needs_child_subreaper },
	{ "mount-rec", offsetof(struct fixups, mount_rec), needs_mount_rec },
	{ "mount-fd-target", offsetof(struct fixups, mount_fd_target), needs_mount_fd_target },
	{ "mount-strictatime", offsetof(struct fixups, mount_strictatime), needs_mount_strictatime },
	{ "devpts-single", offsetof(struct fixups, devpts_single), needs_devpts_single },
	{ "pipe-chown", offsetof(struct fixups, pipe_chown), needs_pipe_chown },
	{ "keys-enosys", offsetof(struct fixups, keys_enosys), needs_keys_enosys },
	{ "pivot-root-chroot", offsetof(struct fixups, pivot_root_chroot), needs_pivot_root_chroot },
	{ "readonly-binds", offsetof(struct fixups, readonly_binds), needs_readonly_binds },
	{ "mount-ns-teardown", offsetof(struct fixups, mount_ns_teardown), needs_mount_ns_teardown },
};

int fixup_index(const char *name)
{
	for (int i = 0; i < FIXUP_COUNT; i++)
		if (!strcmp(table[i].name, name))
			return i;
	return -1;
}

const char *fixup_names(void)
{
	static char names[256];
	if (!names[0])
		for (int i = 0; i < FIXUP_COUNT; i++)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "", table[i].name);
	return names;
}

struct fixups fixups_choose(const enum fixup_setting settings[FIXUP_COUNT])
{
	struct fixups f = {0};
	for (int i = 0; i < FIXUP_COUNT; i++)
		*(bool *)((char *)&f + table[i].offset) =
			settings[i] == FIXUP_ON || (settings[i] == FIXUP_PROBE && table[i].needed());
	return f;
}
