/* libFuzzer target for src/profile.c and src/rules.c.
 *
 * Input: a profile text, optionally followed by --sysctl assignments, each introduced by
 * the line "--sysctl " (the text up to the next such marker is one KEY=VALUE, cut at its
 * first NUL as argv would be):
 *
 *     kernel.panic = 10
 *     include default
 *     --sysctl vm.overcommit_memory=0
 *     --sysctl kernel.panic=1
 *
 * Each input is parsed with profile_add_text and profile_add_sysctl, then profile_finish.
 * On success the rule set is checked (sorted, canonical, indexed: every rule and every
 * ancestor is found by rules_match), printed with profile_print, and the printed text is
 * parsed again: it must load without error and give exactly the same rules. On error the
 * message must be set. Anything else calls abort(); leaks are reported by LeakSanitizer.
 *
 * Relative include and content files are looked up in a private directory (the cwd) that
 * holds a few small files (see fixtures[] and the chain*.conf includes); inputs that
 * could name a file outside it (an absolute name, or "..", after "include" or '<') are
 * skipped, so that no input can make the fuzzer read a FIFO, a terminal or /dev/stdin
 * and hang.
 *
 * Build and run: tests/fuzz/run (clang -fsanitize=fuzzer,address,undefined).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"
#include "rules.h"

#define SYSCTL_MARK "\n--sysctl "

static const struct {
	const char *name, *text;
} fixtures[] = {
	{ "inc.conf", "# a profile file included by a relative name\nkernel.inc = 1\nfile /sys/inc = x\\n\n" },
	{ "self.conf", "include self.conf\n" },
	{ "a.conf", "include b.conf\nkernel.a = 1\n" },
	{ "b.conf", "include a.conf\n" },
	{ "bad.conf", "kernel.ok = 1\nthis is not a rule\n" },
	{ "value.txt", "8 0 sda 1 0 2 3 4 0 5 6 0 7 8\n" },
	{ "empty.txt", "" },
	/* Relative to the including file's directory. */
	{ "sub/x.conf", "include y.conf\nkernel.sub.x = 1\nfile /sys/sub < v.txt\n" },
	{ "sub/y.conf", "kernel.sub.y = 2\ninclude ../inc.conf\n" },
	{ "sub/v.txt", "in sub\n" },
};
#define NFIXTURES (sizeof fixtures / sizeof fixtures[0])
#define CHAIN 18 /* chain0.conf includes chain1.conf ... : deeper than INCLUDE_DEPTH */

static char workdir[256];

static void cleanup(void)
{
	if (!workdir[0] || chdir(workdir) < 0)
		return;
	for (size_t i = 0; i < NFIXTURES; i++)
		unlink(fixtures[i].name);
	for (int i = 0; i < CHAIN; i++) {
		char name[32];
		snprintf(name, sizeof name, "chain%d.conf", i);
		unlink(name);
	}
	rmdir("sub");
	if (chdir("/") == 0)
		rmdir(workdir);
}

static void put(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");
	if (!f || fputs(text, f) == EOF || fclose(f) == EOF) {
		perror(name);
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(workdir, sizeof workdir, "%s/fuzz_profile.XXXXXX", tmp && *tmp && strlen(tmp) < 200 ? tmp : "/tmp");
	if (!mkdtemp(workdir) || chdir(workdir) < 0) {
		perror("fuzz_profile: work directory");
		abort();
	}
	atexit(cleanup);
	FILE *devnull = fopen("/dev/null", "w");
	if (devnull) {
		profile_list(devnull);
		fclose(devnull);
	}
	if (mkdir("sub", 0700) < 0) {
		perror("fuzz_profile: mkdir sub");
		abort();
	}
	for (size_t i = 0; i < NFIXTURES; i++)
		put(fixtures[i].name, fixtures[i].text);
	for (int i = 0; i < CHAIN; i++) {
		char name[32], text[64];
		snprintf(name, sizeof name, "chain%d.conf", i);
		snprintf(text, sizeof text, "kernel.chain%d = %d\ninclude chain%d.conf\n", i, i, i + 1);
		put(name, text);
	}
	return 0;
}

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_profile: check failed at line %d: %s\n", __LINE__, #cond); \
			abort();                                                             \
		}                                                                            \
	} while (0)

/* Whether a line names a file outside the work directory: after "include" or '<', an
   absolute name (first non-blank byte '/') or any ".." up to the end of the line. */
static bool names_outside_file(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t skip = s[i] == '<' ? 1 : n - i >= 7 && !memcmp(s + i, "include", 7) ? 7 : 0;
		if (!skip)
			continue;
		size_t j = i + skip;
		while (j < n && s[j] != '\n' && isspace((unsigned char)s[j]))
			j++;
		if (j < n && s[j] == '/')
			return true;
		for (; j + 1 < n && s[j] != '\n'; j++)
			if (s[j] == '.' && s[j + 1] == '.')
				return true;
	}
	return false;
}

