/* Unit test of the fake store (src/store.c) and its providers (src/provider_*.c): layout
   and safety of the store directory, precedence and reaping, kernel-like values, atomic
   replacement under concurrency, directory mirrors, real-first, stat.
   Prints "ok - name" / "not ok - name" per check; exits 1 if any check failed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "provider.h"
#include "store.h"
#include "unit.h"


/* The whole content of path, NUL-terminated, or "<errno text>" if it cannot be read. */
static const char *slurp(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "<cannot open>";
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static void put(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, data, strlen(data)) < 0)
		perror(path), exit(2);
	close(fd);
}

/* ---- the rule set ---- */

static struct ruleset rs;

static void add_rule(const char *path, enum rule_kind kind, enum rule_policy policy, const char *content)
{
	rs.rules = realloc(rs.rules, (rs.nrules + 1) * sizeof *rs.rules);
	rs.rules[rs.nrules++] = (struct rule){
		.path = strdup(path),
		.kind = kind,
		.policy = policy,
		.content = strdup(content),
		.content_len = strlen(content),
		.sysctl = !strncmp(path, "/proc/sys/", 10),
		.origin = strdup("test"),
	};
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct rule *)a)->path, ((const struct rule *)b)->path);
}

static const struct rule *rule(const char *path)
{
	for (size_t i = 0; i < rs.nrules; i++)
		if (!strcmp(rs.rules[i].path, path))
			return &rs.rules[i];
	fprintf(stderr, "no rule %s\n", path);
	exit(2);
}

static const struct vdir *vdir(const char *path)
{
	for (size_t i = 0; i < rs.ndirs; i++)
		if (!strcmp(rs.dirs[i].path, path))
			return &rs.dirs[i];
	fprintf(stderr, "no vdir %s\n", path);
	exit(2);
}

#define MAXKEYS "/proc/sys/kernel/keys/root_maxkeys"
#define PANIC "/proc/sys/kernel/panic"
#define PLAIN "/sys/module/fakesys_test/parameters/plain"
#define SELF_MISSING "/proc/self/fakesys-test-missing"
#define SELF_STATUS "/proc/self/status"

static void build_rules(void)
{
	add_rule(MAXKEYS, RULE_FILE, POLICY_STORE, "1000000\n");
	add_rule(PANIC, RULE_FILE, POLICY_STORE, "0\n");
	add_rule(PLAIN, RULE_FILE, POLICY_STORE, "abc\n");
	add_rule(SELF_MISSING, RULE_FILE, POLICY_REAL_FIRST, "fake missing\n");
	add_rule(SELF_STATUS, RULE_FILE, POLICY_REAL_FIRST, "fake status\n");
	add_rule(tpath("real/fakefile"), RULE_FILE, POLICY_STORE, "fake\n");
	add_rule(tpath("real/fakedir"), RULE_DIR, POLICY_STORE, "");
	add_rule(tpath("missing/only"), RULE_FILE, POLICY_STORE, "only\n");
	add_rule(tpath("realfile"), RULE_FILE, POLICY_REAL_FIRST, "fake\n");
	add_rule(tpath("pat/*/v"), RULE_FILE, POLICY_STORE, "0\n");
	add_rule(tpath("pat/*/rf"), RULE_FILE, POLICY_REAL_FIRST, "fake\n");
	qsort(rs.rules, rs.nrules, sizeof *rs.rules, by_path);
	rules_index(&rs);
}

/* ---- helpers around the store ---- */

static struct store *open_store(const char *dir)
{
	char err[512] = "";
	struct store *s = store_open(dir, &rs, err, sizeof err);
	if (!s)
		fprintf(stderr, "store_open: %s\n", err), exit(2);
	store_ready(s);
	return s;
}

/* The fake a call by process pid names at path. */
static struct fake fake_at(const char *path, pid_t pid)
{
	return (struct fake){ .rule = rule(path), .path = rule(path)->path, .pid = pid };
}

