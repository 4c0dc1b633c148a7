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
};

/* A directory that holds fake entries: every ancestor of a rule, and RULE_DIR rules. */
struct vdir {
	char *path;
	const struct rule *rule; /* the RULE_DIR rule, or NULL for an implied ancestor */
	size_t nchildren;
	char **children;         /* names of direct fake children (files and vdirs) */
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
};

enum match_kind { MATCH_NONE, MATCH_FILE, MATCH_DIR, MATCH_TREE };

struct match {
	enum match_kind kind;
	const struct rule *rule; /* MATCH_FILE, MATCH_TREE (the tree's root rule) */
	const struct vdir *dir;  /* MATCH_DIR */
};

/* Build the directory index (dirs, roots); rules must already be sorted by strcmp and free
   of conflicts. Dies (die_oom) if memory runs out. */
void rules_index(struct ruleset *rs);
/* Match a canonical absolute path. Cheap for paths outside every rule. */
struct match rules_match(const struct ruleset *rs, const char *path);
/* Frees the rules, the index and every string they own; leaves *rs empty. */
void rules_free(struct ruleset *rs);

#endif
