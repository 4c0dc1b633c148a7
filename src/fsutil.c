/* Safe-filesystem helpers; see fsutil.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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

/* Opens dfd/name for reading, never through a symlink. Not with O_DIRECTORY: gVisor
   then follows a symlink despite O_NOFOLLOW. O_NONBLOCK: a FIFO in the way must not
   block us. */
static int open_no_follow(int dfd, const char *name)
{
	return openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
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
	return read_all(open_no_follow(dfd, name), buf, max);
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

int fs_open_dir(int dfd, const char *name)
{
	int fd = open_no_follow(dfd, name);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))) {
		close(fd);
		errno = ENOTDIR;
		return -1;
	}
	return fd;
}

/* The buffer of one getdents64 call: most directories fit, so a listing costs the open,
   two getdents64 calls and the close. opendir() and fdopendir() add an fstat and two
   fcntl calls, each ~50 us in gVisor, where the store's removal at exit pays them per
   directory. */
#define LISTING_BUFFER (8u << 10)

struct listing {
	int fd;
	size_t pos, len;
	char buf[LISTING_BUFFER];
};

struct listing *fs_listing_of(int fd)
{
	struct listing *l = fd < 0 ? NULL : malloc(sizeof *l);
	if (l)
		*l = (struct listing){ .fd = fd };
	else if (fd >= 0)
		close(fd);
	return l;
}

struct listing *fs_open_listing(int dfd, const char *name)
{
	return fs_listing_of(fs_open_dir(dfd, name));
}

int fs_listing_fd(const struct listing *l)
{
	return l->fd;
}

const struct dirent64 *fs_next_entry(struct listing *l)
{
	for (;;) {
		if (l->pos >= l->len) {
			ssize_t n = getdents64(l->fd, l->buf, sizeof l->buf);
			if (n <= 0)
				return NULL; /* the end, or an error (ENOTDIR: not a directory) */
			l->pos = 0;
			l->len = (size_t)n;
		}
		const struct dirent64 *e = (const struct dirent64 *)(l->buf + l->pos);
		l->pos += e->d_reclen;
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			return e;
	}
}

void fs_close_listing(struct listing *l)
{
	if (l) {
		close(l->fd);
		free(l);
	}
}

/* Removes directory name, opened as fd, and what is in it; parent_dev is the device of
   the directory that holds it. Never into another mount: a tracee can mount a real
   directory on one of the store's (through /proc/self/fd/N of a fake directory), and
   emptying it would delete real files. The mount point itself stays (rmdir says EBUSY).
   The kernel says a mount's root is one since Linux 5.8; elsewhere (gVisor) a mount of
   another file system shows in a device that differs from its parent's (the device of
   its "..", asked only where no parent_dev is known). One statx answers both that and
   whether it is a directory at all. */
#define DEV_UNKNOWN ((dev_t)-1)

static void remove_dir(int dfd, const char *name, dev_t parent_dev)
{
	int fd = open_no_follow(dfd, name);
	struct statx stx;
	if (fd < 0)
		return;
	struct stat parent;
	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx) < 0 || !S_ISDIR(stx.stx_mode)) {
		close(fd);
		return;
	}
	dev_t dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && parent_dev == DEV_UNKNOWN)
		parent_dev = fstatat(fd, "..", &parent, 0) == 0 ? parent.st_dev : DEV_UNKNOWN;
	bool mount_root = (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) ? (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT)
	                                                                    : dev != parent_dev; /* unknown: do not go in */
	if (mount_root) {
		close(fd);
		return;
	}
	struct listing *l = fs_listing_of(fd);
	const struct dirent64 *e;
	while (l && (e = fs_next_entry(l))) {
		/* A directory is known as one: no unlink to try first (a syscall each). */
		if (e->d_type == DT_DIR)
			remove_dir(fd, e->d_name, dev);
		else if (unlinkat(fd, e->d_name, 0) < 0 && (errno == EISDIR || errno == EPERM))
			remove_dir(fd, e->d_name, dev);
	}
	fs_close_listing(l);
	unlinkat(dfd, name, AT_REMOVEDIR);
}

void fs_remove_tree(int dfd, const char *name)
{
	if (unlinkat(dfd, name, 0) == 0 || (errno != EISDIR && errno != EPERM))
		return;
	remove_dir(dfd, name, DEV_UNKNOWN);
}

int fs_open_subdir(int dfd, const char *name, enum subdir_mode mode)
{
	/* A directory fakesys has just made needs no check that it is one: a non-directory
	   put in its place fails every use of the fd as a directory (ENOTDIR), and O_NOFOLLOW
	   refuses a symlink. */
	if (mode == SUBDIR_NEW && mkdirat(dfd, name, 0755) == 0)
		return open_no_follow(dfd, name);
	int fd = fs_open_dir(dfd, name);
	if (fd >= 0 || mode == SUBDIR_OPEN)
		return fd;
	if (errno == ENOTDIR || errno == ELOOP)
		fs_remove_tree(dfd, name);
	else if (errno != ENOENT)
		return -1;
	if (mkdirat(dfd, name, 0755) < 0 && errno != EEXIST)
		return -1;
	return fs_open_dir(dfd, name);
}
