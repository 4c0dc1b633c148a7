/* Profiles: sysctl.d lines and path rules from embedded profiles, profile files and
   --sysctl, collected in a builder. profile_finish merges them (for one path, the rule of
   the latest source wins) into the sorted, indexed, immutable struct ruleset.
   The format is documented in docs/profiles.md and man/fakesys.1. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "grow.h"
#include "embedded.h"
#include "fsutil.h"
#include "log.h"
#include "procfs_alias.h"
#include "profile.h"
#include "provider.h"
#include "root_disk.h"

#define FILE_MAX (1 << 20)  /* profile and content files; kernel files are far smaller */
#define INCLUDE_DEPTH 16
#define PROC_SYS "/proc/sys/"

struct entry {
	struct rule rule;
	unsigned source; /* two rules for one path from one source are an error */
	bool late;       /* from --sysctl: wins over every profile, whenever it was added */
	size_t seq;      /* order of addition: otherwise, for one path, the last rule wins */
};

struct profile_builder {
	struct entry *v;
	size_t n, cap;
	unsigned nsources;
};

/* One profile being parsed, or one --sysctl. */
struct source {
	struct profile_builder *b;
	const char *name;   /* file path, "NAME.conf" or "--sysctl KEY=VALUE": for messages, origins */
	unsigned line;      /* current line; 0 outside of a line (--sysctl) */
	unsigned id;
	bool late;          /* a --sysctl */
	const char *dir;    /* base of relative include and content files; NULL: the cwd */
	const struct source *includer;
	const struct embedded_profile *ep; /* identity for cycle detection: the embedded profile, */
	dev_t dev;                         /* or else the file */
	ino_t ino;
	char *err;
	size_t errlen;
};

static int vfail(char *err, size_t errlen, const char *where, unsigned line, const char *fmt, va_list ap)
{
	int n = line ? snprintf(err, errlen, "%s:%u: ", where, line) : snprintf(err, errlen, "%s: ", where);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	return -1;
}

/* Writes "WHERE: message" into err and returns -1. */
__attribute__((format(printf, 4, 5)))
static int fail(char *err, size_t errlen, const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(err, errlen, where, 0, fmt, ap);
	va_end(ap);
	return -1;
}

/* Writes "FILE:LINE: message" for the line being parsed and returns -1. */
__attribute__((format(printf, 2, 3)))
static int src_fail(const struct source *src, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(src->err, src->errlen, src->name, src->line, fmt, ap);
	va_end(ap);
	return -1;
}

struct profile_builder *profile_builder_new(void)
{
	struct profile_builder *b = calloc(1, sizeof *b);
	if (!b)
		die_oom();
	return b;
}

/* ---- Reading files ---- */

/* The whole file, NUL-terminated (kernel files report size 0, so read to the end).
   NULL with errno set on failure; EFBIG beyond FILE_MAX. st (optional) identifies it. */
static char *read_file(const char *path, size_t *len, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n = fs_read_grown(fd, &buf, &cap, FILE_MAX);
	int e = n < 0 ? errno : st && fstat(fd, st) < 0 ? errno : 0;
	close(fd);
	if (e) {
		free(buf);
		errno = e;
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

/* file relative to dir (NULL: the cwd), freshly allocated. */
static char *join(const char *dir, const char *file)
{
	bool relative = dir && file[0] != '/';
	char *p;
	if (asprintf(&p, "%s%s%s", relative ? dir : "", relative ? "/" : "", file) < 0)
		die_oom();
	return p;
}

/* ---- Syntax helpers ---- */

static char *skip_blanks(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

static void trim_end(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* If s starts with the word kw followed by a blank or the end, what follows it. */
static char *keyword(char *s, const char *kw)
{
	size_t n = strlen(kw);
	if (strncmp(s, kw, n) || (s[n] && !isspace((unsigned char)s[n])))
		return NULL;
	return skip_blanks(s + n);
}

/* Absolute, and no empty, "." or ".." component: no "//", no trailing "/", not "/". */
static bool canonical(const char *path)
{
	if (path[0] != '/')
		return false;
	for (const char *c = path + 1;; c += strcspn(c, "/") + 1) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (c[0] == '.' && (n == 1 || (n == 2 && c[1] == '.'))))
			return false;
		if (!c[n])
			return true;
	}
}

static bool key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("_.:@+-/*", c));
}

