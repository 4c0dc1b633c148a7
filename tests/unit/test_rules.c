/* Unit test of src/rules.c: the virtual directories rules_index derives, and rules_match.
   Prints "ok - name" / "not ok - name" per check; exits 1 if any check failed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "unit.h"


/* A ruleset from paths sorted by strcmp; a trailing "/" marks a RULE_DIR rule. */
static struct ruleset make(const char *const *paths)
{
	struct ruleset rs = { 0 };
	while (paths[rs.nrules])
		rs.nrules++;
	rs.rules = calloc(rs.nrules + 1, sizeof *rs.rules);
	for (size_t i = 0; i < rs.nrules; i++) {
		struct rule *r = &rs.rules[i];
		size_t len = strlen(paths[i]);
		r->kind = paths[i][len - 1] == '/' ? RULE_DIR : RULE_FILE;
		r->path = strndup(paths[i], r->kind == RULE_DIR ? len - 1 : len);
		r->content = r->kind == RULE_FILE ? strdup("1\n") : NULL;
		r->content_len = r->kind == RULE_FILE ? 2 : 0;
		r->origin = strdup("test");
		r->rank = i; /* a later path wins between patterns */
	}
	rules_index(&rs);
	return rs;
}

static const struct vdir *find_dir(const struct ruleset *rs, const char *path)
{
	for (size_t i = 0; i < rs->ndirs; i++)
		if (!strcmp(rs->dirs[i].path, path))
			return &rs->dirs[i];
	return NULL;
}

/* The children of d joined with spaces, or "(none)" if d is NULL. */
static const char *children(const struct vdir *d)
{
	static char buf[1024];
	if (!d)
		return "(none)";
	buf[0] = '\0';
	for (size_t i = 0; i < d->nchildren; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? " " : "", d->children[i]);
	return buf;
}

static const char *kind_name(enum match_kind k)
{
	return k == MATCH_FILE ? "file" : k == MATCH_DIR ? "dir" : "none";
}

static void expect(const struct ruleset *rs, const char *path, enum match_kind want)
{
	struct match m = rules_match(rs, path);
	bool ok = m.kind == want;
	if (ok && want == MATCH_FILE)
		ok = m.rule && !strcmp(m.rule->path, path) && !m.dir;
	if (ok && want == MATCH_DIR)
		ok = m.dir && !strcmp(m.dir->path, path) && !m.rule;
	check(ok, "match %s: %s (got %s)", path, kind_name(want), kind_name(m.kind));
}

static void test_index(void)
{
	static const char *const paths[] = {
		"/proc/self/mountinfo",
		"/proc/sys/kernel/keys/root_maxkeys",
		"/proc/sys/kernel/panic",
		"/proc/sys/net/ipv4/conf/eth0.1/forwarding",
		"/proc/sys/vm/overcommit_memory",
		"/sys/fs/cgroup/",
		"/sys/fs/cgroup/cpu/",
		"/sys/module/nf_conntrack/parameters/hashsize",
		NULL,
	};
	struct ruleset rs = make(paths);
	check(rs.ndirs == 17, "index: 17 vdirs (got %zu)", rs.ndirs);
	bool sorted = true;
	for (size_t i = 1; i < rs.ndirs; i++)
		sorted &= strcmp(rs.dirs[i - 1].path, rs.dirs[i].path) < 0;
	check(sorted, "index: vdirs sorted by path, each once");
	check(!find_dir(&rs, "/"), "index: no vdir for /");
	check(!strcmp(children(find_dir(&rs, "/proc")), "self sys"), "index: /proc lists self sys");
	check(!strcmp(children(find_dir(&rs, "/proc/sys")), "kernel net vm"), "index: /proc/sys lists kernel net vm");
	check(!strcmp(children(find_dir(&rs, "/proc/sys/kernel")), "keys panic"), "index: /proc/sys/kernel lists keys panic");
	check(!strcmp(children(find_dir(&rs, "/proc/sys/net/ipv4/conf")), "eth0.1"), "index: a dotted component is one child");
	check(!strcmp(children(find_dir(&rs, "/sys")), "fs module"), "index: /sys lists fs module");
	const struct vdir *cg = find_dir(&rs, "/sys/fs/cgroup"), *cpu = find_dir(&rs, "/sys/fs/cgroup/cpu");
	check(cg && cg->rule && !strcmp(cg->rule->path, "/sys/fs/cgroup") && !strcmp(children(cg), "cpu"),
	      "index: a dir rule is a vdir with its rule and children");
	check(cpu && cpu->rule && cpu->nchildren == 0, "index: an empty dir rule is a vdir without children");
	check(find_dir(&rs, "/proc/sys") && !find_dir(&rs, "/proc/sys")->rule, "index: an implied ancestor has no rule");
	check(rs.nroots == 2, "index: two first components (got %zu)", rs.nroots);

	expect(&rs, "/proc/sys/kernel/panic", MATCH_FILE);
	expect(&rs, "/proc/self/mountinfo", MATCH_FILE);
	expect(&rs, "/sys/module/nf_conntrack/parameters/hashsize", MATCH_FILE);
	expect(&rs, "/proc/sys/kernel", MATCH_DIR);
	expect(&rs, "/proc", MATCH_DIR);
	expect(&rs, "/sys/fs/cgroup/cpu", MATCH_DIR);
	expect(&rs, "/proc/sys/net/ipv4/conf/eth0.1", MATCH_DIR);
	struct match m = rules_match(&rs, "/sys/fs/cgroup");
	check(m.kind == MATCH_DIR && m.dir && m.dir->rule && m.dir->rule->kind == RULE_DIR,
	      "match: a dir rule gives its vdir, which points at the rule");
	expect(&rs, "/", MATCH_NONE);
	expect(&rs, "/etc/passwd", MATCH_NONE);
	expect(&rs, "/procx/sys", MATCH_NONE);
	expect(&rs, "/pro", MATCH_NONE);
	expect(&rs, "/proc/sys/kernel/panicx", MATCH_NONE);
	expect(&rs, "/proc/sys/kernel/pani", MATCH_NONE);
	expect(&rs, "/proc/sys/kernel/panic/x", MATCH_NONE);
	expect(&rs, "/proc/sys/fs", MATCH_NONE);
	expect(&rs, "/proc/sys/net/ipv4/conf/eth0", MATCH_NONE);
	expect(&rs, "/sys/fs/cgroup/memory", MATCH_NONE);
	expect(&rs, "proc/sys/kernel/panic", MATCH_NONE);
	expect(&rs, "", MATCH_NONE);

	rules_free(&rs);
	check(!rs.rules && !rs.dirs && !rs.roots && !rs.nrules && !rs.ndirs && !rs.nroots, "free: leaves the set empty");
}

