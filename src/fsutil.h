/* Safe-filesystem helpers for the store: every path below a directory fd is walked one
   component at a time with O_NOFOLLOW, so a symlink planted in the store cannot send a
   read, a write or a removal anywhere else. */
#ifndef FAKESYS_FSUTIL_H
#define FAKESYS_FSUTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Writes all of p (retrying short writes); false with errno set on failure. */
bool fs_write_all(int fd, const char *p, size_t len);
/* Reads at most max bytes of dfd/name, never through a symlink. Returns the length, or
   -1 with errno set. */
ssize_t fs_read_file(int dfd, const char *name, char *buf, size_t max);
/* Reads a kernel file (/proc, /sys: reached through their symlinks as any reader
   would) whole, at most size - 1 bytes, and ends it with a NUL. Returns the length, or
   -1 with errno set. */
ssize_t fs_read_text(const char *path, char *buf, size_t size);
/* Reads fd to its end (kernel files report size 0) into *buf, a malloc'd buffer of *cap
   bytes (NULL and 0 at first) that grows to fit, at most max bytes, and ends it with a
   NUL; fd stays open. Returns the length, or -1 with errno set (EFBIG beyond max).
   Memory follows the text: gVisor makes every touched 2 MiB of a large static buffer
   resident, which put the tracer over 8 MiB there. */
ssize_t fs_read_grown(int fd, char **buf, size_t *cap, size_t max);
/* Opens directory dfd/name, never through a symlink (ENOTDIR if it is not a directory). */
int fs_open_dir(int dfd, const char *name);
enum subdir_mode {
	SUBDIR_OPEN, /* only if it is there */
	SUBDIR_MAKE, /* made (0755) if missing, replacing a non-directory in the way */
	SUBDIR_NEW,  /* the same, where it is most likely missing (a new store): the mkdir
	                comes first, and an open that fails is not paid */
};
/* Opens directory dfd/name. */
int fs_open_subdir(int dfd, const char *name, enum subdir_mode mode);
/* The entries of a directory, read with getdents64 from its own fd. */
struct listing;
/* A listing of dfd/name (never through a symlink), or NULL with errno set. */
struct listing *fs_open_listing(int dfd, const char *name);
/* A listing of the open directory fd (-1: NULL), which it takes over: closed with the
   listing, or at once if there is none. Its fd serves as a dirfd too. */
struct listing *fs_listing_of(int fd);
int fs_listing_fd(const struct listing *l);
/* The next entry other than "." and "..", or NULL at the end. */
const struct dirent64 *fs_next_entry(struct listing *l);
void fs_close_listing(struct listing *l);
/* Removes dfd/name and, if it is a directory, everything below it. */
void fs_remove_tree(int dfd, const char *name);

#endif