/* The /proc/sys path of a sysctl.d key. As in sysctl.d, the first separator decides:
   in "net.ipv4.conf.eth0/1.forwarding" dots separate and a slash is a literal dot; in
   "net/ipv4/conf/eth0.1/forwarding" slashes separate and dots are literal. A leading "-"
   (sysctl.d's "ignore errors") changes nothing here. */
static bool sysctl_path(const char *key, char path[PATH_MAX])
{
	if (*key == '-')
		key++;
	bool dotted = key[strcspn(key, "./")] == '.';
	int n = snprintf(path, PATH_MAX, PROC_SYS "%s", key);
	if (n < 0 || n >= PATH_MAX)
		return false;
	for (char *p = path + strlen(PROC_SYS); *p; p++) {
		if (!key_char(*p))
			return false;
		if (dotted && (*p == '.' || *p == '/'))
			*p = *p == '.' ? '/' : '.';
	}
	return canonical(path);
}

/* The length of the PATH token at s: it ends at a blank, '=' or '<'. */
static size_t path_len(const char *s)
{
	return strcspn(s, "=< \t\v\f\r");
}

/* A "*" component matches any one name; a "*" within a name is an error, as is a pattern
   where it makes no sense (trees, generated files, dir rules: their directories follow
   from the files) or where it would slow down every miss (the first component) or stand
   for processes (/proc/STAR: use /proc/self). */
static int check_pattern(const struct source *src, const char *path, const char *shown, bool allowed)
{
	for (const char *c = path + 1;; c += strcspn(c, "/") + 1) {
		size_t n = strcspn(c, "/");
		if (memchr(c, '*', n) && n != 1)
			return src_fail(src, "bad pattern %s: '*' must be a whole component (it matches any "
			                     "one name)", shown);
		if (!c[n])
			break;
	}
	if (!rules_is_pattern(path))
		return 0;
	if (!allowed)
		return src_fail(src, "bad pattern %s: '*' is allowed in sysctl and file rules only", shown);
	if (path[1] == '*')
		return src_fail(src, "bad pattern %s: the first component cannot be '*'", shown);
	if (!strncmp(path, "/proc/*", 7) && (!path[7] || path[7] == '/'))
		return src_fail(src, "bad pattern %s: /proc/self names the process's own files, '*' "
		                     "cannot stand for processes", shown);
	/* Its instances must have one spelling too: a "*" after /proc/self/fd or task would
	   match links and task directories. A number stands for every name there. */
	char sample[PATH_MAX], why[160];
	snprintf(sample, sizeof sample, "%s", path);
	for (char *c = strchr(sample, '*'); c; c = strchr(c + 1, '*'))
		*c = '0';
	if (!alias_rule_spelling(sample, why, sizeof why))
		return src_fail(src, "bad pattern %s: it matches %s, and %s", shown, sample, why);
	return 0;
}