/* "/a/b-x" sorts between "/a/b" and "/a/b/c": children of one directory are not adjacent. */
static void test_interleaved(void)
{
	static const char *const paths[] = { "/a/b-x", "/a/b/c", "/a/b/d/", "/a/b/d/e", "/b", NULL };
	struct ruleset rs = make(paths);
	check(!strcmp(children(find_dir(&rs, "/a")), "b b-x"), "interleaved: /a lists b b-x once each");
	check(!strcmp(children(find_dir(&rs, "/a/b")), "c d"), "interleaved: /a/b lists c d");
	const struct vdir *d = find_dir(&rs, "/a/b/d");
	check(d && d->rule && !strcmp(children(d), "e"), "interleaved: dir rule with a child keeps its rule");
	check(rs.ndirs == 3, "interleaved: 3 vdirs (got %zu)", rs.ndirs);
	expect(&rs, "/b", MATCH_FILE);
	expect(&rs, "/a/b", MATCH_DIR);
	expect(&rs, "/a/b-x", MATCH_FILE);
	expect(&rs, "/a/b-", MATCH_NONE);
	rules_free(&rs);
}

static void test_empty(void)
{
	static const char *const paths[] = { NULL };
	struct ruleset rs = make(paths);
	check(rs.ndirs == 0 && rs.nroots == 0, "empty: no vdirs, no roots");
	expect(&rs, "/proc/sys/kernel/panic", MATCH_NONE);
	expect(&rs, "/", MATCH_NONE);
	rules_free(&rs);
	struct ruleset zero = { 0 };
	rules_free(&zero);
	check(true, "empty: rules_free of an empty set");
}

/* path matches the rule or vdir named want ("-" for none). */
static void expect_by(const struct ruleset *rs, const char *path, enum match_kind kind, const char *want)
{
	struct match m = rules_match(rs, path);
	const char *got = m.kind == MATCH_FILE ? m.rule->path : m.kind == MATCH_DIR ? m.dir->path : "-";
	check(m.kind == kind && !strcmp(got, want), "pattern match %s: %s %s (got %s %s)", path, kind_name(kind), want,
	      kind_name(m.kind), got);
}

static const char *pattern_children(const struct ruleset *rs, const char *path)
{
	const char **names;
	size_t n = rules_pattern_children(rs, path, &names);
	struct vdir d = { .nchildren = n, .children = (char **)names };
	static char buf[1024];
	snprintf(buf, sizeof buf, "%s", children(&d));
	free(names);
	return buf;
}

