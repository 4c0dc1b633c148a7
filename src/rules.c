/* The rule set's index and lookup. rules_index derives the virtual directories from the
   rules once; rules_match then runs on every intercepted syscall, so it allocates nothing
   and rejects the common miss (a path outside every rule) with a few byte compares.
   Pattern rules (a "*" component) are tried only after every literal rule missed, and
   only for a path that starts with a pattern's fixed part (up to its first "*"), so a
   miss elsewhere costs one short compare per distinct fixed part. */
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "rules.h"

/* "Directory dir has a fake child named child", or, for a RULE_DIR rule, "dir is a fake
   directory" (child empty, rule set). All strings point into the rule paths. */
struct edge {
	const char *dir, *child;
	size_t dirlen, childlen;
	const struct rule *rule;
};

/* strcmp order for strings given as pointer and length (they contain no NUL). */
static int cmp_slice(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	return c ? c : (alen > blen) - (alen < blen);
}

/* By directory, then by child name; a RULE_DIR's own edge (empty child) comes first. */
static int cmp_edge(const void *pa, const void *pb)
{
	const struct edge *a = pa, *b = pb;
	int c = cmp_slice(a->dir, a->dirlen, b->dir, b->dirlen);
	return c ? c : cmp_slice(a->child, a->childlen, b->child, b->childlen);
}

static char *dup_slice(const char *s, size_t len)
{
	char *p = strndup(s, len);
	if (!p)
		die_oom();
	return p;
}

static void *alloc_array(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die_oom();
	return p;
}

/* One edge per ancestor of each rule (except "/"), one more per RULE_DIR rule. */
static size_t collect_edges(const struct ruleset *rs, struct edge **out)
{
	size_t max = 0;
	for (size_t i = 0; i < rs->nrules; i++)
		for (const char *p = rs->rules[i].path; *p; p++)
			max += *p == '/'; /* a rule's slashes bound its ancestors plus its own edge */
	struct edge *e = alloc_array(max, sizeof *e);
	size_t n = 0;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		const char *p = r->path;
		if (r->kind == RULE_DIR)
			e[n++] = (struct edge){ .dir = p, .dirlen = strlen(p), .child = "", .rule = r };
		for (const char *slash = strchr(p + 1, '/'); slash; slash = strchr(slash + 1, '/'))
			e[n++] = (struct edge){ .dir = p, .dirlen = (size_t)(slash - p), .child = slash + 1,
			                        .childlen = strcspn(slash + 1, "/") };
	}
	*out = e;
	return n;
}

/* Merges the sorted edges of one directory, e[0..n), into d. */
static void fill_vdir(struct vdir *d, const struct edge *e, size_t n)
{
	d->path = dup_slice(e[0].dir, e[0].dirlen);
	d->rule = e[0].rule; /* the RULE_DIR's own edge sorts first */
	d->children = alloc_array(n, sizeof *d->children);
	for (size_t i = 0; i < n; i++) {
		bool repeat = i > 0 && !cmp_slice(e[i].child, e[i].childlen, e[i - 1].child, e[i - 1].childlen);
		if (e[i].childlen && !repeat)
			d->children[d->nchildren++] = dup_slice(e[i].child, e[i].childlen);
	}
}

static void index_roots(struct ruleset *rs)
{
	rs->roots = alloc_array(rs->nrules, sizeof *rs->roots);
	for (size_t i = 0; i < rs->nrules; i++) {
		const char *name = rs->rules[i].path + 1;
		size_t len = strcspn(name, "/"), j = 0;
		while (j < rs->nroots && cmp_slice(rs->roots[j], strlen(rs->roots[j]), name, len))
			j++;
		if (j == rs->nroots)
			rs->roots[rs->nroots++] = dup_slice(name, len);
	}
}

enum overlap rules_overlap(const char *a, const char *b)
{
	for (;;) { /* a and b are at a '/' */
		a++, b++;
		size_t m = (size_t)(strchrnul(a, '/') - a), n = (size_t)(strchrnul(b, '/') - b);
		bool any = (m == 1 && *a == '*') || (n == 1 && *b == '*');
		if (!any && cmp_slice(a, m, b, n))
			return OVERLAP_NONE;
		a += m, b += n;
		if (!*a || !*b)
			return !*a && !*b ? OVERLAP_SAME : !*a ? OVERLAP_BELOW : OVERLAP_ABOVE;
	}
}

/* Whether the concrete path s matches pattern p: rules_overlap(p, s) == OVERLAP_SAME, one
   byte at a time, as it runs for every path under a pattern's prefix. */