static int check_path(const struct source *src, const char *path)
{
	if (!*path)
		return src_fail(src, "missing path");
	if (strlen(path) >= PATH_MAX)
		return src_fail(src, "path too long");
	if (!canonical(path))
		return src_fail(src, "bad path %s: it must be absolute and canonical "
		                     "(no '.' or '..' component, no '//', no trailing '/', not '/')", path);
	/* Control characters would make messages and --print-profile ambiguous (and no kernel
	   file has them). */
	for (const unsigned char *c = (const unsigned char *)path; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return src_fail(src, "bad path: control character \\x%02x", *c);
	/* Rules are matched against one spelling of each file; another would never match. */
	char why[160];
	if (!alias_rule_spelling(path, why, sizeof why))
		return src_fail(src, "bad path %s: %s", path, why);
	return 0;
}

/* Decodes the escapes \n \t \\ \xHH of a file rule's CONTENT in place. */
static int unescape(const struct source *src, char *s, size_t *len)
{
	char *out = s;
	for (const char *p = s; *p; p++) {
		if (*p != '\\') {
			*out++ = *p;
			continue;
		}
		p++;
		if (*p == 'n' || *p == 't' || *p == '\\') {
			*out++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : '\\';
		} else if (*p == 'x' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
			char hex[3] = { p[1], p[2], '\0' };
			*out++ = (char)strtoul(hex, NULL, 16);
			p += 2;
		} else {
			return src_fail(src, "bad escape in content (use \\n, \\t, \\\\ or \\xHH)");
		}
	}
	*out = '\0';
	*len = (size_t)(out - s);
	return 0;
}

/* ---- Rules ---- */

/* Appends a rule; takes ownership of content. */
static int add_rule(struct source *src, const char *path, enum rule_kind kind, enum rule_policy policy,
                    char *content, size_t len)
{
	struct profile_builder *b = src->b;
	b->v = grow_for_one(b->v, b->n, &b->cap, sizeof *b->v, 32);
	struct rule r = {
		.path = strdup(path),
		.kind = kind,
		.policy = policy,
		.content = content,
		.content_len = len,
		.sysctl = kind == RULE_FILE && !strncmp(path, PROC_SYS, strlen(PROC_SYS)),
	};
	int rc = src->line ? asprintf(&r.origin, "%s:%u", src->name, src->line)
	                   : asprintf(&r.origin, "%s", src->name);
	if (!r.path || rc < 0)
		die_oom();
	b->v[b->n] = (struct entry){ .rule = r, .source = src->id, .late = src->late, .seq = b->n };
	b->n++;
	return 0;
}

/* KEY = VALUE: the value is stored with a newline, as the kernel shows it. */
static int parse_sysctl(struct source *src, char *s, enum rule_policy policy)
{
	char *eq = strchr(s, '=');
	if (!eq)
		return src_fail(src, "missing '='");
	*eq = '\0';
	char *key = skip_blanks(s), *value = skip_blanks(eq + 1);
	trim_end(key);
	trim_end(value);
	char path[PATH_MAX];
	if (!sysctl_path(key, path))
		return src_fail(src, "unknown key syntax '%s'", key);
	if (check_pattern(src, path, key, true) < 0)
		return -1;
	char *content;
	int len = asprintf(&content, "%s\n", value);
	if (len < 0)
		die_oom();
	return add_rule(src, path, RULE_FILE, policy, content, (size_t)len);
}

/* file PATH = CONTENT, or file PATH < FILE */
static int parse_file(struct source *src, char *s, enum rule_policy policy)
{
	size_t plen = path_len(s);
	char *op = skip_blanks(s + plen);
	char how = *op;
	s[plen] = '\0';
	if (check_path(src, s) < 0 || check_pattern(src, s, s, true) < 0)
		return -1;
	size_t len = 0;
	char *content;
	if (how == '=') {
		/* Verbatim after one optional space, so leading and trailing blanks can be kept. */
		if (!(content = strdup(op[1] == ' ' ? op + 2 : op + 1)))
			die_oom();
		if (unescape(src, content, &len) < 0) {
			free(content);
			return -1;
		}
	} else if (how == '<') {
		char *name = skip_blanks(op + 1);
		trim_end(name);
		if (!*name)
			return src_fail(src, "missing file name after '<'");
		char *file = join(src->dir, name);
		content = read_file(file, &len, NULL);
		int rc = content ? 0 : src_fail(src, "cannot read %s: %s", file, strerror(errno));
		free(file);
		if (rc < 0)
			return -1;
	} else {
		return src_fail(src, "expected '=' or '<' after the path");
	}
	return add_rule(src, s, RULE_FILE, policy, content, len);
}

/* dir PATH, or cgroupfs PATH (kind RULE_TREE) */
static int parse_dir(struct source *src, char *s, enum rule_kind kind, enum rule_policy policy)
{
	trim_end(s);
	if (s[path_len(s)])
		return src_fail(src, "unexpected text after the path");
	if (check_path(src, s) < 0 || check_pattern(src, s, s, false) < 0)
		return -1;
	if (kind == RULE_TREE && policy != POLICY_STORE)
		return src_fail(src, "real-first cannot apply to a cgroupfs tree");
	return add_rule(src, s, kind, policy, NULL, 0);
}

/* One `generated` rule for path, made by generator name. */
static int add_generated(struct source *src, const char *path, const char *name)
{
	if (check_path(src, path) < 0 || check_pattern(src, path, path, false) < 0)
		return -1;
	char *content = strdup("");
	if (!content || add_rule(src, path, RULE_FILE, POLICY_STORE, content, 0) < 0)
		die_oom();
	struct rule *r = &src->b->v[src->b->n - 1].rule;
	if (!(r->generator = strdup(name)))
		die_oom();
	return 0;
}

/* generated PATH = NAME: a file made afresh for each opener by generator NAME. A "{cpu}"
   in PATH stands for each cpu of this machine (one rule per cpu); a "{disk}" for the
   root filesystem's disk where the sandbox's /sys/block lacks it (no rule where it has
   it: its real files are served as they are). */
static int parse_generated(struct source *src, char *s, enum rule_policy policy)
{
	size_t plen = path_len(s);
	char *op = skip_blanks(s + plen);
	if (*op != '=')
		return src_fail(src, "expected '=' and a generator name after the path");
	s[plen] = '\0';
	char *name = skip_blanks(op + 1);
	trim_end(name);
	if (!generator_known(name))
		return src_fail(src, "unknown generator '%s' (known: %s)", name, GENERATOR_NAMES);
	if (policy != POLICY_STORE)
		return src_fail(src, "real-first cannot apply to a generated file");
	char *cpu_hole = strstr(s, "{cpu}"), *disk_hole = strstr(s, "{disk}");
	/* One hole at most: the rules made from it are printed as plain paths, which must
	   load again as themselves. */
	if ((cpu_hole && (disk_hole || strstr(cpu_hole + 1, "{cpu}"))) || (disk_hole && strstr(disk_hole + 1, "{disk}")))
		return src_fail(src, "a path may hold one {cpu} or one {disk}, not more");
	char path[PATH_MAX];
	if (disk_hole) {
		struct root_disk d;
		if (!root_disk_find(&d) || d.in_sysfs)
			return 0;
		snprintf(path, sizeof path, "%.*s%s%s", (int)(disk_hole - s), s, d.name, disk_hole + strlen("{disk}"));
		return add_generated(src, path, name);
	}
	if (!cpu_hole)
		return add_generated(src, s, name);
	long ncpus = sysconf(_SC_NPROCESSORS_CONF);
	for (long cpu = 0; cpu < (ncpus > 0 ? ncpus : 1); cpu++) {
		snprintf(path, sizeof path, "%.*s%ld%s", (int)(cpu_hole - s), s, cpu, cpu_hole + strlen("{cpu}"));
		if (add_generated(src, path, name) < 0)
			return -1;
	}
	return 0;
}

static int load(struct profile_builder *b, const char *spec, const struct source *includer, char *err,
                size_t errlen);

/* After a sysctl or file rule parsed with result rc: makes it read-only if asked. */
static int mark_read_only(struct source *src, int rc, bool read_only)
{
	if (rc == 0 && read_only)
		src->b->v[src->b->n - 1].rule.read_only = true;
	return rc;
}

static int parse_line(struct source *src, char *s)
{
	s = skip_blanks(s);
	if (!*s || *s == '#' || *s == ';')
		return 0;
	enum rule_policy policy = POLICY_STORE;
	char *rest;
	if ((rest = keyword(s, "real-first"))) {
		policy = POLICY_REAL_FIRST;
		s = rest;
		if (keyword(s, "include") || !*s)
			return src_fail(src, "real-first needs a sysctl, file or dir rule after it");
	}
	bool read_only = false;
	if ((rest = keyword(s, "read-only"))) {
		read_only = true;
		s = rest;
		if (keyword(s, "include") || keyword(s, "dir") || keyword(s, "cgroupfs") || keyword(s, "generated") ||
		    keyword(s, "real-first") || !*s)
			return src_fail(src, "read-only needs a sysctl or file rule after it");
	}
	if ((rest = keyword(s, "include"))) {
		trim_end(rest);
		if (!*rest)
			return src_fail(src, "include needs a profile name or file");
		return load(src->b, rest, src, src->err, src->errlen);
	}
	if ((rest = keyword(s, "file")))
		return mark_read_only(src, parse_file(src, rest, policy), read_only);
	if ((rest = keyword(s, "dir")))
		return parse_dir(src, rest, RULE_DIR, policy);
	if ((rest = keyword(s, "cgroupfs")))
		return parse_dir(src, rest, RULE_TREE, policy);
	if ((rest = keyword(s, "generated")))
		return parse_generated(src, rest, policy);
	/* KEY = VALUE, or KEY alone (missing '=') if it looks like one; else a mistyped word. */
	size_t word = strcspn(s, "= \t\v\f\r");
	if (*skip_blanks(s + word) != '=' && !memchr(s, '.', word) && !memchr(s, '/', word))
		return src_fail(src, "unknown directive '%.*s'", (int)word, s);
	return mark_read_only(src, parse_sysctl(src, s, policy), read_only);
}

/* Parses text (len bytes, NUL-terminated, modified in place) line by line. */
static int parse_text(struct source *src, char *text, size_t len)
{
	for (char *line = text, *end; line <= text + len; line = end + 1) {
		end = memchr(line, '\n', (size_t)(text + len - line));
		if (!end)
			end = text + len;
		*end = '\0';
		src->line++;
		if (strlen(line) != (size_t)(end - line))
			return src_fail(src, "NUL byte in the line");
		if (parse_line(src, line) < 0)
			return -1;
	}
	return 0;
}

static const struct embedded_profile *find_embedded(const char *name)
{
	for (size_t i = 0; i < n_embedded_profiles; i++)
		if (!strcmp(embedded_profiles[i].name, name))
			return &embedded_profiles[i];
	return NULL;
}

/* An include of src (embedded profile ep, or file st) by includer would be a cycle. */
static bool includes_itself(const struct source *src, const struct source *includer)
{
	for (const struct source *s = includer; s; s = s->includer)
		if (src->ep ? s->ep == src->ep : !s->ep && s->dev == src->dev && s->ino == src->ino)
			return true;
	return false;
}

/* Parses a copy of text (len bytes, NUL bytes included) as the source src, unless src
   is already being parsed further up its include chain. */
static int parse_source(struct source *src, const char *text, size_t len)
{
	if (includes_itself(src, src->includer))
		return src_fail(src->includer, "include cycle: %s includes itself", src->name);
	char *copy = malloc(len + 1);
	if (!copy)
		die_oom();
	memcpy(copy, text, len);
	copy[len] = '\0';
	int rc = parse_text(src, copy, len);
	free(copy);
	return rc;
}

/* Loads the embedded profile NAME, or FILE (relative to the includer's directory), as a
   new source. Errors are reported at the includer's line, or without one for -p. */
static int load(struct profile_builder *b, const char *spec, const struct source *includer, char *err,
                size_t errlen)
{
	struct source src = { .b = b, .includer = includer, .err = err, .errlen = errlen, .id = b->nsources++ };
	char *text, *path, *dir = NULL;
	size_t len, depth = 0;
	for (const struct source *s = includer; s; s = s->includer)
		depth++;
	if (depth >= INCLUDE_DEPTH)
		return src_fail(includer, "includes nested more than %d deep", INCLUDE_DEPTH);

	size_t speclen = strlen(spec);
	if (!strchr(spec, '/') && (speclen < 5 || strcmp(spec + speclen - 5, ".conf"))) {
		if (!(src.ep = find_embedded(spec)))
			return includer ? src_fail(includer, "unknown profile %s (see --list-profiles)", spec)
			                : fail(err, errlen, spec, "unknown profile (see --list-profiles)");
		char *name;
		if (asprintf(&name, "%s.conf", spec) < 0)
			die_oom();
		src.name = name;
		int rc = parse_source(&src, src.ep->text, strlen(src.ep->text));
		free(name);
		return rc;
	}
	path = join(includer ? includer->dir : NULL, spec);
	struct stat st;
	if (!(text = read_file(path, &len, &st))) {
		int rc = includer ? src_fail(includer, "cannot read %s: %s", path, strerror(errno))
		                  : fail(err, errlen, path, "cannot read: %s", strerror(errno));
		free(path);
		return rc;
	}
	src.name = path;
	src.dev = st.st_dev;
	src.ino = st.st_ino;
	if (strchr(path, '/')) { /* the directory of path: up to its last '/', or "/" */
		if (!(dir = strdup(path)))
			die_oom();
		char *slash = strrchr(dir, '/');
		slash[slash == dir] = '\0';
	}
	src.dir = dir;
	int rc = parse_source(&src, text, len);
	free(text);
	free(path);
	free(dir);
	return rc;
}

int profile_add(struct profile_builder *b, const char *name_or_file, char *err, size_t errlen)
{
	return load(b, name_or_file, NULL, err, errlen);
}

int profile_add_text(struct profile_builder *b, const char *name, const char *text, size_t len, char *err,
                     size_t errlen)
{
	struct source src = { .b = b, .name = name, .id = b->nsources++, .err = err, .errlen = errlen };
	return parse_source(&src, text, len);
}

int profile_add_sysctl(struct profile_builder *b, const char *assignment, char *err, size_t errlen)
{
	char *name, *text = strdup(assignment);
	if (!text || asprintf(&name, "--sysctl %s", assignment) < 0)
		die_oom();
	struct source src = { .b = b, .name = name, .id = b->nsources++, .late = true, .err = err, .errlen = errlen };
	int rc = parse_sysctl(&src, text, POLICY_STORE);
	free(text);
	free(name);
	return rc;
}

int profile_add_kernel_release(struct profile_builder *b, const char *release, char *err, size_t errlen)
{
	if (!*release || strpbrk(release, " \t\n\\") || strlen(release) > 64)
		return fail(err, errlen, "--kernel-release", "'%s' is not a kernel release (up to 64 characters, no blanks)",
		            release);
	char *name, *text;
	if (asprintf(&name, "--kernel-release %s", release) < 0 ||
	    asprintf(&text, "read-only kernel.osrelease = %s\ngenerated /proc/version = proc_version\n", release) < 0)
		die_oom();
	struct source src = { .b = b, .name = name, .id = b->nsources++, .late = true, .err = err, .errlen = errlen };
	int rc = parse_source(&src, text, strlen(text));
	free(text);
	free(name);
	return rc;
}

/* ---- Merging ---- */

static int cmp_entry(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c = strcmp(a->rule.path, b->rule.path);
	if (!c)
		c = a->late - b->late;
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* Two rules for one path from one source (after sorting, rules for one path are adjacent). */
static int check_duplicates(const struct profile_builder *b, char *err, size_t errlen)
{
	for (size_t i = 0; i < b->n; i++)
		for (size_t j = i + 1; j < b->n && !strcmp(b->v[j].rule.path, b->v[i].rule.path); j++)
			if (b->v[j].source == b->v[i].source)
				return fail(err, errlen, b->v[j].rule.origin, "duplicate rule for %s (first at %s)",
				            b->v[i].rule.path, b->v[i].rule.origin);
	return 0;
}

/* The same for pattern rules: some path matching one would lie below a path matching a
   file or a tree. Patterns are few, so every pair that holds one is compared. */
static int pattern_conflicts(const struct ruleset *rs, char *err, size_t errlen)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		if (!rules_is_pattern(rs->rules[i].path))
			continue;
		for (size_t j = 0; j < rs->nrules; j++) {
			const struct rule *p = &rs->rules[i], *r = &rs->rules[j];
			enum overlap o = rules_overlap(p->path, r->path);
			const struct rule *above = o == OVERLAP_BELOW ? p : o == OVERLAP_ABOVE ? r : NULL;
			const struct rule *below = above == p ? r : p;
			if (above && above->kind != RULE_DIR)
				return fail(err, errlen, below->origin, "%s may lie below %s, which is a %s (at %s)",
				            below->path, above->path, above->kind == RULE_FILE ? "file" : "cgroupfs tree",
				            above->origin);
		}
	}
	return 0;
}

