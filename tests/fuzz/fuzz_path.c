/* libFuzzer target for src/path.c (path_resolve) and the links of src/procfs_alias.c.
 *
 * Input: BASE, a NUL byte, PATH (without a NUL byte, BASE is "/" and the whole input is
 * PATH). BASE is first made what a real base is (canonical_base: the directory the kernel
 * already reached, as readlink names it; inputs whose BASE has none are skipped); then path_resolve(BASE, PATH) runs as the task TID of the
 * process TGID (both fixed below), once following a link in the last component and once
 * not. Magic links are answered by read_magic below (the same for both sides). Checked:
 *   - it equals what a plain reference implementation (below: a stack of components, no
 *     fixed buffer, the links spelled out again) computes, must_be_dir and errors included:
 *     ENAMETOOLONG exactly when the reference reaches PATH_MAX bytes at some step;
 *   - the result starts with "/", holds no empty, "." or ".." component, ends with "/" only
 *     if it is "/", and has its one spelling (no /proc/<TGID>, /proc/<TID>,
 *     /proc/self/task/<n>; /proc/thread-self only as an unfollowed last component);
 *   - resolving the result of an absolute PATH again gives it back.
 * Any violation calls abort().
 *
 * Build and run: tests/fuzz/run (clang -fsanitize=fuzzer,address,undefined).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

#define TGID 1234
#define TID 1240

#define CHECK(cond, ...)                                                                     \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_path: check failed at line %d: %s: ", __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                        \
			fputc('\n', stderr);                                                 \
			abort();                                                             \
		}                                                                            \
	} while (0)

/* fd/N by N % 4: the process's /proc dir, a pipe, unreadable, a directory /d/N; cwd is
   /proc/sys, root is /. */
static int read_magic(void *arg, const char *link, char target[PATH_MAX])
{
	(void)arg;
	const char *leaf = strrchr(link, '/') + 1;
	if (!strcmp(leaf, "cwd"))
		strcpy(target, "/proc/sys");
	else if (!strcmp(leaf, "root"))
		strcpy(target, "/");
	else {
		unsigned long n = strtoul(leaf, NULL, 10);
		switch (n % 4) {
		case 0: snprintf(target, PATH_MAX, "/proc/%d", TGID); break;
		case 1: return MAGIC_OBJECT;
		case 2: return -EACCES;
		default: snprintf(target, PATH_MAX, "/d/%lu", n); break;
		}
	}
	return MAGIC_PATH;
}

/* ---- Reference: components on a stack, in a buffer as large as needed ---- */

struct ref {
	char *buf;       /* "/" or "/a/b", NUL-terminated */
	size_t len, cap;
	size_t maxlen;   /* the longest buf ever was */
	int links, err;
	bool object;
};

static void ref_set(struct ref *r, const char *s)
{
	size_t n = strlen(s);
	if (n + 1 > r->cap) {
		r->cap = 2 * (n + 1);
		r->buf = realloc(r->buf, r->cap);
		CHECK(r->buf, "out of memory");
	}
	memcpy(r->buf, s, n + 1);
	r->len = n;
	if (n > r->maxlen)
		r->maxlen = n;
}

static void ref_push(struct ref *r, const char *c, size_t n)
{
	if (n == 1 && c[0] == '.')
		return;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		while (r->len > 1 && r->buf[r->len - 1] != '/')
			r->len--;
		if (r->len > 1)
			r->len--; /* the '/' before the removed component, unless it is the root */
		r->buf[r->len] = '\0';
		return;
	}
	if (r->len + 1 + n + 1 > r->cap) {
		r->cap = 2 * (r->len + n + 2);
		r->buf = realloc(r->buf, r->cap);
		CHECK(r->buf, "out of memory");
	}
	if (r->len > 1)
		r->buf[r->len++] = '/';
	memcpy(r->buf + r->len, c, n);
	r->len += n;
	r->buf[r->len] = '\0';
	if (r->len > r->maxlen)
		r->maxlen = r->len;
	if (r->len >= PATH_MAX && !r->err)
		r->err = ENAMETOOLONG;
}

