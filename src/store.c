/* The fake store; see store.h for the layout and the guarantees.

   Every file operation after store_open is relative to a directory fd of the store and
   goes through fsutil.h, which never follows a symlink, so nothing planted inside the
   store can redirect a write anywhere else. */
#include "grow.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include "fsutil.h"
#include "log.h"
#include "mountinfo.h"

/* A private store younger than this may still be getting its run lock. */
#define REAP_MIN_AGE_S 60


/* Directories below root/ kept open by their virtual path. */
struct dir_cache {
	struct cached_dir {
		char *vpath;
		size_t len;
		int fd;
	} *v;
	size_t n, cap;
	bool fresh; /* the store is new (private): what is made below is missing before */
};

/* Instances by path: sorted, for bsearch. */
struct instance {
	const char *path;
	void *fake; /* its struct rule or struct vdir */
};
struct instances {
	struct instance *v;
	size_t n, cap;
};

struct store {
	const struct ruleset *rs;
	bool private;
	char *dir;  /* absolute path of the store directory */
	char *root; /* dir/root */
	int storefd, rootfd; /* store dir, root/ */
	int originfd, writtenfd, runsfd; /* origin/, written/, runs/; a private store makes only
	                                    origin/, at its first instance (-1 until then) */
	int runfd; /* this run's directory, which we hold locked and stage files in:
	              runs/<run>, or a private store's own (then storefd) */
	int genfd; /* runfd's gen/: generated files, this run's alone; -1 until the first */
	char *gen; /* its absolute path */
	char *run; /* name of this run's directory under runs/ (a persistent store's) */
	struct rule_state {       /* per rule id (rules, then instances) */
		char *value_path; /* root/<path>, NULL for RULE_DIR and patterns */
		bool written;     /* known written (a cache: written/ is the truth) */
		bool made;        /* its file is there (see make_value) */
	} *rule_ids;
	size_t nids, capids;
	struct vdir_state {        /* per vdir id (vdirs, then instances) */
		char *mirror_path; /* root/<path> */
		unsigned char state; /* its provider's */
		bool made;           /* it lists its fake children (see make_mirror) */
	} *vdir_ids;
	size_t ndirids, capdirids;
	struct instances files, dirs; /* the instances of pattern rules and vdirs made so far */
	unsigned long next_name; /* names of the files we stage in runfd */
	bool setting_up;            /* until store_ready */
	int made_errno;             /* why a private store's directory could not be made */
	struct dir_cache made_dirs; /* while setting up: see walk_from */
};

static int seed_value(struct store *s, const struct rule *r);
static int store_made(struct store *s);
static int failf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int failf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A walk costs three syscalls a component (open, fstat, close), and a cgroup tree puts
   dozens of files in each of its directories: its start-up made 4,000 syscalls of walks,
   each ~50 us in gVisor. So while the store is set up, before any tracee runs and so
   before anything but this code changes root/, every directory walked below root/
   stays open, and a walk starts from the deepest one on its way. (Later a tracee's
   rmdir of a cgroup may remove one.) NULL: no cache for a walk from dfd. */
static struct dir_cache *cache_for(struct store *s, int dfd)
{
	return s->setting_up && dfd == s->rootfd ? &s->made_dirs : NULL;
}

static void forget_dirs(struct dir_cache *c)
{
	for (size_t i = 0; i < c->n; i++) {
		close(c->v[i].fd);
		free(c->v[i].vpath);
	}
	c->n = 0;
}

/* Where a walk of the first len bytes of vpath below dfd starts: the deepest cached
   directory on its way (*done: the bytes it stands for), else a copy of dfd. */
static int walk_from(struct dir_cache *c, int dfd, const char *vpath, size_t len, size_t *done)
{
	*done = 0;
	int from = -1;
	for (size_t i = 0; c && i < c->n; i++) {
		size_t n = c->v[i].len;
		if (n > *done && n <= len && !memcmp(vpath, c->v[i].vpath, n) && (n == len || vpath[n] == '/')) {
			*done = n;
			from = c->v[i].fd;
		}
	}
	return from >= 0 ? from : c ? dfd : fcntl(dfd, F_DUPFD_CLOEXEC, 0);
}

/* Opens the directory of the first len bytes of vpath below dfd, one component at a time.
   With a cache, the fd is the cache's: not to be closed. */