static void *memmem_end(const char *s, size_t n, const char *needle)
{
	void *p = memmem(s, n, needle, strlen(needle));
	return p ? p : (void *)(s + n);
}

/* Absolute, no empty, "." or ".." component, not "/". */
static bool canonical(const char *p)
{
	if (p[0] != '/' || !p[1])
		return false;
	for (const char *c = p + 1;; c += strcspn(c, "/") + 1) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!c[n])
			return true;
	}
}

static bool has_child(const struct vdir *d, const char *name, size_t len)
{
	for (size_t i = 0; i < d->nchildren; i++)
		if (strlen(d->children[i]) == len && !memcmp(d->children[i], name, len))
			return true;
	return false;
}

/* A match of path that is no literal one is a pattern that matches it. */
static bool pattern_for(struct match m, const char *path)
{
	const char *p = m.kind == MATCH_FILE ? m.rule->path : m.kind == MATCH_DIR ? m.dir->path : NULL;
	bool pattern = m.kind == MATCH_FILE ? m.rule->pattern : m.kind == MATCH_DIR && m.dir->pattern;
	return p && pattern && rules_overlap(p, path) == OVERLAP_SAME;
}

/* A concrete path of pattern rule r (each "*" an "x0") is served by r, by a literal rule, or
   by a pattern of a rank at least r's. */
static void check_instance(const struct ruleset *rs, const struct rule *r)
{
	char path[4096];
	snprintf(path, sizeof path, "%s", r->path);
	for (char *c = strchr(path, '*'); c; c = strchr(c + 1, '*'))
		if (c[-1] == '/' && (c[1] == '/' || !c[1]) && strlen(path) + 1 < sizeof path) {
			memmove(c + 2, c + 1, strlen(c + 1) + 1);
			c[0] = 'x', c[1] = '0';
		}
	struct match m = rules_match(rs, path);
	CHECK(m.kind == MATCH_FILE);
	CHECK(m.rule == r || (!m.rule->pattern && !strcmp(m.rule->path, path)) ||
	      (pattern_for(m, path) && m.rule->rank >= r->rank));
}

static void check_ruleset(const struct ruleset *rs)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		CHECK(r->path && r->origin);
		CHECK(canonical(r->path));
		CHECK(strlen(r->path) < 4096);
		if (i > 0)
			CHECK(strcmp(rs->rules[i - 1].path, r->path) < 0);
		if (r->kind == RULE_FILE) {
			CHECK(r->content && r->content[r->content_len] == '\0');
			CHECK(r->sysctl == !strncmp(r->path, "/proc/sys/", 10));
		} else {
			CHECK((r->kind == RULE_DIR || r->kind == RULE_TREE) && !r->content && !r->sysctl && !r->generator);
		}
		struct match m = rules_match(rs, r->path);
		CHECK(r->pattern == rules_is_pattern(r->path));
		if (r->pattern)
			check_instance(rs, r);
		if (r->kind == RULE_FILE) {
			CHECK(m.kind == MATCH_FILE && m.rule == r);
		} else if (r->kind == RULE_TREE) {
			/* The tree owns its root and everything below it. */
			char below[4200];
			snprintf(below, sizeof below, "%s/x/y", r->path);
			struct match b = rules_match(rs, below);
			CHECK(m.kind == MATCH_TREE && m.rule == r && b.kind == MATCH_TREE && b.rule == r);
		} else {
			CHECK(m.kind == MATCH_DIR && m.dir->rule == r && !strcmp(m.dir->path, r->path));
		}

		/* Every ancestor but "/" is a fake directory listing the next component. */
		char buf[4096];
		snprintf(buf, sizeof buf, "%s", r->path);
		for (char *slash = strrchr(buf, '/'); slash && slash != buf; slash = strrchr(buf, '/')) {
			const char *child = slash + 1;
			size_t childlen = strlen(child);
			char name[4096];
			memcpy(name, child, childlen + 1);
			*slash = '\0';
			m = rules_match(rs, buf);
			CHECK(m.kind == MATCH_DIR && !strcmp(m.dir->path, buf));
			CHECK(has_child(m.dir, name, childlen));
		}
		/* Near misses: a longer name, a child of a file. */
		size_t len = strlen(r->path);
		if (len + 3 < sizeof buf) {
			memcpy(buf, r->path, len);
			memcpy(buf + len, "\x01", 2);
			m = rules_match(rs, buf);
			CHECK(m.kind == MATCH_NONE || pattern_for(m, buf));
			if (r->kind == RULE_FILE) {
				memcpy(buf + len, "/x", 3);
				m = rules_match(rs, buf);
				CHECK(m.kind == MATCH_NONE || pattern_for(m, buf));
			}
		}
	}
	for (size_t i = 0; i < rs->ndirs; i++) {
		CHECK(canonical(rs->dirs[i].path));
		if (i > 0)
			CHECK(strcmp(rs->dirs[i - 1].path, rs->dirs[i].path) < 0);
		for (size_t j = 1; j < rs->dirs[i].nchildren; j++)
			CHECK(strcmp(rs->dirs[i].children[j - 1], rs->dirs[i].children[j]) < 0);
	}
	static const char *const probes[] = { "", "/", "//", "/proc", "/proc/", "/proc/sys", "/proc/sys/kernel/panic",
	                                      "/sys", "/nonexistent", "relative", "/proc/sys/kernel/panic/" };
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		struct match m = rules_match(rs, probes[i]);
		CHECK(m.kind == MATCH_NONE || m.kind == MATCH_FILE || m.kind == MATCH_DIR || m.kind == MATCH_TREE);
		/* A tree holds its root and everything below it. */
		if (m.kind == MATCH_TREE) {
			size_t n = strlen(m.rule->path);
			CHECK(!strncmp(m.rule->path, probes[i], n) && (probes[i][n] == '\0' || probes[i][n] == '/'));
		}
		if (m.kind == MATCH_FILE)
			CHECK(!strcmp(m.rule->path, probes[i]) || pattern_for(m, probes[i]));
		if (m.kind == MATCH_DIR)
			CHECK(!strcmp(m.dir->path, probes[i]) || pattern_for(m, probes[i]));
	}
}