static void test_overlap(void)
{
	static const struct { const char *a, *b; enum overlap want; } cases[] = {
		{ "/a/*/c", "/a/b/c", OVERLAP_SAME }, { "/a/b/c", "/a/*/c", OVERLAP_SAME },
		{ "/a/*", "/a/b/c", OVERLAP_BELOW },  { "/a/b/c", "/a/*", OVERLAP_ABOVE },
		{ "/a/*/c", "/a/b/d", OVERLAP_NONE }, { "/a/*", "/a/*", OVERLAP_SAME },
		{ "/a/*", "/b/x", OVERLAP_NONE },     { "/a/*/c", "/a/b", OVERLAP_ABOVE },
		{ "/a/b", "/a/bc", OVERLAP_NONE },    { "/a/*/c", "/a/*/c/d", OVERLAP_BELOW },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		check(rules_overlap(cases[i].a, cases[i].b) == cases[i].want, "overlap %s %s: %d (got %d)", cases[i].a,
		      cases[i].b, cases[i].want, rules_overlap(cases[i].a, cases[i].b));
	check(rules_is_pattern("/a/*/b") && rules_is_pattern("/a/*") && !rules_is_pattern("/a/b*") &&
	      !rules_is_pattern("/a/*b") && !rules_is_pattern("/a/b"), "pattern: only a whole '*' component");
}

static void test_patterns(void)
{
	static const char *const paths[] = {
		"/proc/sys/kernel/panic",
		"/proc/sys/net/ipv4/conf/*/forwarding",
		"/proc/sys/net/ipv4/conf/all/forwarding",
		"/proc/sys/net/ipv4/conf/all/rp_filter",
		"/proc/sys/net/ipv6/conf/*/accept_ra",
		NULL,
	};
	struct ruleset rs = make(paths);
	const char *fwd = "/proc/sys/net/ipv4/conf/*/forwarding";
	check(rs.npatterns == 2 && rs.npattern_dirs == 2, "patterns: 2 rules, 2 vdirs (got %zu, %zu)", rs.npatterns,
	      rs.npattern_dirs);
	expect_by(&rs, "/proc/sys/net/ipv4/conf/eth0/forwarding", MATCH_FILE, fwd);
	expect_by(&rs, "/proc/sys/net/ipv4/conf/veth1234abcd/forwarding", MATCH_FILE, fwd);
	expect_by(&rs, "/proc/sys/net/ipv4/conf/all/forwarding", MATCH_FILE, "/proc/sys/net/ipv4/conf/all/forwarding");
	expect_by(&rs, "/proc/sys/net/ipv4/conf/eth0", MATCH_DIR, "/proc/sys/net/ipv4/conf/*");
	expect_by(&rs, "/proc/sys/net/ipv4/conf/all", MATCH_DIR, "/proc/sys/net/ipv4/conf/all");
	expect_by(&rs, "/proc/sys/net/ipv4/conf/eth0/rp_filter", MATCH_NONE, "-");
	expect_by(&rs, "/proc/sys/net/ipv4/conf/eth0/forwarding/x", MATCH_NONE, "-");
	expect_by(&rs, "/proc/sys/net/ipv4/conf/a/b/forwarding", MATCH_NONE, "-");
	expect_by(&rs, "/proc/sys/net/ipv4/confx/eth0/forwarding", MATCH_NONE, "-");
	expect_by(&rs, "/proc/sys/net/ipv6/conf/eth0/accept_ra", MATCH_FILE, "/proc/sys/net/ipv6/conf/*/accept_ra");
	expect_by(&rs, "/proc/sys/kernel/panic", MATCH_FILE, "/proc/sys/kernel/panic");
	expect_by(&rs, "/proc/self/status", MATCH_NONE, "-");
	const char *c = children(find_dir(&rs, "/proc/sys/net/ipv4/conf"));
	check(!strcmp(c, "* all"), "patterns: conf lists the pattern child (got %s)", c);
	c = children(find_dir(&rs, "/proc/sys/net/ipv4/conf/all"));
	check(!strcmp(c, "forwarding rp_filter"), "patterns: a literal dir holds the pattern's children too (got %s)", c);
	c = pattern_children(&rs, "/proc/sys/net/ipv4/conf/eth0");
	check(!strcmp(c, "forwarding"), "patterns: children of an instance dir (got %s)", c);
	rules_free(&rs);

	static const char *const later[] = { "/p/*/c", "/p/*/d/e", "/p/b/*", NULL }; /* ranks 0, 1, 2 */
	rs = make(later);
	expect_by(&rs, "/p/b/c", MATCH_FILE, "/p/b/*");
	expect_by(&rs, "/p/x/c", MATCH_FILE, "/p/*/c");
	expect_by(&rs, "/p/b/x", MATCH_FILE, "/p/b/*");
	c = pattern_children(&rs, "/p/x");
	check(!strcmp(c, "c d"), "patterns: union of the children of the pattern dirs (got %s)", c);
	c = children(find_dir(&rs, "/p/b"));
	check(!strcmp(c, "* c d"), "patterns: a literal dir with pattern children of its own and others' (got %s)", c);
	expect_by(&rs, "/p/x/d", MATCH_DIR, "/p/*/d");
	expect_by(&rs, "/p/x/d/e", MATCH_FILE, "/p/*/d/e");
	rules_free(&rs);
}

int main(void)
{
	test_overlap();
	test_patterns();
	test_index();
	test_interleaved();
	test_empty();
	return failures != 0;
}