static bool matches(const char *p, const char *s)
{
	for (;;) {
		if (p[0] == '*' && p[-1] == '/' && (p[1] == '/' || !p[1])) {
			if (*s == '/' || !*s)
				return false; /* not a name */
			while (*s && *s != '/')
				s++;
			p++;
		}
		if (*p != *s)
			return false;
		if (!*p)
			return true;
		p++, s++;
	}
}

bool rules_is_pattern(const char *path)
{
	for (const char *c = strchr(path, '*'); c; c = strchr(c + 1, '*'))
		if (c[-1] == '/' && (c[1] == '/' || !c[1]))
			return true;
	return false;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether name is one of the n names of v (n small: a directory's fake children). */
static bool has_name(char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

/* A literal vdir that a pattern vdir matches holds the pattern's children too (a
   literal conf/all holds what the pattern conf/STAR holds). */
static void add_pattern_children(struct ruleset *rs, struct vdir *d)
{
	for (size_t i = 0; i < rs->npattern_dirs; i++) {
		const struct vdir *p = rs->pattern_dirs[i];
		if (!matches(p->path, d->path))
			continue;
		for (size_t j = 0; j < p->nchildren; j++) {
			if (has_name(d->children, d->nchildren, p->children[j]))
				continue;
			if (!(d->children = realloc(d->children, (d->nchildren + 1) * sizeof *d->children)))
				die_oom();
			d->children[d->nchildren++] = dup_slice(p->children[j], strlen(p->children[j]));
		}
		qsort(d->children, d->nchildren, sizeof *d->children, cmp_name);
	}
}

/* Whether the first len bytes of p are one of the pattern prefixes. */
static bool has_prefix(const struct ruleset *rs, const char *p, size_t len)
{
	for (size_t i = 0; i < rs->nprefixes; i++)
		if (rs->prefix_lens[i] == len && !memcmp(rs->pattern_prefixes[i], p, len))
			return true;
	return false;
}

/* Whether path starts with a pattern's fixed part: only then can a pattern match it. */
static bool may_match_pattern(const struct ruleset *rs, const char *path)
{
	for (size_t i = 0; i < rs->nprefixes; i++)
		if (!strncmp(path, rs->pattern_prefixes[i], rs->prefix_lens[i]))
			return true;
	return false;
}

static int by_rank_down(const void *pa, const void *pb)
{
	const struct rule *a = *(const struct rule *const *)pa, *b = *(const struct rule *const *)pb;
	return (a->rank < b->rank) - (a->rank > b->rank);
}

static void index_patterns(struct ruleset *rs)
{
	rs->patterns = alloc_array(rs->nrules, sizeof *rs->patterns);
	for (size_t i = 0; i < rs->nrules; i++)
		if ((rs->rules[i].pattern = rules_is_pattern(rs->rules[i].path)))
			rs->patterns[rs->npatterns++] = &rs->rules[i];
	if (rs->npatterns)
		qsort(rs->patterns, rs->npatterns, sizeof *rs->patterns, by_rank_down);
	rs->pattern_dirs = alloc_array(rs->ndirs, sizeof *rs->pattern_dirs);
	for (size_t i = 0; i < rs->ndirs; i++) {
		rs->dirs[i].id = i;
		if ((rs->dirs[i].pattern = rules_is_pattern(rs->dirs[i].path)))
			rs->pattern_dirs[rs->npattern_dirs++] = &rs->dirs[i];
	}
	for (size_t i = 0; rs->npattern_dirs && i < rs->ndirs; i++)
		if (!rs->dirs[i].pattern)
			add_pattern_children(rs, &rs->dirs[i]);
	/* Every pattern vdir is an ancestor of a pattern rule with the same prefix. */
	rs->pattern_prefixes = alloc_array(rs->npatterns, sizeof *rs->pattern_prefixes);
	rs->prefix_lens = alloc_array(rs->npatterns, sizeof *rs->prefix_lens);
	for (size_t i = 0; i < rs->npatterns; i++) {
		const char *p = rs->patterns[i]->path;
		size_t len = 0;
		while (!(p[len] == '/' && p[len + 1] == '*' && (p[len + 2] == '/' || !p[len + 2])))
			len++;
		if (!has_prefix(rs, p, len + 1)) {
			rs->prefix_lens[rs->nprefixes] = len + 1;
			rs->pattern_prefixes[rs->nprefixes++] = dup_slice(p, len + 1);
		}
	}
}

void rules_index(struct ruleset *rs)
{
	for (size_t i = 0; i < rs->nrules; i++)
		rs->rules[i].id = i;
	struct edge *e;
	size_t n = collect_edges(rs, &e);
	if (n)
		qsort(e, n, sizeof *e, cmp_edge);
	rs->dirs = alloc_array(n, sizeof *rs->dirs);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && !cmp_slice(e[j].dir, e[j].dirlen, e[i].dir, e[i].dirlen); j++)
			;
		fill_vdir(&rs->dirs[rs->ndirs++], e + i, j - i);
	}
	free(e);
	index_roots(rs);
	rs->trees = alloc_array(rs->nrules, sizeof *rs->trees);
	for (size_t i = 0; i < rs->nrules; i++)
		if (rs->rules[i].kind == RULE_TREE)
			rs->trees[rs->ntrees++] = &rs->rules[i];
	index_patterns(rs);
}

/* Every rule path starts with one of a handful of components (usually "proc" and "sys"):
   comparing the first component rejects most paths before any binary search. */
static bool under_some_root(const struct ruleset *rs, const char *path)
{
	size_t len = strcspn(path + 1, "/");
	for (size_t i = 0; i < rs->nroots; i++)
		if (!strncmp(rs->roots[i], path + 1, len) && rs->roots[i][len] == '\0')
			return true;
	return false;
}

static int cmp_rule_path(const void *key, const void *elem)
{
	return strcmp(key, ((const struct rule *)elem)->path);
}

static int cmp_vdir_path(const void *key, const void *elem)
{
	return strcmp(key, ((const struct vdir *)elem)->path);
}

struct match rules_match(const struct ruleset *rs, const char *path)
{
	struct match m = { .kind = MATCH_NONE };
	if (path[0] != '/' || !under_some_root(rs, path))
		return m;
	const struct rule *r = bsearch(path, rs->rules, rs->nrules, sizeof *r, cmp_rule_path);
	if (r && r->kind != RULE_DIR) {
		m.kind = r->kind == RULE_FILE ? MATCH_FILE : MATCH_TREE;
		m.rule = r;
		return m;
	}
	/* Nothing else lies below a tree (profile.c refuses it), and there are one or two. */
	for (size_t i = 0; i < rs->ntrees; i++) {
		size_t n = strlen(rs->trees[i]->path);
		if (!strncmp(path, rs->trees[i]->path, n) && path[n] == '/') {
			m.kind = MATCH_TREE;
			m.rule = rs->trees[i];
			return m;
		}
	}
	/* A RULE_DIR rule has a vdir of the same path, so this also finds those. */
	const struct vdir *d = bsearch(path, rs->dirs, rs->ndirs, sizeof *d, cmp_vdir_path);
	if (d) {
		m.kind = MATCH_DIR;
		m.dir = d;
		return m;
	}
	if (!may_match_pattern(rs, path))
		return m;
	for (size_t i = 0; i < rs->npatterns; i++)
		if (matches(rs->patterns[i]->path, path)) {
			m.kind = MATCH_FILE;
			m.rule = rs->patterns[i];
			return m;
		}
	for (size_t i = 0; i < rs->npattern_dirs; i++)
		if (matches(rs->pattern_dirs[i]->path, path)) {
			m.kind = MATCH_DIR;
			m.dir = rs->pattern_dirs[i];
			return m;
		}
	return m;
}

size_t rules_pattern_children(const struct ruleset *rs, const char *path, const char ***names)
{
	size_t n = 0, max = 0;
	for (size_t i = 0; i < rs->npattern_dirs; i++)
		max += rs->pattern_dirs[i]->nchildren;
	char **v = alloc_array(max, sizeof *v);
	for (size_t i = 0; i < rs->npattern_dirs; i++) {
		const struct vdir *p = rs->pattern_dirs[i];
		if (!matches(p->path, path))
			continue;
		for (size_t j = 0; j < p->nchildren; j++)
			if (!has_name(v, n, p->children[j]))
				v[n++] = p->children[j];
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_name);
	*names = (const char **)v;
	return n;
}

void rules_free(struct ruleset *rs)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		free(rs->rules[i].path);
		free(rs->rules[i].content);
		free(rs->rules[i].origin);
		free(rs->rules[i].generator);
	}
	for (size_t i = 0; i < rs->ndirs; i++) {
		free(rs->dirs[i].path);
		for (size_t j = 0; j < rs->dirs[i].nchildren; j++)
			free(rs->dirs[i].children[j]);
		free(rs->dirs[i].children);
	}
	for (size_t i = 0; i < rs->nroots; i++)
		free(rs->roots[i]);
	free(rs->rules);
	free(rs->dirs);
	free(rs->roots);
	free(rs->trees);
	for (size_t i = 0; i < rs->nprefixes; i++)
		free(rs->pattern_prefixes[i]);
	free(rs->patterns);
	free(rs->pattern_dirs);
	free(rs->pattern_prefixes);
	free(rs->prefix_lens);
	*rs = (struct ruleset){ 0 };
}
