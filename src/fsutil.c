/* Safe-filesystem helpers; see fsutil.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsutil.h"

bool fs_write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = ENOSPC;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Reads fd to its end, at most max bytes, and closes it. */
static ssize_t read_all(int fd, char *buf, size_t max)
{
	if (fd < 0)
		return -1;
	size_t len = 0;
	while (len < max) {
		ssize_t n = read(fd, buf + len, max - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			close(fd);
			errno = err;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return (ssize_t)len;
}

ssize_t fs_read_file(int dfd, const char *name, char *buf, size_t max)
{
	return read_all(openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), buf, max);
}

ssize_t fs_read_text(const char *path, char *buf, size_t size)
{
	ssize_t n = size ? read_all(open(path, O_RDONLY | O_CLOEXEC), buf, size - 1) : -1;
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

ssize_t fs_read_grown(int fd, char **buf, size_t *cap, size_t max)
{
	size_t len = 0;
	for (;;) {
		if (len + 1 >= *cap) {
			if (*cap > max) {
				errno = EFBIG;
				return -1;
			}
			size_t want = *cap ? *cap * 2 : 16 << 10;
			if (want > max + 2)
				want = max + 2; /* room to see that the file is longer than max */
			char *grown = realloc(*buf, want);
			if (!grown)
				return -1;
			*buf = grown;
			*cap = want;
		}
		ssize_t n = read(fd, *buf + len, *cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		errno = EFBIG;
		return -1;
	}
	(*buf)[len] = '\0';
	return (ssize_t)len;
}

/* Not with O_DIRECTORY: gVisor then follows a symlink despite O_NOFOLLOW. O_NONBLOCK: a
   FIFO in the way must not block us. */
int fs_open_dir(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))) {
		close(fd);
		errno = ENOTDIR;
		return -1;
	}
	return fd;
}

DIR *fs_open_listing(int dfd, const char *name)
{
	int fd = fs_open_dir(dfd, name);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d && fd >= 0)
		close(fd);
	return d;
}

struct dirent *fs_next_entry(DIR *d)
{
	struct dirent *e;
	while ((e = readdir(d)) && (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")))
		;
	return e;
}

/* Whether the open directory fd is the root of a mount. The kernel says so since Linux
   5.8; elsewhere a mount of another file system shows in a device that differs from
   its parent's, which a bind of the same file system does not. */
static bool is_mount_root(int fd)
{
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) < 0)
		return true; /* cannot tell: do not go in */
	if (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
		return stx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
	struct stat self, parent;
	return fstat(fd, &self) < 0 || fstatat(fd, "..", &parent, 0) < 0 || self.st_dev != parent.st_dev;
}

/* Removes directory name and what is in it. */
static void remove_dir(int dfd, const char *name)
{
	DIR *d = fs_open_listing(dfd, name);
	if (!d)
		return;
	/* Never into another mount: a tracee can mount a real directory on one of the
	   store's (through /proc/self/fd/N of a fake directory), and emptying it would
	   delete real files. The mount point itself stays (rmdir says EBUSY). */
	if (is_mount_root(dirfd(d))) {
		closedir(d);
		return;
	}
	struct dirent *e;
	while ((e = fs_next_entry(d))) {
		/* A directory is known as one: no unlink to try first (a syscall each). */
		if (e->d_type == DT_DIR)
			remove_dir(dirfd(d), e->d_name);
		else
			fs_remove_tree(dirfd(d), e->d_name);
	}
	closedir(d);
	unlinkat(dfd, name, AT_REMOVEDIR);
}

void fs_remove_tree(int dfd, const char *name)
{
	if (unlinkat(dfd, name, 0) == 0 || (errno != EISDIR && errno != EPERM))
		return;
	remove_dir(dfd, name);
}

int fs_open_subdir(int dfd, const char *name, bool create)
{
	int fd = fs_open_dir(dfd, name);
	if (fd >= 0 || !create)
		return fd;
	if (errno == ENOTDIR || errno == ELOOP)
		fs_remove_tree(dfd, name);
	else if (errno != ENOENT)
		return -1;
	if (mkdirat(dfd, name, 0755) < 0 && errno != EEXIST)
		return -1;
	return fs_open_dir(dfd, name);
}
