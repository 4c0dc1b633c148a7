/* libFuzzer target for src/path.c (path_resolve).
 *
 * Input: BASE, a NUL byte, PATH (without a NUL byte, BASE is "/" and the whole input is
 * PATH). path_resolve(BASE, PATH) runs as the task TID of the process TGID (both fixed
 * below), and its result is checked:
 *   - it starts with "/", holds no empty, "." or ".." component (no "//", "/./", "/../"),
 *     ends with "/" only if it is "/", and fits in PATH_MAX;
 *   - /proc/thread-self and /proc/<TGID> have their one spelling (/proc/self/task/<TID>,
 *     /proc/self);
 *   - resolving the result again (as an absolute path, from any base) gives it back;
 *   - it equals what a plain reference implementation (below: a stack of components, no
 *     fixed buffer) computes, must_be_dir included, and path_resolve fails (-1) exactly
 *     when the reference reaches PATH_MAX bytes at some step.
 * Any violation calls abort().
 *
 * Build and run: tests/fuzz/run (clang -fsanitize=fuzzer,address,undefined).
 */
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

/* ---- Reference: components on a stack, in a buffer as large as needed ---- */

struct ref {
	char *buf;       /* "/" or "/a/b", NUL-terminated */
	size_t len, cap;
	size_t maxlen;   /* the longest buf ever was */
	bool last_dir;   /* the last component of PATH was followed by '/', or was "." or ".." */
	bool any;        /* PATH had a component */
};

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
}

static void ref_walk(struct ref *r, const char *p, bool is_path)
{
	size_t i = 0, n = strlen(p);
	while (i < n) {
		if (p[i] == '/') {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && p[j] != '/')
			j++;
		ref_push(r, p + i, j - i);
		if (is_path) {
			r->any = true;
			bool dot = (j - i == 1 && p[i] == '.') || (j - i == 2 && p[i] == '.' && p[i + 1] == '.');
			r->last_dir = j < n || dot;
		}
		i = j;
	}
}

/* The reference result in r->buf; the caller frees it. */
static void ref_resolve(const char *base, const char *path, struct ref *r)
{
	*r = (struct ref){ .buf = malloc(64), .len = 1, .cap = 64, .maxlen = 1 };
	CHECK(r->buf, "out of memory");
	strcpy(r->buf, "/");
	if (path[0] != '/')
		ref_walk(r, base, false);
	ref_walk(r, path, true);

	/* /proc/thread-self[/...] and /proc/TGID[/...] */
	if (strncmp(r->buf, "/proc/", 6))
		return;
	const char *comp = r->buf + 6;
	size_t n = strcspn(comp, "/");
	char tgid[16], prefix[64];
	snprintf(tgid, sizeof tgid, "%d", TGID);
	if (n == 11 && !strncmp(comp, "thread-self", 11))
		snprintf(prefix, sizeof prefix, "/proc/self/task/%d", TID);
	else if (n == strlen(tgid) && !strncmp(comp, tgid, n))
		snprintf(prefix, sizeof prefix, "/proc/self");
	else
		return;
	char *out;
	if (asprintf(&out, "%s%s", prefix, comp + n) < 0)
		abort();
	free(r->buf);
	r->buf = out;
	r->len = strlen(out);
	if (r->len > r->maxlen)
		r->maxlen = r->len;
}

/* ---- Invariants ---- */

static void check_canonical(const char *p, const char *base, const char *path)
{
	size_t len = strnlen(p, PATH_MAX);
	CHECK(len < PATH_MAX, "result not terminated within PATH_MAX");
	CHECK(p[0] == '/', "result %s does not start with / (base %s, path %s)", p, base, path);
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
		char tgid[16];
		snprintf(tgid, sizeof tgid, "%d", TGID);
		CHECK(!(n == 11 && !strncmp(c, "thread-self", 11)), "/proc/thread-self not folded in %s", p);
		CHECK(!(n == strlen(tgid) && !strncmp(c, tgid, n)), "/proc/<own pid> not folded in %s", p);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exact-size copies, so that ASan sees any read past a string's NUL. */
	const char *nul = memchr(data, '\0', size);
	size_t blen = nul ? (size_t)(nul - (const char *)data) : 1;
	size_t plen = nul ? size - blen - 1 : size;
	const char *psrc = nul ? nul + 1 : (const char *)data;
	char *base = malloc(blen + 1), *path = malloc(plen + 1);
	CHECK(base && path, "out of memory");
	memcpy(base, nul ? (const char *)data : "/", blen);
	base[blen] = '\0';
	memcpy(path, psrc, plen);
	path[plen] = '\0';
	path[strnlen(path, plen)] = '\0'; /* PATH stops at a second NUL */

	struct resolved *r = malloc(sizeof *r), *again = malloc(sizeof *again);
	CHECK(r && again, "out of memory");
	int rc = path_resolve(base, path, TGID, TID, r);

	struct ref ref;
	ref_resolve(base, path, &ref);
	CHECK(rc == 0 || rc == -1, "rc %d", rc);
	if (rc < 0) {
		CHECK(ref.maxlen >= PATH_MAX, "path_resolve failed, but the reference %s (at most %zu bytes) fits",
		      ref.buf, ref.maxlen);
	} else {
		CHECK(ref.maxlen < PATH_MAX, "path_resolve succeeded (%s), but the reference reached %zu bytes",
		      r->path, ref.maxlen);
		check_canonical(r->path, base, path);
		CHECK(!strcmp(r->path, ref.buf), "result %s, reference %s (base %s, path %s)", r->path, ref.buf, base,
		      path);
		bool dir = ref.any && ref.last_dir && strcmp(ref.buf, "/");
		CHECK(r->must_be_dir == dir, "must_be_dir %d, reference %d (path %s)", r->must_be_dir, dir, path);

		/* Idempotent, whatever the base. */
		CHECK(path_resolve(base, r->path, TGID, TID, again) == 0, "%s does not resolve again", r->path);
		CHECK(!strcmp(again->path, r->path), "%s resolves again as %s", r->path, again->path);
		CHECK(!again->must_be_dir, "%s resolves again as a directory", r->path);
		CHECK(path_resolve("/elsewhere", r->path, TGID, TID, again) == 0 && !strcmp(again->path, r->path),
		      "%s resolves from another base as %s", r->path, again->path);
	}
	free(ref.buf);
	free(r);
	free(again);
	free(base);
	free(path);
	return 0;
}