/* A pid or fd as the kernel spells it: digits, no leading zero. */
static bool number(const char *s, size_t n)
{
	if (n == 0 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The components of s, at most max of them; returns how many. */
static size_t split(const char *s, const char *c[], size_t len[], size_t max)
{
	size_t k = 0;
	while (*s && k < max) {
		while (*s == '/')
			s++;
		size_t n = strcspn(s, "/");
		if (!n)
			break;
		c[k] = s;
		len[k++] = n;
		s += n;
	}
	return *s && k == max ? max + 1 : k;
}

static bool is(const char *c, size_t n, const char *word) { return strlen(word) == n && !memcmp(c, word, n); }

static void ref_walk(struct ref *r, const char *p, bool follow_last);

/* The link r->buf names, spelled out component by component. */
static void ref_follow(struct ref *r)
{
	const char *c[8];
	size_t n[8];
	size_t k = split(r->buf, c, n, 6);
	char text[PATH_MAX] = "";
	enum { NONE, LINK, JUMP } what = NONE;
	if (k == 2 && is(c[0], n[0], "dev")) {
		const char *dev[][2] = { { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		                         { "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" } };
		for (size_t i = 0; i < 4; i++)
			if (is(c[1], n[1], dev[i][0]))
				snprintf(text, sizeof text, "%s", dev[i][1]), what = LINK;
	} else if (k == 2 && is(c[0], n[0], "proc")) {
		if (is(c[1], n[1], "self"))
			snprintf(text, sizeof text, "%d", TGID), what = LINK;
		else if (is(c[1], n[1], "thread-self"))
			snprintf(text, sizeof text, "%d/task/%d", TGID, TID), what = LINK;
		else if (is(c[1], n[1], "mounts"))
			strcpy(text, "self/mounts"), what = LINK;
		else if (is(c[1], n[1], "net"))
			strcpy(text, "self/net"), what = LINK;
	} else if (k >= 3 && k <= 6 && is(c[0], n[0], "proc") && number(c[1], n[1])) {
		size_t i = 2;
		if (k >= 5 && is(c[2], n[2], "task") && number(c[3], n[3]))
			i = 4;
		bool magic = (k == i + 1 && (is(c[i], n[i], "cwd") || is(c[i], n[i], "root"))) ||
		             (k == i + 2 && is(c[i], n[i], "fd") && number(c[i + 1], n[i + 1]));
		if (magic)
			what = JUMP;
	}
	if (what == NONE)
		return;
	if (++r->links > 40) {
		r->err = ELOOP;
		return;
	}
	if (what == LINK) {
		ref_push(r, "..", 2);
		if (text[0] == '/')
			ref_set(r, "/");
		ref_walk(r, text, true);
		return;
	}
	int rc = read_magic(NULL, r->buf, text);
	if (rc < 0)
		r->err = -rc;
	else if (rc == MAGIC_OBJECT)
		r->object = true;
	else
		ref_set(r, text);
}

static void ref_walk(struct ref *r, const char *p, bool follow_last)
{
	size_t i = 0, n = strlen(p);
	while (i < n && !r->err && !r->object) {
		if (p[i] == '/') {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && p[j] != '/')
			j++;
		ref_push(r, p + i, j - i);
		bool dots = (j - i == 1 && p[i] == '.') || (j - i == 2 && p[i] == '.' && p[i + 1] == '.');
		size_t k = j;
		while (k < n && p[k] == '/')
			k++;
		if (!r->err && !dots && (k < n || j < n || follow_last))
			ref_follow(r);
		i = j;
	}
}

/* "x/", "x/." and "x/.." name a directory. */
static bool ref_dir(const char *path)
{
	size_t n = strlen(path);
	bool slash = false;
	while (n && path[n - 1] == '/')
		n--, slash = true;
	if (n == 0)
		return false;
	size_t s = n;
	while (s && path[s - 1] != '/')
		s--;
	return slash || (n - s == 1 && path[s] == '.') || (n - s == 2 && path[s] == '.' && path[s + 1] == '.');
}

/* /proc/<TGID or TID> -> /proc/self, then /proc/self/task/<n> -> /proc/self, as often
   as it repeats. */
static void ref_fold(struct ref *r)
{
	const char *c[4];
	size_t n[4];
	size_t k = split(r->buf, c, n, 3);
	if (k < 2 || !is(c[0], n[0], "proc"))
		return;
	char tgid[16], tid[16];
	snprintf(tgid, sizeof tgid, "%d", TGID);
	snprintf(tid, sizeof tid, "%d", TID);
	if (!is(c[1], n[1], "self") && !is(c[1], n[1], tgid) && !is(c[1], n[1], tid))
		return;
	const char *rest = c[1] + n[1];
	while (!strncmp(rest, "/task/", 6) && number(rest + 6, strcspn(rest + 6, "/")))
		rest += 6 + strcspn(rest + 6, "/");
	char *out;
	CHECK(asprintf(&out, "/proc/self%s", rest) >= 0, "out of memory");
	ref_set(r, out);
	free(out);
}

static int ref_resolve(const char *base, const char *path, bool follow, struct ref *r)
{
	*r = (struct ref){ .buf = malloc(64), .len = 1, .cap = 64, .maxlen = 1 };
	CHECK(r->buf, "out of memory");
	strcpy(r->buf, "/");
	if (path[0] != '/')
		ref_set(r, base);
	ref_walk(r, path, follow);
	if (r->err)
		return -r->err;
	ref_fold(r);
	return r->len >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* An arbitrary base made what a real one is, a directory as the kernel names it (readlink
   of /proc/PID/cwd): "." and ".." folded, links followed, pids not folded. */
static bool canonical_base(const char *in, char out[PATH_MAX])
{
	struct ref r = { .buf = malloc(64), .len = 1, .cap = 64, .maxlen = 1 };
	CHECK(r.buf, "out of memory");
	strcpy(r.buf, "/");
	ref_walk(&r, in, true);
	bool ok = !r.err && !r.object && r.maxlen < PATH_MAX;
	if (ok)
		strcpy(out, r.buf);
	free(r.buf);
	return ok;
}

/* ---- Invariants ---- */

static void check_canonical(const char *p, const char *path, bool follow)
{
	size_t len = strnlen(p, PATH_MAX);
	CHECK(len < PATH_MAX, "result not terminated within PATH_MAX");
	CHECK(p[0] == '/', "result %s does not start with / (path %s)", p, path);
	if (len == 1)
		return;
	CHECK(p[len - 1] != '/', "trailing / in %s", p);
	for (const char *c = p + 1;; c += strcspn(c, "/") + 1) {
		size_t n = strcspn(c, "/");
		CHECK(n > 0, "empty component (//) in %s", p);
		CHECK(!(n == 1 && c[0] == '.'), "'.' component in %s", p);
		CHECK(!(n == 2 && c[0] == '.' && c[1] == '.'), "'..' component in %s", p);
		if (!c[n])
			break;
	}
	if (!strncmp(p, "/proc/", 6)) {
		const char *c = p + 6;
		size_t n = strcspn(c, "/");
		char tgid[16], tid[16];
		snprintf(tgid, sizeof tgid, "%d", TGID);
		snprintf(tid, sizeof tid, "%d", TID);
		CHECK(!is(c, n, "thread-self") || (!follow && !c[n]), "/proc/thread-self not followed in %s", p);
		CHECK(!is(c, n, tgid) && !is(c, n, tid), "/proc/<own pid> not folded in %s", p);
		CHECK(!(is(c, n, "self") && !strncmp(c + n, "/task/", 6) && number(c + n + 6, strcspn(c + n + 6, "/"))),
		      "/proc/self/task/<n> not folded in %s", p);
	}
}

static const struct alias_task task = { .tgid = TGID, .tid = TID, .read_magic = read_magic };

static void one(const char *base, const char *path, bool follow)
{
	struct resolved *r = malloc(sizeof *r), *again = malloc(sizeof *again);
	CHECK(r && again, "out of memory");
	int rc = path_resolve(&task, base, path, follow, r);

	struct ref ref;
	int want = ref_resolve(base, path, follow, &ref);
	CHECK(rc == want, "rc %d, reference %d (base %s, path %s, follow %d, reference %s)", rc, want, base, path,
	      follow, ref.buf);
	if (rc == 0) {
		check_canonical(r->path, path, follow);
		CHECK(!strcmp(r->path, ref.buf), "result %s, reference %s (base %s, path %s, follow %d)", r->path,
		      ref.buf, base, path, follow);
		bool dir = ref_dir(path) && strcmp(r->path, "/");
		CHECK(r->must_be_dir == dir, "must_be_dir %d, reference %d (path %s)", r->must_be_dir, dir, path);
		/* (A base is taken as it is, even if it spells a link; real bases never do.) */
		if (path[0] == '/') {
			CHECK(path_resolve(&task, "/", r->path, follow, again) == 0, "%s does not resolve again",
			      r->path);
			CHECK(!strcmp(again->path, r->path), "%s resolves again as %s", r->path, again->path);
		}
	}
	free(ref.buf);
	free(r);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exact-size copies, so that ASan sees any read past a string's NUL. */
	const char *nul = memchr(data, '\0', size);
	size_t blen = nul ? (size_t)(nul - (const char *)data) : 1;
	size_t plen = nul ? size - blen - 1 : size;
	const char *psrc = nul ? nul + 1 : (const char *)data;
	char *raw = malloc(blen + 1), *path = malloc(plen + 1), *base = malloc(PATH_MAX);
	CHECK(raw && path && base, "out of memory");
	memcpy(raw, nul ? (const char *)data : "/", blen);
	raw[blen] = '\0';
	memcpy(path, psrc, plen);
	path[plen] = '\0';
	path[strnlen(path, plen)] = '\0'; /* PATH stops at a second NUL */
	if (canonical_base(raw, base)) {
		one(base, path, true);
		one(base, path, false);
	}
	free(raw);
	free(path);
	free(base);
	return 0;
}
