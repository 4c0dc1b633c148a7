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

/* Probed in a child: the attribute must not stay on fakesys, and gVisor accepts it
   from init (fakesys under `runsc do`) while it refuses PR_GET and every other process. */
static bool needs_child_subreaper(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int value = 0; /* valgrind does not know PR_GET_CHILD_SUBREAPER writes it */
		_exit(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 && prctl(PR_GET_CHILD_SUBREAPER, &value, 0, 0, 0) == 0 &&
		      value == 1 ? 0 : 1);
	}
	int status;
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 1;
}

/* Probed in a child with a mount namespace of its own, so that nothing fakesys can see
   changes. Without the privilege to mount, nothing can need the fix-up. */
static bool needs_mount_rec(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 &&
		      errno == EINVAL && mount(NULL, "/", NULL, MS_PRIVATE, NULL) == 0 ? 1 : 0);
	int status;
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 1;
}

/* A tmpfs mounted on a directory through its fd link, in a child with a mount namespace
   of its own: on Linux the directory is then another filesystem. */
static bool needs_mount_fd_target(void)
{
	char dir[] = "/tmp/fakesys-probe-XXXXXX";
	if (!mkdtemp(dir))
		return false;
	pid_t pid = fork();
	if (pid == 0) {
		struct stat before, after;
		char link[64];
		int fd = open(dir, O_PATH | O_CLOEXEC);
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		_exit(fd >= 0 && stat(dir, &before) == 0 && unshare(CLONE_NEWNS) == 0 &&
		      mount(NULL, "/", NULL, MS_PRIVATE, NULL) == 0 && mount("tmpfs", link, "tmpfs", 0, NULL) == 0 &&
		      stat(dir, &after) == 0 && after.st_dev == before.st_dev ? 1 : 0);
	}
	int status;
	bool needed = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 1;
	rmdir(dir);
	return needed;
}

static bool needs_mount_strictatime(void)
{
	char dir[] = "/tmp/fakesys-probe-XXXXXX";
	if (!mkdtemp(dir))
		return false;
	pid_t pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_PRIVATE, NULL) == 0 &&
		      mount("tmpfs", dir, "tmpfs", MS_STRICTATIME, NULL) < 0 && errno == EINVAL &&
		      mount("tmpfs", dir, "tmpfs", 0, NULL) == 0 ? 1 : 0);
	int status;
	bool needed = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 1;
	rmdir(dir);
	return needed;
}

static bool needs_devpts_single(void)
{
	char dir[] = "/tmp/fakesys-probe-XXXXXX";
	if (!mkdtemp(dir))
		return false;
	pid_t pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_PRIVATE, NULL) == 0 &&
		      mount("devpts", dir, "devpts", 0, "newinstance") < 0 && errno == ENODEV ? 1 : 0);
	int status;
	bool needed = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 1;
	rmdir(dir);
	return needed;
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
	static char names[128];
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
