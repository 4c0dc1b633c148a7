/* The learned profile; see learn_profile.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsutil.h"
#include "learn_defaults.h"
#include "learn_profile.h"
#include "log.h"
#include "profile.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_PROFILE "cgroups"
#define PROC_SYS_DIR "/proc/sys/"
#define REAL_VALUE_MAX (64 << 10)

int learn_output_open(struct learn_output *o, const char *path, char *err, size_t errlen)
{
	*o = (struct learn_output){ .fd = -1 };
	if (!path || !strcmp(path, "-"))
		return 0;
	if (!(o->path = strdup(path)) || asprintf(&o->tmp, "%s.XXXXXX", path) < 0)
		die_oom();
	if ((o->fd = mkstemp(o->tmp)) < 0) {
		snprintf(err, errlen, "learn: cannot write %s: %s", path, strerror(errno));
		learn_output_abort(o);
		return -1;
	}
	mode_t mask = umask(0);
	umask(mask);
	fchmod(o->fd, 0666 & ~mask);
	return 0;
}

void learn_output_abort(struct learn_output *o)
{
	if (o->fd >= 0)
		close(o->fd);
	if (o->tmp)
		unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	*o = (struct learn_output){ .fd = -1 };
}

static int by_path(const void *a, const void *b)
{
	return strcmp((*(struct learned *const *)a)->path, (*(struct learned *const *)b)->path);
}

static const char *err_name(int e)
{
	const char *name = strerrorname_np(e);
	return name ? name : "an error";
}

/* What the program did, for the comment: the failed call, and the write. */
static void describe(const struct learned *e, FILE *out)
{
	fprintf(out, "# %s:", e->path);
	if (e->syscall)
		fprintf(out, " %s failed with %s (%s);", e->syscall, err_name(e->error), e->comm);
	if (e->written) {
		if (e->write_result < 0)
			fprintf(out, " %s of the value failed with %s (%s);", e->write_syscall,
			        err_name((int)-e->write_result), e->write_comm);
		else
			fprintf(out, " %s of the value succeeded (%s);", e->write_syscall, e->write_comm);
	}
}

/* Outer blanks go and one newline ends it, as the kernel prints a sysctl. */
static char *sysctl_value(const char *v, size_t len, size_t *out_len)
{
	while (len && isspace((unsigned char)*v))
		v++, len--;
	while (len && isspace((unsigned char)v[len - 1]))
		len--;
	char *s = malloc(len + 2);
	if (!s)
		die_oom();
	memcpy(s, v, len);
	s[len] = '\n';
	s[len + 1] = '\0';
	*out_len = len + 1;
	return s;
}

/* The real file's content, where reading has no side effect: a regular file under
   /proc/sys, /sys (not debugfs or tracefs, whose trace_pipe consumes what it shows) or
   a --watch prefix, read without blocking (fakesys reads it with CMD's starting
   credentials). -1 if there is none. */