/* A file rule on an ancestor of another rule would be a file and a directory at once, and
   a tree's provider owns everything below it. Paths that start with a rule's path follow
   it directly in sorted order. */
static int check_conflicts(const struct ruleset *rs, char *err, size_t errlen)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rule *f = &rs->rules[i];
		size_t len = strlen(f->path);
		for (size_t j = i + 1; f->kind != RULE_DIR && j < rs->nrules && !strncmp(rs->rules[j].path, f->path, len); j++)
			if (rs->rules[j].path[len] == '/')
				return fail(err, errlen, rs->rules[j].origin, "%s is below %s, which is a %s (at %s)",
				            rs->rules[j].path, f->path, f->kind == RULE_FILE ? "file" : "cgroupfs tree",
				            f->origin);
	}
	return pattern_conflicts(rs, err, errlen);
}

int profile_finish(struct profile_builder *b, struct ruleset *out, char *err, size_t errlen)
{
	if (b->n)
		qsort(b->v, b->n, sizeof *b->v, cmp_entry);
	int rc = check_duplicates(b, err, errlen);
	/* The last rule for each path goes to out, the others (all of them on error) to dropped. */
	struct ruleset dropped = { .rules = calloc(b->n + 1, sizeof *dropped.rules) };
	*out = (struct ruleset){ .rules = calloc(b->n + 1, sizeof *out->rules) };
	if (!dropped.rules || !out->rules)
		die_oom();
	for (size_t i = 0; i < b->n; i++) {
		bool wins = rc == 0 && (i + 1 == b->n || strcmp(b->v[i].rule.path, b->v[i + 1].rule.path));
		struct ruleset *to = wins ? out : &dropped;
		/* A --sysctl ranks above every profile, as it wins there for a path. */
		b->v[i].rule.rank = b->v[i].seq + (b->v[i].late ? b->n : 0);
		to->rules[to->nrules++] = b->v[i].rule;
	}
	rules_free(&dropped);
	free(b->v);
	free(b);
	if (rc == 0)
		rc = check_conflicts(out, err, errlen);
	if (rc < 0) {
		rules_free(out);
		return -1;
	}
	rules_index(out);
	return 0;
}