/* Where a reader of path, process pid, goes; NULL for the real file. */
static const char *target_of(struct store *s, const char *path, pid_t pid)
{
	struct fake f = fake_at(path, pid);
	const char *target;
	bool stable;
	return provider_of(f.rule)->read_target(s, &f, &target, &stable) > 0 ? target : NULL;
}

/* What a tracee reading r would see. */
static const char *read_value(struct store *s, const char *path)
{
	const char *target = target_of(s, path, getpid());
	return target ? slurp(target) : "<real>";
}

/* One write(2) at offset 0, as fake_fds.c hands it to the provider. */
static int write_value(struct store *s, const char *path, const char *data)
{
	struct fake f = fake_at(path, getpid());
	return provider_of(f.rule)->write(s, &f, data, strlen(data), 0);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static mode_t type_of(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0;
}

static size_t count_entries(const char *dir)
{
	size_t n = 0;
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

/* ---- the checks ---- */

static void test_private(void)
{
	/* Made at its first use: a run that uses no fake leaves nothing in $TMPDIR. */
	size_t before = count_entries(tpath("tmpdir"));
	struct store *unused = open_store(NULL);
	check(count_entries(tpath("tmpdir")) == before, "a private store that is never used is never made");
	store_close(unused);
	struct store *s = open_store(NULL);
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", store_dir(s));
	struct stat st;
	check(stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700, "private store is a 0700 directory");
	check(!strncmp(dir, tpath("tmpdir/fakesys."), strlen(tpath("tmpdir/fakesys."))), "private store is under $TMPDIR");
	/* A fakesys before 2026-12-07 reaps every fakesys.XXXXXX that has no locked runs/<run>. */
	check(strlen(strrchr(dir, '/') + 1) != strlen("fakesys.XXXXXX"), "a private store's name is none an older fakesys reaps");
	check(!strcmp(read_value(s, MAXKEYS), "1000000\n"), "initial value reads back");
	/* Each directory is a mkdir and a removal, 0.1-0.5 ms on a disk's /tmp: a private
	   store makes what the run uses, no more. */
	char root[PATH_MAX + 8];
	snprintf(root, sizeof root, "%s/root", dir);
	check(count_entries(dir) == 1 && exists(root), "a private store holds root/ alone until it needs more");
	char gen[PATH_MAX];
	check(store_put_generated(s, "/proc/self/x", getpid(), "g\n", 2, gen) == 0 && !strcmp(slurp(gen), "g\n") &&
	      count_entries(dir) == 2, "a generated file makes gen/");
	store_close(s);
	check(!exists(dir), "private store is removed at close");
}

static void refused(const char *dir, const char *what)
{
	char err[512] = "";
	struct store *s = store_open(dir, &rs, err, sizeof err);
	check(!s && strstr(err, dir), "persistent store refused: %s (%s)", what, err);
	store_close(s);
}

static void test_persistent_refused(void)
{
	mkdir(tpath("target"), 0700);
	symlink(tpath("target"), tpath("link"));
	refused(tpath("link"), "symlink to a directory");
	mkdir(tpath("world"), 0700);
	chmod(tpath("world"), 0777);
	refused(tpath("world"), "world-writable");
	mkdir(tpath("group"), 0700);
	chmod(tpath("group"), 0740);
	refused(tpath("group"), "group-readable");
	put(tpath("plainfile"), "x");
	refused(tpath("plainfile"), "not a directory");
	if (geteuid() == 0) {
		mkdir(tpath("other"), 0700);
		if (chown(tpath("other"), 65534, 65534) == 0)
			refused(tpath("other"), "owned by another user");
	}
}

static void test_persistent(void)
{
	const char *dir = tpath("persist");
	struct store *s = open_store(dir);
	struct stat st;
	check(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "persistent store is created 0700");
	check(count_entries(dir) == 4, "persistent store: root/, origin/, written/ and runs/");
	check(write_value(s, MAXKEYS, "42") == 0, "a write is kept");
	store_close(s);
	check(exists(dir), "persistent store stays after close");

	/* Leftovers of a crashed run: nobody holds its lock any more. */
	mkdir(tpath("persist/runs/crashed"), 0700);
	put(tpath("persist/runs/crashed/stale"), "stale");
	s = open_store(dir);
	check(!strcmp(read_value(s, MAXKEYS), "42\n"), "persistent value is kept across runs");
	check(!strcmp(read_value(s, PANIC), "0\n"), "untouched persistent value reads back");
	check(!exists(tpath("persist/runs/crashed")), "a finished run's directory is removed at open");

	/* A second run sharing the store at the same time: each sees the other's writes. */
	struct store *second = open_store(dir);
	check(write_value(second, MAXKEYS, "7") == 0 && !strcmp(read_value(s, MAXKEYS), "7\n"),
	      "a value written in one run is read by a concurrent run");
	check(write_value(s, PANIC, "3") == 0 && !strcmp(read_value(second, PANIC), "3\n"),
	      "and the other way round");
	check(write_value(second, tpath("realfile"), "w\n") == 0 && (put(tpath("realfile"), "real\n"), 1) &&
	      !strcmp(read_value(s, tpath("realfile")), "w\n"),
	      "real-first: a write by a concurrent run makes this run serve the store");
	unlink(tpath("realfile"));
	store_close(second);
	store_close(s);

	/* Precedence: a value persists until the profile's value for it changes. */
	struct rule *panic = (struct rule *)rule(PANIC);
	char *seeded = panic->content;
	panic->content = strdup("5\n");
	panic->content_len = 2;
	s = open_store(dir);
	check(!strcmp(read_value(s, PANIC), "5\n"), "a changed profile value wins over the stored one");
	check(!strcmp(read_value(s, MAXKEYS), "7\n"), "an unchanged profile value keeps the stored one");
	check(write_value(s, PANIC, "6") == 0, "write over the new profile value");
	store_close(s);
	s = open_store(dir);
	check(!strcmp(read_value(s, PANIC), "6\n"), "the written value persists while the profile value stays");
	store_close(s);
	free(panic->content);
	panic->content = seeded;
	panic->content_len = strlen(seeded);
}

/* Private stores left behind by a killed run are removed by the next run that makes its
   own (store_dir makes it, as a run's first use of a fake does). */
static void test_reaping(void)
{
	struct store *live = open_store(NULL);
	char live_dir[PATH_MAX];
	snprintf(live_dir, sizeof live_dir, "%s", store_dir(live));
	/* A store whose run was SIGKILLed: its run directory exists, nobody holds the lock. */
	pid_t child = fork();
	if (child == 0) {
		store_dir(open_store(NULL));
		kill(getpid(), SIGKILL);
	}
	int status;
	waitpid(child, &status, 0);
	DIR *d = opendir(tpath("tmpdir"));
	char dead[PATH_MAX] = "";
	for (struct dirent *e; d && (e = readdir(d));) {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/%s", tpath("tmpdir"), e->d_name);
		if (e->d_name[0] != '.' && strcmp(p, live_dir))
			snprintf(dead, sizeof dead, "%s", p);
	}
	if (d)
		closedir(d);
	check(WIFSIGNALED(status) && *dead && exists(dead), "a killed run leaves its store behind");
	mkdir(tpath("tmpdir/fakesys.young1"), 0700); /* just made by a run that has no lock yet */
	/* A live run of a fakesys from before 2026-12-07 locks runs/<run>, not its store. */
	mkdir(tpath("tmpdir/fakesys.older1"), 0700);
	mkdir(tpath("tmpdir/fakesys.older1/root"), 0755);
	mkdir(tpath("tmpdir/fakesys.older1/runs"), 0755);
	mkdir(tpath("tmpdir/fakesys.older1/runs/r1"), 0755);
	int older_lock = open(tpath("tmpdir/fakesys.older1/runs/r1"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	check(older_lock >= 0 && flock(older_lock, LOCK_EX) == 0, "an older run's lock is taken");
	struct store *next = open_store(NULL);
	store_dir(next);
	check(!exists(dead), "the next run removes the store of the killed run");
	check(exists(live_dir), "the store of a live run is left alone");
	check(exists(tpath("tmpdir/fakesys.young1")), "a store too young to hold its lock is left alone");
	check(exists(tpath("tmpdir/fakesys.older1/root")), "the store of a live older run is left alone");
	store_close(next);
	close(older_lock);
	next = open_store(NULL);
	store_dir(next);
	check(!exists(tpath("tmpdir/fakesys.older1")), "and removed once that run is over");
	store_close(next);
	store_close(live);
	rmdir(tpath("tmpdir/fakesys.young1"));
}

static void test_writes(void)
{
	struct store *s = open_store(NULL);

	check(write_value(s, MAXKEYS, "1") == 0 && !strcmp(read_value(s, MAXKEYS), "1\n"),
	      "sysctl: \"1\" over \"1000000\" reads \"1\\n\"");
	write_value(s, MAXKEYS, "  7 \n\n");
	check(!strcmp(read_value(s, MAXKEYS), "7\n"), "sysctl: whitespace is trimmed to one final newline");
	check(write_value(s, MAXKEYS, " \n") == 0 && !strcmp(read_value(s, MAXKEYS), "7\n"), "sysctl: a blank write keeps the value");
	write_value(s, PLAIN, "x y");
	check(!strcmp(read_value(s, PLAIN), "x y"), "non-sysctl value is stored verbatim");

	const char *p1 = target_of(s, PANIC, getpid()), *p2 = target_of(s, PANIC, getpid());
	check(p1 == p2, "read target is the same string every time");
	char virt[PATH_MAX];
	check(store_to_virtual(s, p1, virt) && !strcmp(virt, PANIC), "store_to_virtual maps a value file");

	/* A reader that opened the value before a write keeps a whole value. */
	int fd = open(p1, O_RDONLY);
	write_value(s, PANIC, "12");
	char buf[16] = "";
	check(fd >= 0 && read(fd, buf, sizeof buf - 1) == 2 && !strcmp(buf, "0\n") && !strcmp(read_value(s, PANIC), "12\n"),
	      "a write replaces the value file; an older reader sees the old value whole");
	close(fd);

	/* stat says what procfs would: a 0644 regular file of size 0 on /proc's device. */
	struct stat st, proc;
	struct fake panic = fake_at(PANIC, getpid());
	check(provider_of(panic.rule)->stat(s, &panic, &st) == 0 && stat("/proc", &proc) == 0 &&
	      st.st_mode == (S_IFREG | 0644) && st.st_size == 0 && st.st_dev == proc.st_dev && st.st_nlink == 1,
	      "stat of a fake: mode %o size %lld dev %lx (/proc %lx)", (unsigned)st.st_mode, (long long)st.st_size,
	      (unsigned long)st.st_dev, (unsigned long)proc.st_dev);

	/* A symlink planted inside the store must not redirect a commit. */
	char kernel[PATH_MAX];
	snprintf(kernel, sizeof kernel, "%s/root/proc/sys/kernel", store_dir(s));
	mkdir(tpath("outside"), 0700);
	rename(kernel, tpath("kernel-moved"));
	symlink(tpath("outside"), kernel);
	write_value(s, PANIC, "3");
	check(count_entries(tpath("outside")) == 0, "a planted symlink in the store is not followed");
	check(type_of(kernel) == S_IFDIR && !strcmp(read_value(s, PANIC), "3\n"), "the commit replaces the planted symlink");
	store_close(s);
}

/* ---- concurrency: 16 threads alternately write and read one sysctl ---- */

#define THREADS 16
#define ROUNDS 2000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* the tracer is single-threaded */
static int bad_reads;

static void *hammer(void *arg)
{
	struct store *s = *(struct store **)arg;
	int bad = 0;
	for (int i = 0; i < ROUNDS; i++) {
		const char *target;
		if (i % 2 == 0) {
			pthread_mutex_lock(&lock);
			bad += write_value(s, MAXKEYS, (i / 2) % 2 ? "1" : "1000000") != 0;
			pthread_mutex_unlock(&lock);
		} else {
			pthread_mutex_lock(&lock);
			bool fake = (target = target_of(s, MAXKEYS, getpid())) != NULL;
			pthread_mutex_unlock(&lock);
			char buf[64] = "";
			int fd = fake ? open(target, O_RDONLY | O_CLOEXEC) : -1;
			ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
			if (fd >= 0)
				close(fd);
			buf[n < 0 ? 0 : n] = '\0';
			bad += strcmp(buf, "1\n") && strcmp(buf, "1000000\n");
		}
	}
	pthread_mutex_lock(&lock);
	bad_reads += bad;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void test_concurrency(void)
{
	struct store *s = open_store(NULL);
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, hammer, &s);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	check(bad_reads == 0, "%d threads x %d rounds of write/read: %d empty, partial or failed", THREADS, ROUNDS, bad_reads);
	store_close(s);
}

/* ---- directory mirrors ---- */

static void test_mirror(void)
{
	struct store *s = open_store(NULL);
	const struct vdir *d = vdir(tpath("real"));
	mkdir(tpath("real"), 0755);
	mkdir(tpath("real/sub"), 0755);
	mkdir(tpath("real/gone"), 0755);
	symlink("sub", tpath("real/lnk"));
	put(tpath("real/file1"), "real data");
	put(tpath("real/retyped"), "");

	const char *m, *m2;
	check(mirror_target(s, d, getpid(), &m) == 1, "mirror used while fake children are missing from the real dir");
	char p[PATH_MAX];
#define IN_MIRROR(name) (snprintf(p, sizeof p, "%s/%s", m, name), p)
	check(type_of(IN_MIRROR("sub")) == S_IFDIR, "placeholder of a directory is a directory");
	check(type_of(IN_MIRROR("lnk")) == S_IFLNK, "placeholder of a symlink is a symlink");
	check(type_of(IN_MIRROR("file1")) == S_IFREG && !strcmp(slurp(IN_MIRROR("file1")), ""), "placeholder of a file is an empty file");
	check(!strcmp(slurp(IN_MIRROR("fakefile")), "fake\n"), "fake file in the mirror keeps its value");
	check(type_of(IN_MIRROR("fakedir")) == S_IFDIR, "fake directory is in the mirror");
	check(count_entries(m) == 7, "mirror lists the union of real and fake entries");

	/* Something inside a placeholder directory must not stop its removal. */
	put(IN_MIRROR("gone/inner"), "");
	rmdir(tpath("real/gone"));
	unlink(tpath("real/file1"));
	unlink(tpath("real/retyped"));
	mkdir(tpath("real/retyped"), 0755);
	check(mirror_target(s, d, getpid(), &m2) == 1 && m2 == m, "mirror path is the same string every time");
	check(!exists(IN_MIRROR("file1")) && !exists(IN_MIRROR("gone")), "removed real entries disappear from the mirror");
	check(type_of(IN_MIRROR("retyped")) == S_IFDIR, "placeholder follows a change of type");
	check(!strcmp(slurp(IN_MIRROR("fakefile")), "fake\n") && count_entries(m) == 5, "fake entries are never touched");

	char virt[PATH_MAX];
	check(store_to_virtual(s, m, virt) && !strcmp(virt, tpath("real")), "store_to_virtual maps a mirror");
	check(store_to_virtual(s, IN_MIRROR("sub"), virt) && !strcmp(virt, tpath("real/sub")), "store_to_virtual maps a placeholder");
	snprintf(p, sizeof p, "%s/root", store_dir(s));
	check(store_to_virtual(s, p, virt) && !strcmp(virt, "/"), "store_to_virtual maps root/ to /");
	snprintf(p, sizeof p, "%s/rootx/proc", store_dir(s));
	check(!store_to_virtual(s, p, virt), "store_to_virtual rejects a sibling of root/");
	check(!store_to_virtual(s, "/proc/sys/kernel/panic", virt), "store_to_virtual rejects a path outside the store");

	const struct vdir *missing = vdir(tpath("missing"));
	check(mirror_target(s, missing, getpid(), &m) == 1 && count_entries(m) == 1, "mirror of a missing real dir lists only fake entries");

	put(tpath("real/fakefile"), "");
	mkdir(tpath("real/fakedir"), 0755);
	check(mirror_target(s, d, getpid(), &m) == 0, "real dir that has every fake child is served untouched");
	store_close(s);
#undef IN_MIRROR
}

/* ---- real first ---- */

static void test_real_first(void)
{
	struct store *s = open_store(NULL);
	put(tpath("realfile"), "real\n");
	check(!strcmp(read_value(s, tpath("realfile")), "<real>"), "real-first: a readable real file is served");
	check(!strcmp(read_value(s, SELF_STATUS), "<real>"), "real-first: /proc/self is the tracee's /proc/<pid>");
	check(!strcmp(read_value(s, SELF_MISSING), "fake missing\n"), "real-first: a missing real file is served from the store");

	pid_t child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	const char *target = target_of(s, SELF_STATUS, child);
	check(target && !strcmp(slurp(target), "fake status\n"),
	      "real-first: /proc/self of a gone tracee is not the real /proc/self");

	write_value(s, tpath("realfile"), "written\n");
	check(!strcmp(read_value(s, tpath("realfile")), "written\n"), "real-first: the store is served after a write");
	check(!strcmp(slurp(tpath("realfile")), "real\n"), "the real file is never written");
	store_close(s);
}

/* ---- instances of pattern rules ---- */

static const char *instance_value(struct store *s, const struct rule *r)
{
	struct fake f = { .rule = r, .path = r->path, .pid = getpid() };
	const char *target;
	bool stable;
	return provider_of(r)->read_target(s, &f, &target, &stable) > 0 ? slurp(target) : "<real>";
}

static int instance_write(struct store *s, const struct rule *r, const char *data)
{
	struct fake f = { .rule = r, .path = r->path, .pid = getpid() };
	return provider_of(r)->write(s, &f, data, strlen(data), 0);
}

/* Entries of the listing a reader of directory vdir path gets. */
static size_t listed(struct store *s, const struct vdir *d)
{
	const char *m;
	return mirror_target(s, d, getpid(), &m) == 1 ? count_entries(m) : 0;
}

static void test_instances(void)
{
	mkdir(tpath("pat"), 0755);
	mkdir(tpath("pat/real1"), 0755);
	put(tpath("pat/real1/rf"), "real\n");
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", tpath("persist-instances")); /* tpath's buffers are reused */
	struct store *s = open_store(dir);
	const struct rule *p = rule(tpath("pat/*/v")), *prf = rule(tpath("pat/*/rf"));
	const struct rule *a = store_instance(s, p, tpath("pat/eth0/v")), *b = store_instance(s, p, tpath("pat/cni0/v"));
	check(a && b && a != b && !a->pattern && !strcmp(a->path, tpath("pat/eth0/v")) &&
	      store_instance(s, p, tpath("pat/eth0/v")) == a, "instances: one per path, made once");
	check(!strcmp(instance_value(s, a), "0\n") && !strcmp(instance_value(s, b), "0\n"),
	      "instances: seeded with the pattern's value");
	check(instance_write(s, a, "1\n") == 0 && !strcmp(instance_value(s, a), "1\n") && !strcmp(instance_value(s, b), "0\n"),
	      "instances: a write changes that instance only");
	check(!exists(tpath("pat/eth0")), "instances: nothing is made at the real path");
	const struct rule *rf = store_instance(s, prf, tpath("pat/real1/rf"));
	check(rf && !strcmp(instance_value(s, rf), "<real>"), "instances: real-first serves the real file");
	check(instance_write(s, rf, "w\n") == 0 && !strcmp(instance_value(s, rf), "w\n") &&
	      !strcmp(slurp(tpath("pat/real1/rf")), "real\n"), "instances: real-first serves the store after a write");
	check(listed(s, vdir(tpath("pat"))) == 3, "instances: a listing shows the real entries and the instances");
	const struct vdir *lo = store_instance_dir(s, vdir(tpath("pat/*")), tpath("pat/lo"));
	check(lo && lo->nchildren == 2 && !lo->pattern && store_instance_dir(s, vdir(tpath("pat/*")), tpath("pat/lo")) == lo,
	      "instances: a directory instance has the pattern's children");
	check(listed(s, vdir(tpath("pat"))) == 4, "instances: a directory instance is listed");
	store_close(s);

	s = open_store(dir);
	check(listed(s, vdir(tpath("pat"))) == 4, "instances: a persistent store lists an earlier run's instances");
	a = store_instance(s, p, tpath("pat/eth0/v"));
	check(a && !strcmp(instance_value(s, a), "1\n"), "instances: a written value persists across runs");
	struct store *second = open_store(dir);
	const struct rule *n2 = store_instance(second, p, tpath("pat/new/v"));
	check(n2 && instance_write(second, n2, "9\n") == 0, "instances: a concurrent run writes a new instance");
	const struct rule *n1 = store_instance(s, p, tpath("pat/new/v"));
	check(n1 && !strcmp(instance_value(s, n1), "9\n"), "instances: which the other run reads, not re-seeded");
	store_close(second);
	store_close(s);

	/* Two runs make the same instances at once, one writing each as soon as it has it:
	   the other's seeding never undoes a write. */
	enum { RACED = 300 };
	pid_t writer = fork();
	if (writer == 0 || fork() == 0) {
		struct store *run = open_store(dir);
		for (int i = 0; i < RACED; i++) {
			char path[PATH_MAX];
			snprintf(path, sizeof path, "%s/pat/race%d/v", T, i);
			const struct rule *r = store_instance(run, p, path);
			if (!r || (writer == 0 && instance_write(run, r, "1\n") < 0))
				_exit(1);
		}
		store_close(run);
		_exit(0);
	}
	int st1, st2, lost = 0;
	wait(&st1);
	wait(&st2);
	s = open_store(dir);
	for (int i = 0; i < RACED; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/pat/race%d/v", T, i);
		const struct rule *r = store_instance(s, p, path);
		lost += !r || strcmp(instance_value(s, r), "1\n");
	}
	store_close(s);
	check(st1 == 0 && st2 == 0 && lost == 0, "instances: made by two runs at once, no write is lost (%d of %d)", lost, RACED);
}

int main(void)
{
	make_scratch_dir("fakesys-test_store");
	mkdir(tpath("tmpdir"), 0700);
	setenv("TMPDIR", tpath("tmpdir"), 1);
	build_rules();
	size_t fds = count_entries("/proc/self/fd");

	test_private();
	test_persistent_refused();
	test_persistent();
	test_reaping();
	test_writes();
	test_concurrency();
	test_mirror();
	test_real_first();
	test_instances();

	check(count_entries("/proc/self/fd") == fds, "no file descriptor is leaked");
	rules_free(&rs);
	char cmd[PATH_MAX];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", T);
	if (system(cmd) != 0)
		failures++;
	printf("%s\n", failures ? "FAIL" : "PASS");
	return failures != 0;
}
