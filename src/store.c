/* The fake store; see store.h for the layout and the guarantees.

   Every file operation after store_open is relative to a directory fd of the store and
   walks paths one component at a time with O_NOFOLLOW, so a symlink planted inside the
   store cannot redirect a write anywhere else. Values are only ever replaced by renaming
   a complete file from tmp/ over them. */
#include "store.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include "procfs_alias.h"

/* Largest value we commit: a longer write keeps its first VALUE_MAX bytes. */
#define VALUE_MAX (1 << 20)

/* One open-for-write of a fake file, backed by w/<name>. */
struct writer {
	char name[24];
	const struct rule *rule;
	char *last; /* what we last committed from it (or its prefill) */
	size_t lastlen;
	struct timespec mtime; /* only for ordering after an inotify overflow */
};

struct store {
	const struct ruleset *rs;
	bool private;
	char *dir;  /* absolute path of the store directory */
	char *root; /* dir/root */
	int storefd, rootfd, wfd, tmpfd; /* store dir, root/, this run's w/ and tmp/ */
	int runsfd, runfd; /* runs/ and runs/<this run>, which we hold locked */
	char *run;         /* name of this run's directory under runs/ */
	int ino; /* inotify watch on w/ */
	char **value_path;  /* per rule: root/<path>, NULL for RULE_DIR */
	bool *written;      /* per rule: a tracee wrote it in this run */
	char **mirror_path; /* per vdir: root/<path> */
	bool *placeholders; /* per vdir: its mirror may hold placeholders of real entries */
	struct writer *writers;
	size_t nwriters, capwriters;
	unsigned long next_name; /* names of the files we create in tmp/ */
	char *buf;               /* VALUE_MAX + 1 bytes: room for the "\n" of a sysctl value */
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static bool write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Reads dfd/name (not following a symlink) into s->buf; returns its length or -1. */
static ssize_t read_file(struct store *s, int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = 0;
	while (len < VALUE_MAX) {
		ssize_t n = read(fd, s->buf + len, VALUE_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return (ssize_t)len;
}

/* Opens directory dfd/name, never through a symlink. Not with O_DIRECTORY: gVisor then
   follows a symlink despite O_NOFOLLOW. O_NONBLOCK: a FIFO in the way must not block us. */
static int open_dir_nofollow(int dfd, const char *name)
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

/* A directory stream of dfd/name (never through a symlink) with its own offset, or NULL. */
static DIR *open_listing(int dfd, const char *name)
{
	int fd = open_dir_nofollow(dfd, name);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d && fd >= 0)
		close(fd);
	return d;
}

/* The next entry other than "." and "..", or NULL at the end. */
static struct dirent *next_entry(DIR *d)
{
	struct dirent *e;
	while ((e = readdir(d)) && (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")))
		;
	return e;
}

/* Removes dfd/name and, if it is a directory, everything below it; never follows a symlink. */
static void remove_tree(int dfd, const char *name)
{
	if (unlinkat(dfd, name, 0) == 0 || (errno != EISDIR && errno != EPERM))
		return;
	DIR *d = open_listing(dfd, name);
	if (!d)
		return;
	struct dirent *e;
	while ((e = next_entry(d)))
		remove_tree(dirfd(d), e->d_name);
	closedir(d);
	unlinkat(dfd, name, AT_REMOVEDIR);
}

/* Opens directory dfd/name without following a symlink. With create, makes it, replacing
   a non-directory in the way (a mirror placeholder or a value of an older profile). */
static int open_subdir(int dfd, const char *name, bool create)
{
	int fd = open_dir_nofollow(dfd, name);
	if (fd >= 0 || !create)
		return fd;
	if (errno == ENOTDIR || errno == ELOOP)
		remove_tree(dfd, name);
	else if (errno != ENOENT)
		return -1;
	if (mkdirat(dfd, name, 0755) < 0 && errno != EEXIST)
		return -1;
	return open_dir_nofollow(dfd, name);
}

/* Opens root/<the first len bytes of vpath>, one component at a time. */
static int open_virtual_dir(struct store *s, const char *vpath, size_t len, bool create)
{
	int fd = fcntl(s->rootfd, F_DUPFD_CLOEXEC, 0);
	char name[NAME_MAX + 1];
	size_t i = 0;
	while (fd >= 0) {
		while (i < len && vpath[i] == '/')
			i++;
		size_t j = i;
		while (j < len && vpath[j] != '/')
			j++;
		if (j == i)
			break;
		if (j - i > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(name, vpath + i, j - i);
		name[j - i] = '\0';
		int next = open_subdir(fd, name, create);
		close(fd);
		fd = next;
		i = j;
	}
	return fd;
}

/* The directory that holds r's value file (created if missing); leaf is set to its name. */
static int open_value_dir(struct store *s, const struct rule *r, const char **leaf)
{
	*leaf = strrchr(r->path, '/') + 1;
	return open_virtual_dir(s, r->path, (size_t)(*leaf - r->path), true);
}

/* A fresh file in tmp/, named by a counter (tmp/ is emptied at open, so the name is ours). */
static int new_tmp_file(struct store *s, char name[24])
{
	snprintf(name, 24, "%lu", s->next_name++);
	return openat(s->tmpfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
}

/* Replaces dfd/leaf by a complete new file: whoever opened the old one keeps reading it. */
static int replace_file(struct store *s, int dfd, const char *leaf, const char *data, size_t len)
{
	char tmp[24];
	int fd = new_tmp_file(s, tmp);
	if (fd < 0)
		return -1;
	bool ok = write_all(fd, data, len);
	close(fd);
	if (ok && renameat(s->tmpfd, tmp, dfd, leaf) == 0)
		return 0;
	int saved = errno;
	unlinkat(s->tmpfd, tmp, 0);
	errno = saved;
	return -1;
}

/* A tracee's write becomes r's value; sysctl values read back the way the kernel prints them. */
static void commit(struct store *s, const struct rule *r, char *data, size_t len)
{
	if (r->sysctl) {
		while (len && isspace((unsigned char)*data))
			data++, len--;
		while (len && isspace((unsigned char)data[len - 1]))
			len--;
		if (len)
			data[len++] = '\n'; /* fits: the buffer has one byte beyond VALUE_MAX */
	}
	if (!len)
		return;
	const char *leaf;
	int dfd = open_value_dir(s, r, &leaf);
	if (dfd < 0)
		return;
	if (replace_file(s, dfd, leaf, data, len) == 0)
		s->written[r - s->rs->rules] = true;
	close(dfd);
}

static void remember(struct writer *w, const char *data, size_t len)
{
	char *copy = malloc(len ? len : 1);
	if (!copy)
		return; /* the close will commit again: harmless but for a racing writer */
	memcpy(copy, data, len);
	free(w->last);
	w->last = copy;
	w->lastlen = len;
}

/* An inotify event on writer i. Every IN_MODIFY commits the file as it is now: a write by
   another writer may have been committed since, and this one's write is newer. A close
   commits only what was not committed yet, then retires the writer. */
static void writer_event(struct store *s, size_t i, uint32_t mask)
{
	struct writer *w = &s->writers[i];
	ssize_t len = read_file(s, s->wfd, w->name);
	if (len > 0 && ((mask & IN_MODIFY) || (size_t)len != w->lastlen || memcmp(s->buf, w->last, (size_t)len))) {
		remember(w, s->buf, (size_t)len);
		commit(s, w->rule, s->buf, (size_t)len);
	}
	if (mask & IN_CLOSE_WRITE) {
		unlinkat(s->wfd, w->name, 0);
		free(w->last);
		*w = s->writers[--s->nwriters];
	}
}

static int by_mtime(const void *a, const void *b)
{
	const struct timespec *x = &((const struct writer *)a)->mtime, *y = &((const struct writer *)b)->mtime;
	return x->tv_sec != y->tv_sec ? (x->tv_sec > y->tv_sec) - (x->tv_sec < y->tv_sec)
	                              : (x->tv_nsec > y->tv_nsec) - (x->tv_nsec < y->tv_nsec);
}

/* Events were lost: commit every live writer, oldest write first, so the newest wins.
   Writers whose close was lost stay until store_close. */
static void rescan(struct store *s)
{
	struct stat st;
	for (size_t i = 0; i < s->nwriters; i++)
		if (fstatat(s->wfd, s->writers[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			s->writers[i].mtime = st.st_mtim;
	if (s->nwriters)
		qsort(s->writers, s->nwriters, sizeof *s->writers, by_mtime);
	for (size_t i = 0; i < s->nwriters; i++)
		writer_event(s, i, IN_MODIFY);
}

void store_sync(struct store *s)
{
	/* No writer file: no event can be pending, and the read is saved (one syscall
	   costs as much as a whole open in gVisor). */
	if (!s->nwriters)
		return;
	_Alignas(struct inotify_event) char buf[4096];
	ssize_t n;
	while ((n = read(s->ino, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof *ev + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				rescan(s);
				continue;
			}
			for (size_t i = 0; ev->len && i < s->nwriters; i++)
				if (!strcmp(s->writers[i].name, ev->name)) {
					writer_event(s, i, ev->mask);
					break;
				}
		}
	}
}

/* The watch on w/ starts with the first writer: closing an inotify fd waits for an RCU
   grace period (about 20 ms), which runs that only read fakes should not pay at exit. */
static int watch_writers(struct store *s)
{
	if (s->ino >= 0)
		return 0;
	char w[PATH_MAX];
	snprintf(w, sizeof w, "%s/runs/%s/w", s->dir, s->run);
	s->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->ino >= 0 && inotify_add_watch(s->ino, w, IN_MODIFY | IN_CLOSE_WRITE | IN_ONLYDIR | IN_DONT_FOLLOW) >= 0)
		return 0;
	int err = errno;
	if (s->ino >= 0)
		close(s->ino);
	s->ino = -1;
	errno = err;
	return -1;
}

int store_new_writer(struct store *s, const struct rule *r, bool prefill, char path[PATH_MAX])
{
	if (watch_writers(s) < 0)
		return -1;
	if (s->nwriters == s->capwriters) {
		size_t cap = s->capwriters ? 2 * s->capwriters : 16;
		struct writer *w = realloc(s->writers, cap * sizeof *w);
		if (!w)
			return -1;
		s->writers = w;
		s->capwriters = cap;
	}
	struct writer *w = &s->writers[s->nwriters];
	*w = (struct writer){.rule = r};
	int fd = new_tmp_file(s, w->name);
	if (fd < 0)
		return -1;
	bool ok = true;
	if (prefill) {
		const char *leaf;
		int dfd = open_value_dir(s, r, &leaf);
		ssize_t len = dfd < 0 ? -1 : read_file(s, dfd, leaf);
		if (dfd >= 0)
			close(dfd);
		ok = len >= 0 && write_all(fd, s->buf, (size_t)len);
		if (ok)
			remember(w, s->buf, (size_t)len);
	}
	close(fd);
	/* Created in tmp/ and renamed, so our own writes raise no event on w/. */
	if (!ok || renameat(s->tmpfd, w->name, s->wfd, w->name) < 0) {
		int saved = errno;
		unlinkat(s->tmpfd, w->name, 0);
		free(w->last);
		errno = saved;
		return -1;
	}
	s->nwriters++;
	snprintf(path, PATH_MAX, "%s/runs/%s/w/%s", s->dir, s->run, w->name);
	return 0;
}

bool store_read_target(struct store *s, pid_t pid, const struct rule *r, const char **path)
{
	size_t i = (size_t)(r - s->rs->rules);
	store_sync(s);
	if (r->policy == POLICY_REAL_FIRST && !s->written[i]) {
		char real[PATH_MAX];
		alias_real_path(r->path, pid, real); /* /proc/self is the tracee's */
		int fd = open(real, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0) {
			char c;
			ssize_t n = read(fd, &c, 1);
			close(fd);
			if (n >= 0)
				return false;
		}
	}
	*path = s->value_path[i];
	return true;
}

/* A directory entry reduced to what a placeholder copies: its name and its type. */
struct entry {
	char *name;
	unsigned char type; /* DT_DIR, DT_LNK or DT_REG (anything else) */
};

struct entries {
	struct entry *e;
	size_t n;
};

static bool is_child(const struct vdir *d, const char *name)
{
	for (size_t i = 0; i < d->nchildren; i++)
		if (!strcmp(d->children[i], name))
			return true;
	return false;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* The entries of directory fd that are not fake children of d, sorted by name. */
static struct entries list_dir(int fd, const struct vdir *d)
{
	struct entries l = {0};
	DIR *dir = open_listing(fd, ".");
	if (!dir)
		return l;
	size_t cap = 0;
	struct dirent *de;
	while ((de = next_entry(dir))) {
		if (is_child(d, de->d_name))
			continue;
		unsigned char type = de->d_type;
		struct stat st;
		if (type == DT_UNKNOWN && fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
		if (type != DT_DIR && type != DT_LNK)
			type = DT_REG;
		if (l.n == cap) {
			cap = cap ? 2 * cap : 64;
			struct entry *e = realloc(l.e, cap * sizeof *e);
			if (!e)
				break;
			l.e = e;
		}
		if (!(l.e[l.n].name = strdup(de->d_name)))
			break;
		l.e[l.n++].type = type;
	}
	closedir(dir);
	if (l.n) /* qsort must not get NULL, even for no entries */
		qsort(l.e, l.n, sizeof *l.e, by_name);
	return l;
}

static void free_entries(struct entries *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->e[i].name);
	free(l->e);
}

/* An entry of the same name and type as the real entry e, so that a listing shows it. */
static void make_placeholder(int mirrorfd, int realfd, const struct entry *e)
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
	int mirrorfd = open_virtual_dir(s, d->path, strlen(d->path), true);
	if (mirrorfd < 0)
		return;
	struct entries real = {0}, mirror = list_dir(mirrorfd, d);
	if (realfd >= 0)
		real = list_dir(realfd, d);
	size_t i = 0, j = 0;
	while (i < real.n || j < mirror.n) {
		int c = i == real.n ? 1 : j == mirror.n ? -1 : strcmp(real.e[i].name, mirror.e[j].name);
		if (c > 0) { /* its real entry is gone */
			remove_tree(mirrorfd, mirror.e[j++].name);
			continue;
		}
		if (c == 0) {
			bool same_type = real.e[i].type == mirror.e[j++].type;
			if (same_type) {
				i++;
				continue;
			}
			remove_tree(mirrorfd, real.e[i].name);
		}
		make_placeholder(mirrorfd, realfd, &real.e[i++]);
	}
	s->placeholders[d - s->rs->dirs] = real.n > 0;
	free_entries(&real);
	free_entries(&mirror);
	close(mirrorfd);
}

bool store_dir_target(struct store *s, pid_t pid, const struct vdir *d, const char **path)
{
	char real[PATH_MAX];
	alias_real_path(d->path, pid, real);
	int realfd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (realfd >= 0) {
		struct stat st;
		size_t i = 0;
		while (i < d->nchildren && fstatat(realfd, d->children[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
			i++;
		if (i == d->nchildren) {
			close(realfd);
			return false;
		}
	}
	/* A directory missing for real (most of /proc/sys in gVisor) whose mirror holds
	   only fakes needs no refresh: each open then costs one failed open, not listings. */
	if (realfd >= 0 || s->placeholders[d - s->rs->dirs])
		refresh_mirror(s, d, realfd);
	if (realfd >= 0)
		close(realfd);
	*path = s->mirror_path[d - s->rs->dirs];
	return true;
}

bool store_to_virtual(const struct store *s, const char *path, char virt[PATH_MAX])
{
	size_t n = strlen(s->root);
	if (strncmp(path, s->root, n) || (path[n] != '/' && path[n] != '\0'))
		return false;
	int len = snprintf(virt, PATH_MAX, "%s", path[n] ? path + n : "/");
	return len < PATH_MAX;
}

const char *store_root(const struct store *s)
{
	return s->root;
}

/* A fresh 0700 directory with an unpredictable name under $TMPDIR, else /tmp. */
static int open_private(struct store *s, char *err, size_t errlen)
{
	const char *bases[] = {getenv("TMPDIR"), "/tmp"};
	for (size_t i = 0; i < 2 && !s->dir; i++) {
		if (!bases[i] || !*bases[i] || asprintf(&s->dir, "%s/fakesys.XXXXXX", bases[i]) < 0)
			continue;
		if (!mkdtemp(s->dir)) {
			free(s->dir);
			s->dir = NULL;
		}
	}
	if (!s->dir)
		return fail(err, errlen, "cannot create a store directory in $TMPDIR or /tmp: %s", strerror(errno));
	s->storefd = open_dir_nofollow(AT_FDCWD, s->dir);
	char *abs = s->storefd < 0 ? NULL : realpath(s->dir, NULL); /* tracees get absolute paths */
	if (!abs)
		return fail(err, errlen, "store %s: %s", s->dir, strerror(errno));
	free(s->dir);
	s->dir = abs;
	return 0;
}

/* A directory that several runs share: it must be ours alone, or a tracee's value could be
   changed behind our back (or a symlink could point our writes elsewhere). */
static int open_persistent(struct store *s, const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return fail(err, errlen, "store %s: cannot create: %s", dir, strerror(errno));
	s->storefd = open_dir_nofollow(AT_FDCWD, dir);
	if (s->storefd < 0)
		return fail(err, errlen, "store %s: %s", dir, errno == ELOOP ? "is a symlink" : strerror(errno));
	struct stat st;
	if (fstat(s->storefd, &st) < 0)
		return fail(err, errlen, "store %s: %s", dir, strerror(errno));
	if (st.st_uid != geteuid())
		return fail(err, errlen, "store %s: owned by uid %u, not by us", dir, (unsigned)st.st_uid);
	if (st.st_mode & 077)
		return fail(err, errlen, "store %s: mode %04o lets others in (chmod 700 it)", dir,
		            (unsigned)(st.st_mode & 07777));
	if (faccessat(s->storefd, ".", W_OK | X_OK, 0) < 0)
		return fail(err, errlen, "store %s: not writable: %s", dir, strerror(errno));
	s->dir = realpath(dir, NULL); /* tracees get absolute paths */
	if (!s->dir)
		return fail(err, errlen, "store %s: %s", dir, strerror(errno));
	return 0;
}

/* Removes the run directories of runs that are over: a live run holds a lock on its own. */
static void remove_finished_runs(struct store *s)
{
	DIR *d = open_listing(s->runsfd, ".");
	if (!d)
		return;
	struct dirent *e;
	while ((e = next_entry(d))) {
		int run = open_dir_nofollow(s->runsfd, e->d_name);
		if (run < 0 || flock(run, LOCK_EX | LOCK_NB) == 0)
			remove_tree(s->runsfd, e->d_name);
		if (run >= 0)
			close(run);
	}
	closedir(d);
}

/* Each run writes through its own runs/<run>/w and tmp, so that several runs can share a
   persistent store at the same time; values in root/ are only replaced by rename. */
static int open_run(struct store *s)
{
	if ((s->runsfd = open_subdir(s->storefd, "runs", true)) < 0)
		return -1;
	remove_finished_runs(s);
	char *tmpl;
	if (asprintf(&tmpl, "%s/runs/XXXXXX", s->dir) < 0)
		return -1;
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return -1;
	}
	s->run = strdup(strrchr(tmpl, '/') + 1);
	free(tmpl);
	if (!s->run || (s->runfd = open_dir_nofollow(s->runsfd, s->run)) < 0 || flock(s->runfd, LOCK_EX) < 0)
		return -1;
	if ((s->wfd = open_subdir(s->runfd, "w", true)) < 0 || (s->tmpfd = open_subdir(s->runfd, "tmp", true)) < 0)
		return -1;
	return 0;
}

/* Creates the layout, every initial value and every directory mirror. */
static int setup(struct store *s, char *err, size_t errlen)
{
	if ((s->rootfd = open_subdir(s->storefd, "root", true)) < 0 || open_run(s) < 0)
		return fail(err, errlen, "store %s: %s", s->dir, strerror(errno));
	if (asprintf(&s->root, "%s/root", s->dir) < 0)
		return fail(err, errlen, "out of memory");

	const struct ruleset *rs = s->rs;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		if (r->kind != RULE_FILE)
			continue;
		if (asprintf(&s->value_path[i], "%s%s", s->root, r->path) < 0)
			return fail(err, errlen, "out of memory");
		const char *leaf;
		int dfd = open_value_dir(s, r, &leaf);
		if (dfd < 0)
			return fail(err, errlen, "store %s: %s: %s", s->dir, r->path, strerror(errno));
		struct stat st;
		int rc = 0;
		/* A persistent store keeps its values, which are never empty (an empty write is not
		   committed); anything else there is a mirror's placeholder. */
		if (fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
			remove_tree(dfd, leaf);
			rc = replace_file(s, dfd, leaf, r->content, r->content_len);
		}
		close(dfd);
		if (rc < 0)
			return fail(err, errlen, "store %s: %s: %s", s->dir, r->path, strerror(errno));
	}
	for (size_t i = 0; i < rs->ndirs; i++) {
		const char *p = rs->dirs[i].path;
		if (asprintf(&s->mirror_path[i], "%s%s", s->root, strcmp(p, "/") ? p : "") < 0)
			return fail(err, errlen, "out of memory");
		int fd = open_virtual_dir(s, p, strlen(p), true);
		if (fd < 0)
			return fail(err, errlen, "store %s: %s: %s", s->dir, p, strerror(errno));
		close(fd);
	}
	return 0;
}

struct store *store_open(const char *dir, const struct ruleset *rs, char *err, size_t errlen)
{
	struct store *s = malloc(sizeof *s);
	if (s) {
		*s = (struct store){.rs = rs, .private = !dir, .storefd = -1, .rootfd = -1, .wfd = -1, .tmpfd = -1,
		                     .runsfd = -1, .runfd = -1, .ino = -1};
		s->value_path = calloc(rs->nrules + 1, sizeof *s->value_path);
		s->written = calloc(rs->nrules + 1, sizeof *s->written);
		s->mirror_path = calloc(rs->ndirs + 1, sizeof *s->mirror_path);
		s->placeholders = malloc((rs->ndirs + 1) * sizeof *s->placeholders);
		s->buf = malloc(VALUE_MAX + 1);
	}
	if (s && s->placeholders) /* a persistent store may hold an earlier run's placeholders */
		memset(s->placeholders, true, (s->rs->ndirs + 1) * sizeof *s->placeholders);
	if (!s || !s->value_path || !s->written || !s->mirror_path || !s->placeholders || !s->buf) {
		fail(err, errlen, "out of memory");
		store_close(s);
		return NULL;
	}
	if ((dir ? open_persistent(s, dir, err, errlen) : open_private(s, err, errlen)) < 0 || setup(s, err, errlen) < 0) {
		store_close(s);
		return NULL;
	}
	return s;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	if (s->ino >= 0) {
		store_sync(s);
		close(s->ino);
	}
	for (size_t i = 0; i < s->nwriters; i++) {
		unlinkat(s->wfd, s->writers[i].name, 0);
		free(s->writers[i].last);
	}
	if (s->run && s->runsfd >= 0)
		remove_tree(s->runsfd, s->run);
	int fds[] = {s->storefd, s->rootfd, s->wfd, s->tmpfd, s->runsfd, s->runfd};
	for (size_t i = 0; i < sizeof fds / sizeof *fds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (s->private && s->dir)
		remove_tree(AT_FDCWD, s->dir);
	for (size_t i = 0; s->value_path && i < s->rs->nrules; i++)
		free(s->value_path[i]);
	for (size_t i = 0; s->mirror_path && i < s->rs->ndirs; i++)
		free(s->mirror_path[i]);
	free(s->value_path);
	free(s->written);
	free(s->mirror_path);
	free(s->placeholders);
	free(s->writers);
	free(s->buf);
	free(s->root);
	free(s->run);
	free(s->dir);
	free(s);
}
