/* Rule set: the immutable result of parsing profiles, indexed for fast lookup. */
#ifndef FAKESYS_RULES_H
#define FAKESYS_RULES_H

#include <stdbool.h>
#include <stddef.h>

enum rule_kind {
	RULE_FILE, /* a fake file with a value */
	RULE_DIR,  /* a fake directory (may be empty) */
	RULE_TREE, /* a directory and everything below it, served by a tree provider
	              (`cgroupfs PATH`: a cgroup v1 hierarchy set, provider_cgroup.c) */
};

enum rule_policy {
	POLICY_STORE,      /* always serve the store */
	POLICY_REAL_FIRST, /* serve the real file while it exists and is readable and
	                      nothing was written; writes always go to the store */
};

struct rule {
	char *path;           /* canonical absolute path, e.g. /proc/sys/kernel/panic */
	enum rule_kind kind;
	enum rule_policy policy;
	char *content;        /* initial value (RULE_FILE), NUL-terminated after content_len bytes;
	                         sysctl values end in "\n"; unused (NULL) for RULE_DIR */
	size_t content_len;
	bool sysctl;          /* value under /proc/sys: writes are normalised like the kernel */
	bool read_only;       /* `read-only`: mode 0444, and no open for writing (EACCES), as
	                         the kernel's own read-only keys (kernel.osrelease) */
	char *generator;      /* RULE_FILE made afresh at each open for the opener
	                         (`generated PATH = NAME`, provider_generated.c), or NULL */
	char *origin;         /* "FILE:LINE" or "--sysctl KEY=VALUE", for messages and --print-profile */
	bool pattern;         /* a "*" component in path matches any one component: each path it
	                         matches is a fake of its own, an instance (store_instance) */
	size_t rank;          /* between two patterns that match one path, the higher rank wins: the
	                         rule loaded later (profile.c) */
	size_t id;            /* index of the store's state for it: the position in rules, or beyond
	                         for an instance */
};

/* A directory that holds fake entries: every ancestor of a rule, and RULE_DIR rules. */
struct vdir {
	char *path;
	const struct rule *rule; /* the RULE_DIR rule, or NULL for an implied ancestor */
	size_t nchildren;
	char **children;         /* names of direct fake children (files and vdirs), sorted; "*" for
	                            the instances of a pattern child */
	bool pattern;            /* path has a "*" component (an ancestor of a pattern rule) */
	size_t id;               /* as for a rule */
};

struct ruleset {
	struct rule *rules; /* sorted by path */
	size_t nrules;
	struct vdir *dirs;  /* sorted by path */
	size_t ndirs;
	char **roots;       /* distinct first components of the rule paths ("proc", "sys"), set by
	                       rules_index: most misses end after comparing against these */
	size_t nroots;
	const struct rule **trees; /* the RULE_TREE rules, set by rules_index */
	size_t ntrees;
	const struct rule **patterns;    /* the pattern rules, highest rank first, set by rules_index */
	size_t npatterns;
	const struct vdir **pattern_dirs; /* the pattern vdirs, set by rules_index */
	size_t npattern_dirs;
	char **pattern_prefixes; /* distinct parts of the pattern paths before their first "*" (with
	                            its '/'), set by rules_index: a path that starts with none of
	                            these is compared with no pattern */
	size_t *prefix_lens;
	size_t nprefixes;
};

enum match_kind { MATCH_NONE, MATCH_FILE, MATCH_DIR, MATCH_TREE };

struct match {
	enum match_kind kind;
	const struct rule *rule; /* MATCH_FILE, MATCH_TREE (the tree's root rule) */
	const struct vdir *dir;  /* MATCH_DIR */
};

/* How two paths relate when a "*" component matches any one component. */
enum overlap {
	OVERLAP_NONE,  /* no path matches both */
	OVERLAP_SAME,  /* some path matches both (for a concrete b: b matches a) */
	OVERLAP_BELOW, /* some path matching b lies below one matching a */
	OVERLAP_ABOVE, /* some path matching a lies below one matching b */
};
enum overlap rules_overlap(const char *a, const char *b);
/* Whether path has a "*" component. */
bool rules_is_pattern(const char *path);

/* Build the directory index (dirs, roots); rules must already be sorted by strcmp and free
   of conflicts. Dies (die_oom) if memory runs out. */
void rules_index(struct ruleset *rs);
/* Match a canonical absolute path. Cheap for paths outside every rule. A literal rule or
   vdir wins; otherwise the pattern rule of highest rank that matches, then a pattern
   vdir (the caller makes the instance at path: store_instance). */
struct match rules_match(const struct ruleset *rs, const char *path);
/* The fake children of the concrete directory path, which pattern vdirs match: the union
   of their children, sorted, in an array of n (returned) names owned by rs. */
size_t rules_pattern_children(const struct ruleset *rs, const char *path, const char ***names);
/* Frees the rules, the index and every string they own; leaves *rs empty. */
void rules_free(struct ruleset *rs);

#endif