static int open_below_cached(struct dir_cache *c, int dfd, const char *vpath, size_t len, bool create)
{
	size_t i;
	int fd = walk_from(c, dfd, vpath, len, &i);
	char name[NAME_MAX + 1];
	while (fd >= 0) {
		while (i < len && vpath[i] == '/')
			i++;
		size_t j = i;
		while (j < len && vpath[j] != '/')
			j++;
		if (j == i)
			break;
		if (j - i > NAME_MAX) {
			if (!c)
				close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(name, vpath + i, j - i);
		name[j - i] = '\0';
		int next = fs_open_subdir(fd, name, !create ? SUBDIR_OPEN : c && c->fresh ? SUBDIR_NEW : SUBDIR_MAKE);
		if (!c)
			close(fd);
		else if (next >= 0) {
			c->v = grow_for_one(c->v, c->n, &c->cap, sizeof *c->v, 16);
			c->v[c->n] = (struct cached_dir){ .vpath = strndup(vpath, j), .len = j, .fd = next };
			if (!c->v[c->n++].vpath)
				die_oom();
		}
		fd = next;
		i = j;
	}
	return fd;
}

static int open_below(int dfd, const char *vpath, size_t len, bool create)
{
	return open_below_cached(NULL, dfd, vpath, len, create);
}

/* The same for a caller that closes the fd. */
static int open_dir_below(struct store *s, int dfd, const char *vpath, bool create)
{
	struct dir_cache *c = cache_for(s, dfd);
	int fd = open_below_cached(c, dfd, vpath, strlen(vpath), create);
	return c && fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : fd;
}

/* The directory below dfd that holds vpath's file (created if missing if create); leaf is
   its name. With a cache, the fd is the cache's: not to be closed. */
static int open_parent(struct dir_cache *c, int dfd, const char *vpath, bool create, const char **leaf)
{
	*leaf = strrchr(vpath, '/') + 1;
	return open_below_cached(c, dfd, vpath, (size_t)(*leaf - vpath), create);
}

/* A new file dfd/leaf holding data, or -errno with nothing left behind (-EEXIST if the
   name is taken). */
static int create_file(int dfd, const char *leaf, const char *data, size_t len)
{
	/* An empty one (a cgroup's computed files, written at each open) without an open
	   and a close. */
	if (len == 0)
		return mknodat(dfd, leaf, S_IFREG | 0644, 0) == 0 ? 0 : -errno;
	int fd = openat(dfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	bool ok = fs_write_all(fd, data, len);
	int err = errno;
	if (close(fd) < 0 && ok) {
		ok = false;
		err = errno;
	}
	if (!ok)
		unlinkat(dfd, leaf, 0);
	return ok ? 0 : -err;
}

/* Replaces dfd/leaf by a complete new file: whoever opened the old one keeps reading it.
   The data is on the filesystem before the rename makes it the value. */
static int replace_file(struct store *s, int dfd, const char *leaf, const char *data, size_t len)
{
	char tmp[24];
	snprintf(tmp, sizeof tmp, "%lu", s->next_name++); /* runfd is ours alone; no name there is a number */
	int rc = create_file(s->runfd, tmp, data, len);
	if (rc < 0 || renameat(s->runfd, tmp, dfd, leaf) == 0)
		return rc;
	rc = -errno;
	unlinkat(s->runfd, tmp, 0);
	return rc;
}

/* Writes vpath's file below dfd (root/, origin/, written/ or a run's gen/). 0 or -errno.
   in_place: the file is known to be missing, so no reader needs a complete file handed
   over; it is written where it goes, without the rename (a syscall, ~50 us in gVisor). */
static int put_file_at(struct store *s, int dfd, const char *vpath, const char *data, size_t len, bool in_place)
{
	const char *leaf;
	struct dir_cache *c = cache_for(s, dfd);
	int d = open_parent(c, dfd, vpath, true, &leaf);
	if (d < 0)
		return -errno;
	int rc = in_place ? create_file(d, leaf, data, len) : -EEXIST;
	if (rc == -EEXIST)
		rc = replace_file(s, d, leaf, data, len);
	if (!c)
		close(d);
	return rc;
}

/* For a caller that reports errors through errno: whether rc (0 or -errno) is 0, with
   errno set if not. */
static bool ok_or_errno(int rc)
{
	if (rc < 0)
		errno = -rc;
	return rc == 0;
}

/* In a new store, before any tracee runs, every file made is missing before. */
static int put_file(struct store *s, int dfd, const char *vpath, const char *data, size_t len)
{
	struct dir_cache *c = cache_for(s, dfd);
	return put_file_at(s, dfd, vpath, data, len, c && c->fresh);
}

/* r's value path, root/<path>, named once the store is made. 0 or -errno. */
static int name_value(struct store *s, const struct rule *r)
{
	char **path = &s->rule_ids[r->id].value_path;
	int rc = store_made(s);
	if (rc == 0 && !*path && asprintf(path, "%s%s", s->root, r->path) < 0)
		die_oom();
	return rc;
}

/* A private store makes a profile rule's value file, and a directory mirror with its fake
   children, at their first use, not at its start: most runs use few of their fakes, and
   each file and directory costs its making and its removal at exit, ~0.1 ms each on a
   disk's /tmp mounted with discard, several syscalls of ~50 us each in gVisor. Only this
   run uses the store, and each of its tracees reaches a value or a mirror through here,
   so none can find one missing. A persistent store makes all of them at open (seed_value),
   for the other runs sharing it. 0 or -errno. */
static int make_value(struct store *s, const struct rule *r)
{
	struct rule_state *v = &s->rule_ids[r->id];
	if (v->made)
		return 0;
	int rc = name_value(s, r);
	if (rc == 0)
		rc = put_file_at(s, s->rootfd, r->path, r->content, r->content_len, true);
	v->made = rc == 0;
	return rc;
}

static int make_mirror(struct store *s, const struct vdir *d)
{
	struct vdir_state *v = &s->vdir_ids[d->id];
	if (v->made)
		return 0;
	int rc = store_made(s);
	if (rc < 0)
		return rc;
	if (!v->mirror_path && asprintf(&v->mirror_path, "%s%s", s->root, strcmp(d->path, "/") ? d->path : "") < 0)
		die_oom();
	int fd = open_dir_below(s, s->rootfd, d->path, true);
	if (fd < 0)
		return -errno;
	/* Its listing shows each fake child. A pattern's instances and a tree are made by
	   their own first use and by their provider; a child directory lists its own
	   children when it is used. */
	for (size_t i = 0; i < d->nchildren && rc == 0; i++) {
		char child[PATH_MAX];
		if (snprintf(child, sizeof child, "%s/%s", strcmp(d->path, "/") ? d->path : "", d->children[i]) >=
		    (int)sizeof child)
			continue;
		struct match m = rules_match(s->rs, child);
		if (m.kind == MATCH_FILE && !m.rule->pattern)
			rc = make_value(s, m.rule);
		else if (m.kind == MATCH_DIR && !m.dir->pattern && mkdirat(fd, d->children[i], 0755) < 0 && errno != EEXIST)
			rc = -errno;
	}
	close(fd);
	v->made = rc == 0;
	return rc;
}

/* origin/ and gen/, made at their first use: most runs of a private store need neither,
   and each directory costs a mkdir and a removal (0.15 ms on a disk's /tmp, more in
   gVisor). -1 with errno set if it cannot be made. */
static int origin_dir(struct store *s)
{
	if (s->originfd < 0)
		s->originfd = fs_open_subdir(s->storefd, "origin", SUBDIR_NEW); /* a private store's */
	return s->originfd;
}

static int gen_dir(struct store *s)
{
	if (s->genfd < 0)
		s->genfd = fs_open_subdir(s->runfd, "gen", SUBDIR_NEW); /* in this run's directory */
	return s->genfd;
}

int store_put(struct store *s, const char *vpath, const char *data, size_t len)
{
	int rc = store_made(s);
	return rc < 0 ? rc : put_file(s, s->rootfd, vpath, data, len);
}

int store_open_dir(struct store *s, const char *vpath, bool create)
{
	return ok_or_errno(store_made(s)) ? open_dir_below(s, s->rootfd, vpath, create) : -1;
}

void store_path(struct store *s, const char *vpath, char out[PATH_MAX])
{
	if (store_made(s) < 0)
		out[0] = '\0'; /* nothing can be there */
	else
		snprintf(out, PATH_MAX, "%s%s", s->root, vpath);
}

const char *store_dir(struct store *s)
{
	return store_made(s) < 0 ? NULL : s->dir;
}

int store_put_generated(struct store *s, const char *vpath, pid_t pid, const char *data, size_t len,
                        char out[PATH_MAX])
{
	char where[PATH_MAX];
	if (snprintf(where, sizeof where, "/%d%s", (int)pid, vpath) >= (int)sizeof where)
		return -ENAMETOOLONG;
	int rc = store_made(s);
	if (rc < 0)
		return rc;
	int gfd = gen_dir(s);
	rc = gfd < 0 ? -errno : put_file(s, gfd, where, data, len);
	size_t g = strlen(s->gen), w = strlen(where);
	if (rc == 0 && g + w >= PATH_MAX)
		rc = -ENAMETOOLONG;
	else if (rc == 0) {
		memcpy(out, s->gen, g);
		memcpy(out + g, where, w + 1);
	}
	return rc;
}

const char *store_value_path(struct store *s, const struct rule *r)
{
	return ok_or_errno(make_value(s, r)) ? s->rule_ids[r->id].value_path : NULL;
}

int store_replace_value(struct store *s, const struct rule *r, const char *data, size_t len)
{
	size_t i = r->id;
	int rc = name_value(s, r);
	if (rc == 0)
		rc = put_file(s, s->rootfd, r->path, data, len);
	s->rule_ids[i].made |= rc == 0;
	if (rc == 0 && !s->rule_ids[i].written) {
		/* The value is kept; the mark only matters to real-first, which then serves
		   the store. Should it fail, the next write marks it. A private store's run is
		   its only reader: the flag is the mark. */
		if (s->private || put_file(s, s->writtenfd, r->path, "", 0) == 0)
			s->rule_ids[i].written = true;
	}
	return rc;
}

bool store_was_written(struct store *s, const struct rule *r)
{
	size_t i = r->id;
	if (s->rule_ids[i].written || s->private)
		return s->rule_ids[i].written;
	/* Another run sharing the store may have written it since. */
	const char *leaf;
	int d = open_parent(NULL, s->writtenfd, r->path, false, &leaf);
	struct stat st;
	s->rule_ids[i].written = d >= 0 && fstatat(d, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (d >= 0)
		close(d);
	return s->rule_ids[i].written;
}

int store_stat_value(struct store *s, const struct rule *r, struct stat *st)
{
	const char *path = store_value_path(s, r);
	return path && fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
}

const char *store_mirror_path(struct store *s, const struct vdir *d)
{
	return ok_or_errno(make_mirror(s, d)) ? s->vdir_ids[d->id].mirror_path : NULL;
}

unsigned char *store_mirror_state(struct store *s, const struct vdir *d)
{
	return &s->vdir_ids[d->id].state;
}

const struct ruleset *store_rules(const struct store *s)
{
	return s->rs;
}

int store_open_mirror(struct store *s, const struct vdir *d)
{
	return ok_or_errno(make_mirror(s, d)) ? open_dir_below(s, s->rootfd, d->path, true) : -1;
}

/* A fd on a store file that was replaced since reads back as "PATH (deleted)": it is
   still the fake at PATH (fakesys replaces values by rename; the kernel never would). */
static bool strip_deleted(char virt[PATH_MAX])
{
	static const char suffix[] = " (deleted)";
	size_t n = strlen(virt), k = sizeof suffix - 1;
	if (n > k && !strcmp(virt + n - k, suffix))
		virt[n - k] = '\0';
	return true;
}

bool store_to_virtual(const struct store *s, const char *path, char virt[PATH_MAX])
{
	if (!s->root)
		return false; /* a private store not made yet: nothing lies in it */
	size_t n = strlen(s->root);
	if (!strncmp(path, s->root, n) && (path[n] == '/' || path[n] == '\0'))
		return snprintf(virt, PATH_MAX, "%s", path[n] ? path + n : "/") < PATH_MAX && strip_deleted(virt);
	/* A generated file, gen/<pid>/<path>: /proc/self there is that process's. */
	size_t g = strlen(s->gen);
	if (strncmp(path, s->gen, g) || path[g] != '/')
		return false;
	char *end;
	long pid = strtol(path + g + 1, &end, 10);
	if (end == path + g + 1 || *end != '/')
		return false;
	if (!strncmp(end, "/proc/self", 10) && (end[10] == '/' || !end[10]))
		return snprintf(virt, PATH_MAX, "/proc/%ld%s", pid, end + 10) < PATH_MAX && strip_deleted(virt);
	return snprintf(virt, PATH_MAX, "%s", end) < PATH_MAX && strip_deleted(virt);
}

/* ---- instances of pattern rules ------------------------------------------------ */

static int cmp_instance(const void *key, const void *elem)
{
	return strcmp(key, ((const struct instance *)elem)->path);
}

/* The instance at path, or NULL; *pos is where it goes in sorted order. */
static void *find_instance(const struct instances *in, const char *path, size_t *pos)
{
	size_t lo = 0, hi = in->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_instance(path, &in->v[mid]);
		if (!c)
			return in->v[mid].fake;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*pos = lo;
	return NULL;
}

static void add_instance(struct instances *in, size_t pos, const char *path, void *fake)
{
	in->v = grow_for_one(in->v, in->n, &in->cap, sizeof *in->v, 16);
	memmove(in->v + pos + 1, in->v + pos, (in->n - pos) * sizeof *in->v);
	in->v[pos] = (struct instance){ .path = path, .fake = fake };
	in->n++;
}

const struct rule *store_instance(struct store *s, const struct rule *p, const char *path)
{
	size_t pos;
	struct rule *r = find_instance(&s->files, path, &pos);
	if (r || !ok_or_errno(store_made(s)))
		return r;
	s->rule_ids = grow_for_one(s->rule_ids, s->nids, &s->capids, sizeof *s->rule_ids, 16);
	char *value_path;
	if (!(r = malloc(sizeof *r)) || asprintf(&value_path, "%s%s", s->root, path) < 0)
		die_oom();
	*r = *p;
	r->pattern = false;
	r->id = s->nids;
	if (!(r->path = strdup(path)))
		die_oom();
	s->rule_ids[r->id] = (struct rule_state){ .value_path = value_path, .made = true };
	/* Another run sharing the store may be seeding it too, and then writing it: seeding
	   is checked and done under a lock, so that no run re-seeds a value just written. */
	int ofd = origin_dir(s);
	int rc = ofd < 0 || (!s->private && flock(ofd, LOCK_EX) < 0) ? -errno : seed_value(s, r);
	if (ofd >= 0 && !s->private)
		flock(ofd, LOCK_UN);
	if (rc < 0) {
		s->rule_ids[r->id].value_path = NULL;
		free(value_path);
		free(r->path);
		free(r);
		errno = -rc;
		return NULL;
	}
	s->nids++;
	add_instance(&s->files, pos, r->path, r);
	return r;
}

const struct vdir *store_instance_dir(struct store *s, const struct vdir *p, const char *path)
{
	size_t pos;
	struct vdir *d = find_instance(&s->dirs, path, &pos);
	if (d || !ok_or_errno(store_made(s)))
		return d;
	/* Its origin/ directory marks it as an instance for every run's listings, which show
	   its mirror. */
	int ofd = origin_dir(s);
	int fd = ofd < 0 ? -1 : open_below(ofd, path, strlen(path), true);
	if (fd >= 0) {
		close(fd);
		fd = open_below(s->rootfd, path, strlen(path), true);
	}
	if (fd < 0)
		return NULL;
	close(fd);
	s->vdir_ids = grow_for_one(s->vdir_ids, s->ndirids, &s->capdirids, sizeof *s->vdir_ids, 16);
	s->vdir_ids[s->ndirids] = (struct vdir_state){ .made = true };
	if (!(d = malloc(sizeof *d)) || asprintf(&s->vdir_ids[s->ndirids].mirror_path, "%s%s", s->root, path) < 0)
		die_oom();
	*d = (struct vdir){ .path = strdup(path), .rule = p->rule, .id = s->ndirids++ };
	if (!d->path)
		die_oom();
	d->nchildren = rules_pattern_children(s->rs, path, (const char ***)&d->children);
	add_instance(&s->dirs, pos, d->path, d);
	/* Its listing shows each fake child, as a literal directory's does, so they are made
	   with it (one that fails here is made, or fails, at its own first use). */
	for (size_t i = 0; i < d->nchildren; i++) {
		char child[PATH_MAX];
		if (!strcmp(d->children[i], "*") ||
		    snprintf(child, sizeof child, "%s/%s", path, d->children[i]) >= (int)sizeof child)
			continue;
		struct match m = rules_match(s->rs, child);
		if (m.kind == MATCH_FILE && m.rule->pattern)
			store_instance(s, m.rule, child);
		else if (m.kind == MATCH_DIR && m.dir->pattern)
			store_instance_dir(s, m.dir, child);
	}
	return d;
}

int store_open_instances(struct store *s, const char *dir)
{
	if (s->originfd < 0) { /* a private store that has no instance yet */
		errno = ENOENT;
		return -1;
	}
	return open_below(s->originfd, dir, strlen(dir), false);
}

/* ---- runs and their locks ----------------------------------------------------- */

/* Whether some run directory under runsfd is locked by a live run. Without remove, only
   asks; with it, removes the directories of runs that are over. */
static bool live_runs(int runsfd, bool remove)
{
	struct listing *d = fs_open_listing(runsfd, ".");
	if (!d)
		return false;
	bool live = false;
	const struct dirent64 *e;
	time_t now = time(NULL);
	while ((e = fs_next_entry(d))) {
		if (e->d_name[0] == '.') {
			/* A run being born (see open_run); only a crash leaves one for long. */
			struct stat st;
			if (remove && fstatat(runsfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    now - st.st_mtime > REAP_MIN_AGE_S)
				fs_remove_tree(runsfd, e->d_name);
			continue;
		}
		int run = fs_open_dir(runsfd, e->d_name);
		bool over = run >= 0 && flock(run, LOCK_EX | LOCK_NB) == 0;
		live |= run >= 0 && !over;
		if (over && remove)
			fs_remove_tree(runsfd, e->d_name);
		if (run >= 0)
			close(run); /* drops the lock we may have taken */
	}
	fs_close_listing(d);
	return live;
}

/* Each run stages its renames in its own runs/<run>, so that several runs can share a
   persistent store at the same time. The lock on runs/<run> tells others we live. A
   private store's run is its only one: it locks the store directory itself, before
   root/ is made (see reap_private_stores), and needs no origin/ nor written/. */
static int open_run(struct store *s)
{
	if (s->private) {
		s->runfd = s->storefd;
		if (asprintf(&s->gen, "%s/gen", s->dir) < 0) {
			s->gen = NULL;
			return -1;
		}
		return flock(s->runfd, LOCK_EX);
	}
	if ((s->originfd = fs_open_subdir(s->storefd, "origin", SUBDIR_MAKE)) < 0 ||
	    (s->writtenfd = fs_open_subdir(s->storefd, "written", SUBDIR_MAKE)) < 0 ||
	    (s->runsfd = fs_open_subdir(s->storefd, "runs", SUBDIR_MAKE)) < 0)
		return -1;
	live_runs(s->runsfd, true);
	/* A run directory is born locked: made as .new-XXXXXX, which other runs leave
	   alone, locked, then renamed. An unlocked run directory is always a dead run's. */
	char *tmpl;
	if (asprintf(&tmpl, "%s/runs/.new-XXXXXX", s->dir) < 0)
		return -1;
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return -1;
	}
	const char *born = strrchr(tmpl, '/') + 1;
	s->run = strdup(born + strlen(".new-"));
	if (!s->run || (s->runfd = fs_open_dir(s->runsfd, born)) < 0 || flock(s->runfd, LOCK_EX) < 0 ||
	    renameat(s->runsfd, born, s->runsfd, s->run) < 0) {
		free(tmpl);
		return -1;
	}
	free(tmpl);
	if (asprintf(&s->gen, "%s/runs/%s/gen", s->dir, s->run) < 0) {
		s->gen = NULL;
		return -1;
	}
	return 0;
}

/* Whether a mount lies at dir or beneath it: a program's mount on a store directory
   (through /proc/self/fd/N of a fake one), whose real files a removal must not touch.
   fs_remove_tree stays out of mounts by itself where the kernel marks their roots; this
   also sees a bind of the store's own file system before Linux 5.8. Unknown counts as
   yes. */
static bool mounts_within(const char *dir)
{
	char *abs = realpath(dir, NULL);
	const char *mountinfo = abs ? mountinfo_read("/proc/self/mountinfo") : NULL;
	struct mount_entry m;
	bool within = !mountinfo || mount_point_is(mountinfo, abs, &m) || mount_beneath(mountinfo, abs);
	free(abs);
	return within;
}

/* A private store's name. Its run locks the store directory itself (open_run); a
   fakesys from before 2026-12-07 made fakesys.XXXXXX, locked a runs/<run> in it, and
   reaped any fakesys.XXXXXX without one: so this layout has a name of its own, which
   such a fakesys, still installed somewhere, never reaps. */
#define PRIVATE_PREFIX "fakesys.2."
#define OLDER_PRIVATE_PREFIX "fakesys."

/* prefix and the six characters mkdtemp put for XXXXXX */
static bool made_from(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	return !strncmp(name, prefix, n) && strlen(name) == n + 6;
}

static bool private_store_name(const char *name)
{
	return made_from(name, PRIVATE_PREFIX) || made_from(name, OLDER_PRIVATE_PREFIX);
}

/* Removes the private stores (private_store_name, ours, 0700) under base whose run was
   killed: its run holds no lock on the store directory, nor (an older fakesys's store,
   whose run may still live) on a runs/<run>. A store younger than REAP_MIN_AGE_S may be
   between its mkdtemp and its lock, so it is left alone unless it shows that its run
   held the lock: root/, which the run makes after locking, or a runs/<run>. */
static void reap_private_stores(const char *base)
{
	/* Followed if a symlink ($TMPDIR may be one): the listing's fd is the base's. */
	struct listing *d = fs_listing_of(open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!d)
		return;
	int basefd = fs_listing_fd(d);
	time_t now = time(NULL);
	const struct dirent64 *e;
	while ((e = fs_next_entry(d))) {
		if (!private_store_name(e->d_name))
			continue;
		int fd = fs_open_dir(basefd, e->d_name);
		struct stat st;
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 07777) == 0700) {
			int runsfd = fs_open_dir(fd, "runs");
			bool has_runs = false;
			struct listing *runs = runsfd < 0 ? NULL : fs_open_listing(runsfd, ".");
			const struct dirent64 *r;
			while (runs && !has_runs && (r = fs_next_entry(runs)))
				has_runs = r->d_name[0] != '.';
			fs_close_listing(runs);
			/* Our try at the lock is dropped with fd below. */
			bool held = flock(fd, LOCK_EX | LOCK_NB) < 0;
			bool dead = !held && (runsfd < 0 || !live_runs(runsfd, false));
			struct stat root;
			bool was_locked = has_runs || fstatat(fd, "root", &root, AT_SYMLINK_NOFOLLOW) == 0;
			char path[PATH_MAX];
			if (dead && (was_locked || now - st.st_mtime > REAP_MIN_AGE_S) &&
			    snprintf(path, sizeof path, "%s/%s", base, e->d_name) < (int)sizeof path && !mounts_within(path))
				fs_remove_tree(basefd, e->d_name);
			if (runsfd >= 0)
				close(runsfd);
		}
		close(fd);
	}
	fs_close_listing(d);
}

/* ---- opening ------------------------------------------------------------------- */

/* A fresh 0700 directory with an unpredictable name under $TMPDIR, else /tmp. */
static int open_private(struct store *s, char *err, size_t errlen)
{
	const char *bases[] = {getenv("TMPDIR"), "/tmp"};
	for (size_t i = 0; i < 2 && !s->dir; i++) {
		if (!bases[i] || !*bases[i])
			continue;
		reap_private_stores(bases[i]);
		if (asprintf(&s->dir, "%s/" PRIVATE_PREFIX "XXXXXX", bases[i]) < 0)
			continue;
		if (!mkdtemp(s->dir)) {
			free(s->dir);
			s->dir = NULL;
		}
	}
	if (!s->dir)
		return failf(err, errlen, "cannot create a store directory in $TMPDIR or /tmp: %s", strerror(errno));
	s->storefd = fs_open_dir(AT_FDCWD, s->dir);
	char *abs = s->storefd < 0 ? NULL : realpath(s->dir, NULL); /* tracees get absolute paths */
	if (!abs)
		return failf(err, errlen, "store %s: %s", s->dir, strerror(errno));
	free(s->dir);
	s->dir = abs;
	return 0;
}

/* A directory that several runs share: it must be ours alone, or a tracee's value could be
   changed behind our back (or a symlink could point our writes elsewhere). */
static int open_persistent(struct store *s, const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return failf(err, errlen, "store %s: cannot create: %s", dir, strerror(errno));
	s->storefd = fs_open_dir(AT_FDCWD, dir);
	if (s->storefd < 0)
		return failf(err, errlen, "store %s: %s", dir, errno == ELOOP ? "is a symlink" : strerror(errno));
	struct stat st;
	if (fstat(s->storefd, &st) < 0)
		return failf(err, errlen, "store %s: %s", dir, strerror(errno));
	if (st.st_uid != geteuid())
		return failf(err, errlen, "store %s: owned by uid %u, not by us", dir, (unsigned)st.st_uid);
	if (st.st_mode & 077)
		return failf(err, errlen, "store %s: mode %04o lets others in (chmod 700 it)", dir,
		             (unsigned)(st.st_mode & 07777));
	if (faccessat(s->storefd, ".", W_OK | X_OK, 0) < 0)
		return failf(err, errlen, "store %s: not writable: %s", dir, strerror(errno));
	s->dir = realpath(dir, NULL); /* tracees get absolute paths */
	if (!s->dir)
		return failf(err, errlen, "store %s: %s", dir, strerror(errno));
	return 0;
}

/* Whether r's value was seeded from its current profile value and is still a value. */
static bool seeded_from_profile(struct store *s, const struct rule *r)
{
	const char *leaf;
	/* one byte more than the value, to see a longer file */
	char *got = malloc(r->content_len + 1);
	if (!got)
		die_oom();
	int d = open_parent(NULL, s->originfd, r->path, true, &leaf);
	ssize_t n = d < 0 ? -1 : fs_read_file(d, leaf, got, r->content_len + 1);
	if (d >= 0)
		close(d);
	bool same = n >= 0 && (size_t)n == r->content_len && !memcmp(got, r->content, (size_t)n);
	free(got);
	if (!same)
		return false;
	struct stat st;
	return stat(s->rule_ids[r->id].value_path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Seeds r's value from the profile, unless it was seeded from this same value before. */
static int seed_value(struct store *s, const struct rule *r)
{
	if (seeded_from_profile(s, r))
		return 0;
	const char *leaf;
	int d = open_parent(NULL, s->rootfd, r->path, true, &leaf);
	if (d < 0)
		return -errno;
	forget_dirs(&s->made_dirs); /* one may be inside what goes */
	fs_remove_tree(d, leaf); /* a mirror placeholder, or a directory of an older profile */
	close(d);
	int rc = put_file(s, s->rootfd, r->path, r->content, r->content_len);
	if (rc == 0 && !s->private && (d = open_parent(NULL, s->writtenfd, r->path, true, &leaf)) >= 0) {
		fs_remove_tree(d, leaf);
		close(d);
	}
	return rc ? rc : put_file(s, s->originfd, r->path, r->content, r->content_len);
}

/* The run's lock and root/. */
static int make_layout(struct store *s, char *err, size_t errlen)
{
	if (open_run(s) < 0 || (s->rootfd = fs_open_subdir(s->storefd, "root", s->private ? SUBDIR_NEW : SUBDIR_MAKE)) < 0)
		return failf(err, errlen, "store %s: %s", s->dir, strerror(errno));
	if (asprintf(&s->root, "%s/root", s->dir) < 0) {
		s->root = NULL;
		return failf(err, errlen, "out of memory");
	}
	return 0;
}

/* A private store's directory, made at its first use, as its values are (make_value):
   a run that uses no fake makes no store, and removes none (a mkdir and a removal each
   for the store and its root/, ~0.1 ms apiece on a disk's /tmp; ~20 syscalls in
   gVisor, where the reaping's listing of $TMPDIR comes too). 0 or -errno; the first
   failure is said once, as store_open said it before. */
static int store_made(struct store *s)
{
	if (s->rootfd >= 0 || s->made_errno)
		return -s->made_errno;
	char err[512];
	if (open_private(s, err, sizeof err) < 0 || make_layout(s, err, sizeof err) < 0) {
		s->made_errno = errno ? errno : EIO;
		msg("%s", err);
	}
	return -s->made_errno;
}

/* A persistent store's every initial value and directory mirror, for every run
   sharing it. */
static int seed_all(struct store *s, char *err, size_t errlen)
{
	const struct ruleset *rs = s->rs;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		if (r->kind != RULE_FILE || r->pattern)
			continue;
		if (asprintf(&s->rule_ids[i].value_path, "%s%s", s->root, r->path) < 0)
			return failf(err, errlen, "out of memory");
		int rc = seed_value(s, r);
		if (rc < 0)
			return failf(err, errlen, "store %s: %s: %s", s->dir, r->path, strerror(-rc));
		s->rule_ids[i].made = true;
	}
	for (size_t i = 0; i < rs->ndirs; i++) {
		const char *p = rs->dirs[i].path;
		if (rs->dirs[i].pattern)
			continue;
		if (asprintf(&s->vdir_ids[i].mirror_path, "%s%s", s->root, strcmp(p, "/") ? p : "") < 0)
			return failf(err, errlen, "out of memory");
		/* The walk's directories stay the setup cache's: no fd of its own to close. */
		if (open_below_cached(&s->made_dirs, s->rootfd, p, strlen(p), true) < 0)
			return failf(err, errlen, "store %s: %s: %s", s->dir, p, strerror(errno));
		s->vdir_ids[i].made = true;
	}
	return 0;
}

struct store *store_open(const char *dir, const struct ruleset *rs, char *err, size_t errlen)
{
	struct store *s = malloc(sizeof *s);
	if (s) {
		*s = (struct store){.rs = rs, .private = !dir, .storefd = -1, .rootfd = -1, .originfd = -1,
		                    .writtenfd = -1, .runsfd = -1, .runfd = -1, .genfd = -1, .setting_up = true,
		                    .made_dirs.fresh = !dir};
		s->nids = s->capids = rs->nrules;
		s->ndirids = s->capdirids = rs->ndirs;
		s->rule_ids = calloc(s->capids + 1, sizeof *s->rule_ids); /* + 1: calloc(0) may be NULL */
		s->vdir_ids = calloc(s->capdirids + 1, sizeof *s->vdir_ids);
	}
	if (!s || !s->rule_ids || !s->vdir_ids) {
		failf(err, errlen, "out of memory");
		store_close(s);
		return NULL;
	}
	/* A private store is made at its first use (store_made). */
	if (dir && (open_persistent(s, dir, err, errlen) < 0 || make_layout(s, err, errlen) < 0 || seed_all(s, err, errlen) < 0)) {
		store_close(s);
		return NULL;
	}
	return s;
}

void store_ready(struct store *s)
{
	s->setting_up = false;
	forget_dirs(&s->made_dirs);
}

void store_close(struct store *s)
{
	if (!s)
		return;
	forget_dirs(&s->made_dirs);
	free(s->made_dirs.v);
	bool keep = s->dir && mounts_within(s->dir);
	if (keep)
		msg("store %s kept: a program mounted on a directory in it", s->dir);
	if (s->run && s->runsfd >= 0 && !keep)
		fs_remove_tree(s->runsfd, s->run);
	int fds[] = {s->storefd, s->rootfd, s->originfd, s->writtenfd, s->runsfd,
	             s->runfd == s->storefd ? -1 : s->runfd, s->genfd};
	for (size_t i = 0; i < sizeof fds / sizeof *fds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (s->private && s->dir && !keep)
		fs_remove_tree(AT_FDCWD, s->dir);
	for (size_t i = 0; s->rule_ids && i < s->nids; i++)
		free(s->rule_ids[i].value_path);
	for (size_t i = 0; s->vdir_ids && i < s->ndirids; i++)
		free(s->vdir_ids[i].mirror_path);
	for (size_t i = 0; i < s->files.n; i++) {
		struct rule *r = s->files.v[i].fake;
		free(r->path); /* the rest is the pattern's */
		free(r);
	}
	for (size_t i = 0; i < s->dirs.n; i++) {
		struct vdir *d = s->dirs.v[i].fake;
		free(d->path);
		free(d->children); /* the names are the ruleset's */
		free(d);
	}
	free(s->files.v);
	free(s->dirs.v);
	free(s->rule_ids);
	free(s->vdir_ids);
	free(s->root);
	free(s->gen);
	free(s->run);
	free(s->dir);
	free(s);
}