static ssize_t real_content(const struct learner *l, const char *path, char *buf, size_t size)
{
	bool pure = learn_under(path, "/proc/sys") ||
	            (learn_under(path, "/sys") && !learn_under(path, "/sys/kernel/debug") && !learn_under(path, "/sys/kernel/tracing"));
	for (size_t i = 0; i < l->nwatch && !pure; i++)
		pure = strcmp(l->watch[i], "/proc") && strcmp(l->watch[i], "/sys") && learn_under(path, l->watch[i]);
	struct stat st;
	if (!pure || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	ssize_t n = fs_read_file(AT_FDCWD, path, buf, size - 1);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* The value a file rule gets, from the best source there is: what the program wrote,
   the real file (readable now), the table of defaults, or a guess. Prints the source. */
static void value_of(const struct learner *l, const struct learned *e, struct rule *r, FILE *out)
{
	static char real[REAL_VALUE_MAX];
	const char *v;
	size_t len;
	bool raw = false; /* v is a whole file's content, its newline included */
	const struct learn_default *d;
	ssize_t n;
	if (e->written) {
		fprintf(out, " value: written by %s\n", e->write_comm);
		v = e->value, len = e->value_len, raw = true;
	} else if ((n = real_content(l, e->path, real, sizeof real)) >= 0) {
		fputs(" value: the real file's, at learn time\n", out);
		v = real, len = (size_t)n, raw = true;
	} else if ((d = learn_default_of(e->path))) {
		fprintf(out, " value: Linux's default, %s\n", d->source);
		v = d->value, len = strlen(d->value);
	} else {
		fputs(" value: a guess (nothing written, no real file, no known default)\n", out);
		v = "0", len = 1;
	}
	if (r->sysctl) {
		r->content = sysctl_value(v, len, &r->content_len);
		return;
	}
	if (!(r->content = malloc(len + 2)))
		die_oom();
	memcpy(r->content, v, len);
	if (!raw)
		r->content[len++] = '\n';
	r->content[len] = '\0';
	r->content_len = len;
}

/* A path the profile syntax can name (it ends at a blank, '=' or '<'). */
static bool nameable(const char *path)
{
	for (const unsigned char *c = (const unsigned char *)path; *c; c++)
		if (*c <= ' ' || *c == '=' || *c == '<' || *c == 0x7f)
			return false;
	return true;
}

/* The rules of profile NAME, or of text (len bytes) if it is not NULL. */
static int load_profile(const char *name, const char *text, size_t len, struct ruleset *rs, char *err, size_t errlen)
{
	struct profile_builder *b = profile_builder_new();
	char later[256];
	int rc = text ? profile_add_text(b, name, text, len, err, errlen) : profile_add(b, name, err, errlen);
	int finished = profile_finish(b, rs, rc == 0 ? err : later, rc == 0 ? errlen : sizeof later);
	if (rc == 0)
		return finished;
	if (finished == 0)
		rules_free(rs);
	return -1;
}

static void print_description(char **cmd, FILE *out)
{
	fputs("# learned by fakesys learn from:", out);
	for (char **a = cmd; *a; a++) {
		putc(' ', out);
		for (const unsigned char *c = (const unsigned char *)*a; *c; c++)
			putc(*c < ' ' || *c == 0x7f ? '?' : *c, out);
	}
	fputs("\n#\n# Each rule below fakes a kernel file the program could not use, or a sysctl it\n"
	      "# wrote; its comment says which call failed and where the value comes from.\n", out);
}

/* An include line for a -p profile: a name as it is, a file by its absolute path (the
   learned profile may be loaded from anywhere). */
static void print_include(const char *spec, FILE *out)
{
	char abs[PATH_MAX];
	bool file = strchr(spec, '/') || (strlen(spec) > 5 && !strcmp(spec + strlen(spec) - 5, ".conf"));
	fprintf(out, "include %s\n", file && realpath(spec, abs) ? abs : spec);
}

/* The profile text; 0, or -1 with err set. */
static int compose(const struct learner *l, char **profiles, size_t nprofiles, char **cmd, FILE *out, char *err,
                   size_t errlen)
{
	struct learned **v = calloc(l->nseen + 1, sizeof *v);
	if (!v)
		die_oom();
	bool cgroups = false;
	for (size_t i = 0; i < l->nseen; i++) {
		v[i] = &l->seen[i];
		cgroups |= learn_under(v[i]->path, CGROUP_ROOT);
	}
	qsort(v, l->nseen, sizeof *v, by_path);
	struct ruleset cg = { 0 };
	/* What the cgroups profile serves itself is left out. */
	if (cgroups && load_profile(CGROUP_PROFILE, NULL, 0, &cg, err, errlen) < 0) {
		free(v);
		return -1;
	}

	print_description(cmd, out);
	for (size_t i = 0; i < nprofiles; i++) {
		if (!i)
			fputs("\n# The profiles the program ran with.\n", out);
		print_include(profiles[i], out);
	}
	if (cgroups) {
		/* A cgroup tree is more than its files: mounts in mountinfo, /proc/self/cgroup,
		   mkdir of child cgroups, cgroupfs's statfs. Only the cgroups profile gives all
		   of it together, so failures in the tree ask for that profile, not for files. */
		fputs("\n# The program looked for a cgroup tree:\n", out);
		for (size_t i = 0; i < l->nseen; i++)
			if (learn_under(v[i]->path, CGROUP_ROOT) && v[i]->syscall)
				fprintf(out, "#   %s: %s failed with %s (%s)\n", v[i]->path, v[i]->syscall,
				        err_name(v[i]->error), v[i]->comm);
		fputs("include " CGROUP_PROFILE "\n", out);
	}
	for (size_t i = 0; i < l->nseen; i++) {
		const struct learned *e = v[i];
		if (learn_under(e->path, CGROUP_ROOT))
			continue;
		putc('\n', out);
		describe(e, out);
		if (cgroups && rules_match(&cg, e->path).kind != MATCH_NONE) {
			fputs(" served by the " CGROUP_PROFILE " profile\n", out);
			continue;
		}
		const char *prober = learn_probe_of(e->path);
		if (prober && !e->written) {
			fprintf(out, " probed for by %s: no rule\n", prober);
			continue;
		}
		if (!nameable(e->path)) {
			fputs(" a profile cannot name this path\n", out);
			continue;
		}
		bool below = i + 1 < l->nseen && learn_under(v[i + 1]->path, e->path);
		if (below && !e->written) {
			fputs(" a directory, made by the rules below it\n", out);
			continue;
		}
		if (e->dir && !e->written) {
			fprintf(out, " a directory\ndir %s\n", e->path);
			continue;
		}
		struct rule r = { .path = e->path, .kind = RULE_FILE,
		                  .sysctl = !strncmp(e->path, PROC_SYS_DIR, strlen(PROC_SYS_DIR)) };
		value_of(l, e, &r, out);
		profile_print_rule(&r, out);
		free(r.content);
	}
	if (cgroups)
		rules_free(&cg);
	free(v);
	return 0;
}

/* The profile must load as it is; a learned path the parser refuses is a bug here. */
static int check_loads(const char *text, size_t len, char *err, size_t errlen)
{
	struct ruleset rs;
	if (load_profile("learned profile", text, len, &rs, err, errlen) < 0)
		return -1;
	rules_free(&rs);
	return 0;
}

int learn_output_write(struct learn_output *o, const struct learner *l, char **profiles, size_t nprofiles,
                       char **cmd, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		die_oom();
	int rc = compose(l, profiles, nprofiles, cmd, mem, err, errlen);
	if (fclose(mem) != 0)
		die_oom();
	if (rc == 0)
		rc = check_loads(text, len, err, errlen);
	if (rc == 0 && !o->path && (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)) {
		snprintf(err, errlen, "learn: cannot write the profile to stdout: %s", strerror(errno));
		rc = -1;
	} else if (rc == 0 && o->path) {
		bool written = fs_write_all(o->fd, text, len) && fsync(o->fd) == 0;
		written &= close(o->fd) == 0;
		o->fd = -1;
		if (!written || rename(o->tmp, o->path) < 0) {
			snprintf(err, errlen, "learn: cannot write %s: %s", o->path, strerror(errno));
			rc = -1;
		} else {
			free(o->tmp);
			o->tmp = NULL; /* in place: nothing to remove */
		}
	}
	free(text);
	learn_output_abort(o);
	return rc;
}
