/* The mirror provider: a directory that holds fake entries. When the real directory
   lacks some of them (or is missing), its opener gets the mirror in the store, which
   holds the fakes plus a placeholder of the right type for each real entry, so that
   ls, find and os.ReadDir show the union; any access through the mirror to a real entry
   is sent back to the real path (redirect.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fsutil.h"
#include "procfs_alias.h"
#include "provider.h"

/* The mirror's state byte (store_mirror_state): whether it may hold placeholders of
   real entries, so that it needs a refresh even while the real directory is missing.
   Unknown at open: a persistent store may hold an earlier run's. */
enum { PLACEHOLDERS_UNKNOWN, PLACEHOLDERS_NONE, PLACEHOLDERS_SOME };

/* A directory entry reduced to what a placeholder copies: its name and its type. */
struct listed_entry {
	char *name;
	unsigned char type; /* DT_DIR, DT_LNK or DT_REG (anything else) */
};

struct listed_entries {
	struct listed_entry *e;
	size_t n;
};

/* The directory fd of d's instances (store_open_instances) if d has a pattern child, else -1. */
static int open_instances(struct store *s, const struct vdir *d)
{
	for (size_t i = 0; i < d->nchildren; i++)
		if (!strcmp(d->children[i], "*"))
			return store_open_instances(s, d->path);
	return -1;
}

/* A pattern child ("*") stands for the instances in instfd (open_instances). */
static bool is_child(const struct vdir *d, int instfd, const char *name)
{
	struct stat st;
	for (size_t i = 0; i < d->nchildren; i++)
		if (!strcmp(d->children[i], name))
			return true;
	return instfd >= 0 && fstatat(instfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Whether the real directory realfd holds every instance in instfd. */
static bool real_has_instances(int instfd, int realfd)
{
	struct listing *l = instfd < 0 ? NULL : fs_open_listing(instfd, ".");
	const struct dirent64 *e;
	struct stat st;
	bool all = true;
	while (l && all && (e = fs_next_entry(l)))
		all = fstatat(realfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	fs_close_listing(l);
	return all;
}

/* Whether the real directory realfd already lists every fake child of d. */
static bool real_has_every_fake(struct store *s, const struct vdir *d, int realfd)
{
	int instfd = open_instances(s, d);
	struct stat st;
	bool all = true;
	for (size_t i = 0; all && i < d->nchildren; i++)
		all = strcmp(d->children[i], "*") ? fstatat(realfd, d->children[i], &st, AT_SYMLINK_NOFOLLOW) == 0
		                                  : real_has_instances(instfd, realfd);
	if (instfd >= 0)
		close(instfd);
	return all;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct listed_entry *)a)->name, ((const struct listed_entry *)b)->name);
}

/* The entries of directory fd that are not fake children of d, sorted by name. */
static struct listed_entries list_dir(int fd, const struct vdir *d, int instfd)
{
	struct listed_entries l = {0};
	struct listing *dir = fs_open_listing(fd, ".");
	if (!dir)
		return l;
	size_t cap = 0;
	const struct dirent64 *de;
	while ((de = fs_next_entry(dir))) {
		if (is_child(d, instfd, de->d_name))
			continue;
		unsigned char type = de->d_type;
		struct stat st;
		if (type == DT_UNKNOWN && fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
		if (type != DT_DIR && type != DT_LNK)
			type = DT_REG;
		if (l.n == cap) {
			cap = cap ? 2 * cap : 64;
			struct listed_entry *e = realloc(l.e, cap * sizeof *e);
			if (!e)
				break;
			l.e = e;
		}
		if (!(l.e[l.n].name = strdup(de->d_name)))
			break;
		l.e[l.n++].type = type;
	}
	fs_close_listing(dir);
	if (l.n) /* qsort must not get NULL, even for no entries */
		qsort(l.e, l.n, sizeof *l.e, by_name);
	return l;
}

static void free_entries(struct listed_entries *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->e[i].name);
	free(l->e);
}

/* An entry of the same name and type as the real entry e, so that a listing shows it. */
static void make_placeholder(int mirrorfd, int realfd, const struct listed_entry *e)
{
	if (e->type == DT_DIR) {
		mkdirat(mirrorfd, e->name, 0755);
	} else if (e->type == DT_LNK) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(realfd, e->name, target, sizeof target - 1);
		if (n >= 0) {
			target[n] = '\0';
			symlinkat(target, mirrorfd, e->name);
		}
	} else {
		int fd = openat(mirrorfd, e->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
		if (fd >= 0)
			close(fd);
	}
}

/* Makes the placeholders of mirror d match the real directory realfd (-1: it is missing),
   leaving the fake children alone. Both listings are sorted, so one merge pass finds the
   entries to add, retype and remove without a syscall per unchanged entry. */
static void refresh_mirror(struct store *s, const struct vdir *d, int realfd)
{
	int mirrorfd = store_open_mirror(s, d);
	if (mirrorfd < 0)
		return;
	int instfd = open_instances(s, d);
	struct listed_entries real = {0}, mirror = list_dir(mirrorfd, d, instfd);
	if (realfd >= 0)
		real = list_dir(realfd, d, instfd);
	if (instfd >= 0)
		close(instfd);
	size_t i = 0, j = 0;
	while (i < real.n || j < mirror.n) {
		int c = i == real.n ? 1 : j == mirror.n ? -1 : strcmp(real.e[i].name, mirror.e[j].name);
		if (c > 0) { /* its real entry is gone */
			fs_remove_tree(mirrorfd, mirror.e[j++].name);
			continue;
		}
		if (c == 0) {
			bool same_type = real.e[i].type == mirror.e[j++].type;
			if (same_type) {
				i++;
				continue;
			}
			fs_remove_tree(mirrorfd, real.e[i].name);
		}
		make_placeholder(mirrorfd, realfd, &real.e[i++]);
	}
	*store_mirror_state(s, d) = real.n ? PLACEHOLDERS_SOME : PLACEHOLDERS_NONE;
	free_entries(&real);
	free_entries(&mirror);
	close(mirrorfd);
}

int mirror_target(struct store *s, const struct vdir *d, pid_t pid, const char **path)
{
	char real[PATH_MAX];
	alias_real_path(d->path, pid, real); /* /proc/self is the tracee\'s */
	int realfd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (realfd >= 0 && real_has_every_fake(s, d, realfd)) {
		close(realfd);
		return 0;
	}
	/* A directory missing for real (most of /proc/sys in gVisor) whose mirror holds
	   only fakes needs no refresh: each open then costs one failed open, not listings. */
	if (realfd >= 0 || *store_mirror_state(s, d) != PLACEHOLDERS_NONE)
		refresh_mirror(s, d, realfd);
	if (realfd >= 0)
		close(realfd);
	*path = store_mirror_path(s, d);
	return *path ? 1 : -errno;
}