/* ---- Output ---- */

void profile_list(FILE *out)
{
	for (size_t i = 0; i < n_embedded_profiles; i++) {
		/* The description is the profile's first line, if it is a comment. */
		const char *text = embedded_profiles[i].text, *desc = "";
		size_t len = 0;
		if (text[0] == '#' || text[0] == ';') {
			desc = text + 1 + strspn(text + 1, " \t");
			len = strcspn(desc, "\n");
			while (len && isspace((unsigned char)desc[len - 1]))
				len--;
		}
		fprintf(out, "%s\t%.*s\n", embedded_profiles[i].name, (int)len, desc);
	}
}

/* Writes s so that a file rule's CONTENT reads it back: backslash, newline, tab and the
   other control bytes escaped, everything else (UTF-8 included) as it is. */
static void put_escaped(const char *s, size_t len, FILE *out)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\')
			fputs("\\\\", out);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			putc(c, out);
	}
}

/* Prints r as KEY = VALUE if that reads back as exactly r: a one-line value without outer
   blanks, and a key of two or more components (one alone could be a directive) in dotted
   form, or in slash form if a component holds a dot. */
static bool print_sysctl(const struct rule *r, FILE *out)
{
	const char *v = r->content;
	size_t len = r->content_len - 1;
	if (!r->sysctl || !r->content_len || v[len] != '\n' || memchr(v, '\n', len) || memchr(v, '\0', len) ||
	    (len && (isspace((unsigned char)v[0]) || isspace((unsigned char)v[len - 1]))))
		return false;
	char key[PATH_MAX], path[PATH_MAX];
	const char *rel = r->path + strlen(PROC_SYS);
	if (!strchr(rel, '/'))
		return false;
	snprintf(key, sizeof key, "%s", rel);
	if (!strchr(rel, '.'))
		for (char *p = key; *p; p++)
			*p = *p == '/' ? '.' : *p;
	if (!sysctl_path(key, path) || strcmp(path, r->path))
		return false;
	fprintf(out, "%s = %.*s\n", key, (int)len, v);
	return true;
}

void profile_print_rule(const struct rule *r, FILE *out)
{
	if (r->policy == POLICY_REAL_FIRST)
		fputs("real-first ", out);
	if (r->read_only)
		fputs("read-only ", out);
	if (r->kind == RULE_DIR) {
		fprintf(out, "dir %s\n", r->path);
	} else if (r->kind == RULE_TREE) {
		fprintf(out, "cgroupfs %s\n", r->path);
	} else if (r->generator) {
		fprintf(out, "generated %s = %s\n", r->path, r->generator);
	} else if (!print_sysctl(r, out)) {
		fprintf(out, "file %s = ", r->path);
		put_escaped(r->content, r->content_len, out);
		putc('\n', out);
	}
}

void profile_print(const struct ruleset *rs, FILE *out)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		fputs("# ", out);
		put_escaped(r->origin, strlen(r->origin), out);
		putc('\n', out);
		profile_print_rule(r, out);
	}
}