static bool same_rule(const struct rule *a, const struct rule *b)
{
	return !strcmp(a->path, b->path) && a->kind == b->kind && a->policy == b->policy && a->sysctl == b->sysctl &&
	       a->content_len == b->content_len && !a->generator == !b->generator &&
	       (!a->generator || !strcmp(a->generator, b->generator)) &&
	       (a->kind != RULE_FILE || !memcmp(a->content, b->content, a->content_len));
}

/* --print-profile output loads again, without error, as exactly the same rules. */
static void check_print(const struct ruleset *rs)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	CHECK(f);
	profile_print(rs, f);
	CHECK(fclose(f) == 0);

	struct profile_builder *b = profile_builder_new();
	struct ruleset again;
	char err[512] = "", err2[512] = "";
	int rc = profile_add_text(b, "printed.conf", text, len, err, sizeof err);
	int finished = profile_finish(b, &again, rc == 0 ? err : err2, sizeof err);
	if (rc < 0 || finished < 0) {
		fprintf(stderr, "fuzz_profile: printed profile does not load: %s\n--- printed:\n%s---\n", err, text);
		abort();
	}
	bool same = again.nrules == rs->nrules;
	for (size_t i = 0; same && i < rs->nrules; i++)
		same = same_rule(&rs->rules[i], &again.rules[i]);
	if (!same) {
		fprintf(stderr, "fuzz_profile: printed profile loads as other rules (%zu, not %zu)\n--- printed:\n%s---\n",
		        again.nrules, rs->nrules, text);
		abort();
	}
	rules_free(&again);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	if (names_outside_file(s, size))
		return 0;
	struct profile_builder *b = profile_builder_new();
	char err[512] = "", err2[512] = "";

	const char *end = s + size, *mark = memmem_end(s, size, SYSCTL_MARK);
	int rc = profile_add_text(b, "fuzz.conf", s, (size_t)(mark - s), err, sizeof err);
	while (rc == 0 && mark < end) {
		const char *arg = mark + strlen(SYSCTL_MARK); /* the whole marker is inside the input */
		mark = memmem_end(arg, (size_t)(end - arg), SYSCTL_MARK);
		char *assignment = strndup(arg, (size_t)(mark - arg));
		CHECK(assignment);
		rc = profile_add_sysctl(b, assignment, err, sizeof err);
		free(assignment);
	}
	if (rc < 0)
		CHECK(err[0] != '\0');

	/* As main.c does: finish even after an error, since it frees the builder. */
	struct ruleset rs;
	int finished = profile_finish(b, &rs, rc == 0 ? err : err2, sizeof err);
	if (finished < 0) {
		CHECK((rc == 0 ? err : err2)[0] != '\0');
		return 0;
	}
	check_ruleset(&rs);
	check_print(&rs);
	rules_free(&rs);
	CHECK(rs.nrules == 0 && !rs.rules && !rs.dirs && !rs.roots);
	return 0;
}
