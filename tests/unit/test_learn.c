/* Unit test of learn mode's output (src/learn_profile.c, src/learn_defaults.c): which rule
   each learned entry becomes, where its value comes from, and that the written profile
   loads back as those rules. Prints "ok - name" / "not ok - name"; exits 1 on a failure. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "learn.h"
#include "learn_defaults.h"
#include "learn_profile.h"
#include "profile.h"
#include "unit.h"

static struct learned failed(const char *path, const char *call, int err, bool dir)
{
	struct learned e = { .path = strdup(path), .dir = dir, .syscall = call, .error = err };
	snprintf(e.comm, sizeof e.comm, "prog");
	return e;
}

static struct learned wrote(const char *path, const char *value, long result)
{
	struct learned e = { .path = strdup(path), .written = true, .value = strdup(value),
	                     .value_len = strlen(value), .write_syscall = "write", .write_result = result };
	snprintf(e.write_comm, sizeof e.write_comm, "prog");
	return e;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)); p += n)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/* The content of the rule for path in rs, or NULL. */
static const char *content_of(const struct ruleset *rs, const char *path)
{
	struct match m = rules_match(rs, path);
	return m.kind == MATCH_FILE ? m.rule->content : NULL;
}

static void defaults_are_rules(void)
{
	/* Every default names a path a profile can fake, with a value and a source. */
	const char *paths[] = { "/proc/sys/vm/overcommit_memory", "/proc/sys/kernel/keys/root_maxkeys",
	                        "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size" };
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		const struct learn_default *d = learn_default_of(paths[i]);
		check(d && *d->value && strstr(d->source, "/"), "default for %s has a value and a source", paths[i]);
		if (!d)
			continue;
		char text[512], err[256];
		snprintf(text, sizeof text, "file %s = %s\n", d->path, d->value);
		struct profile_builder *b = profile_builder_new();
		struct ruleset rs;
		int rc = profile_add_text(b, "t", text, strlen(text), err, sizeof err);
		int fin = profile_finish(b, &rs, err, sizeof err);
		check(rc == 0 && fin == 0, "default for %s loads as a rule", paths[i]);
		if (fin == 0)
			rules_free(&rs);
	}
	check(!learn_default_of("/proc/sys/fakesys_learn/none"), "no default for an unknown key");
}

int main(void)
{
	make_scratch_dir("test_learn");
	defaults_are_rules();

	/* A real file fakesys can read at learn time (a --watch prefix's). */
	FILE *f = fopen(tpath("real"), "w");
	fputs("real content\n", f);
	fclose(f);
	char real[PATH_MAX], missing[PATH_MAX], dir[PATH_MAX], below[PATH_MAX];
	snprintf(real, sizeof real, "%s", tpath("real"));
	snprintf(missing, sizeof missing, "%s", tpath("missing"));
	snprintf(dir, sizeof dir, "%s", tpath("d"));
	snprintf(below, sizeof below, "%s", tpath("d/f"));

	char *watch[] = { T }, outside[] = "/etc/hostname";
	struct learner *l = learn_new(watch, 1);
	struct learned seen[] = {
		wrote("/proc/sys/fakesys_learn/written", "  7 \n", -EIO),
		failed("/proc/sys/fakesys_learn/guessed", "openat", ENOENT, false),
		failed("/proc/sys/kernel/keys/fakesys_learn_none", "openat", ENOENT, false),
		failed(real, "openat", EACCES, false),
		failed(missing, "newfstatat", ENOENT, false),
		failed(dir, "openat", ENOENT, true),
		failed(below, "openat", ENOENT, false),
		failed("/sys/fakesys_learn/listed", "openat", ENOENT, true),
		failed("/sys/fs/cgroup/memory/memory.limit_in_bytes", "openat", ENOENT, false),
		failed("/proc/self/cgroup", "openat", ENOENT, false),
		failed("/sys/fs/selinux", "statfs", ENOENT, true),
		failed(outside, "openat", EACCES, false), /* not read: outside every prefix */
	};
	l->nseen = l->cap = sizeof seen / sizeof *seen;
	l->seen = malloc(sizeof seen);
	memcpy(l->seen, seen, sizeof seen);

	char err[512];
	struct learn_output out;
	char *cmd[] = { "prog", "arg", NULL }, *profiles[] = { "default" };
	check(learn_output_open(&out, tpath("nodir/L"), err, sizeof err) < 0 && strstr(err, "nodir/L"),
	      "an output in a missing directory fails at once: %s", err);
	int rc = learn_output_open(&out, tpath("L"), err, sizeof err);
	if (rc == 0)
		rc = learn_output_write(&out, l, profiles, 1, cmd, err, sizeof err);
	check(rc == 0, "profile written (%s)", rc ? err : "");
	static char text[1 << 16];
	check(fs_read_text(tpath("L"), text, sizeof text) > 0, "profile readable");

	check(!strncmp(text, "# learned by fakesys learn from: prog arg\n", 42), "description names the command");
	check(has_line(text, "include default"), "given profile included");
	check(has_line(text, "include cgroups"), "a cgroup failure includes cgroups");
	check(has_line(text, "#   /sys/fs/cgroup/memory/memory.limit_in_bytes: openat failed with ENOENT (prog)"),
	      "the cgroup failure is named");
	check(has_line(text, "# /proc/self/cgroup: openat failed with ENOENT (prog); served by the cgroups profile"),
	      "what the cgroups profile serves is left out");
	check(has_line(text, "fakesys_learn.written = 7"), "written value, normalised as a sysctl");
	check(has_line(text, "# /proc/sys/fakesys_learn/written: write of the value failed with EIO (prog); value: written by prog"),
	      "written value's comment");
	check(has_line(text, "fakesys_learn.guessed = 0") &&
	          has_line(text, "# /proc/sys/fakesys_learn/guessed: openat failed with ENOENT (prog); value: a guess (nothing written, no real file, no known default)"),
	      "guess, said so");
	check(has_line(text, "dir /sys/fakesys_learn/listed"), "listed directory");
	check(has_line(text, "# /sys/fs/selinux: statfs failed with ENOENT (prog); probed for by libselinux (no selinuxfs: SELinux is off): no rule") &&
	          !has_line(text, "dir /sys/fs/selinux"),
	      "a known probe gets no rule");
	char line[2 * PATH_MAX];
	snprintf(line, sizeof line, "# %s: openat failed with ENOENT (prog); a directory, made by the rules below it", dir);
	check(has_line(text, line), "a directory with rules below it gets no rule");
	snprintf(line, sizeof line, "dir %s", dir);
	check(!has_line(text, line), "no dir rule for it");

	struct profile_builder *b = profile_builder_new();
	struct ruleset rs;
	int prc = profile_add(b, tpath("L"), err, sizeof err);
	int fin = profile_finish(b, &rs, err, sizeof err);
	check(prc == 0 && fin == 0, "learned profile loads (%s)", prc || fin ? err : "");
	if (prc == 0 && fin == 0) {
		const char *c;
		check((c = content_of(&rs, real)) && !strcmp(c, "real content\n"), "value of a readable real file: its content");
		check((c = content_of(&rs, missing)) && !strcmp(c, "0\n"), "a missing file stat'ed: a file, guessed");
		check((c = content_of(&rs, outside)) && !strcmp(c, "0\n"), "a real file outside /proc/sys, /sys and --watch is not read");
		check((c = content_of(&rs, below)) && !strcmp(c, "0\n"), "file below a learned directory");
		check(rules_match(&rs, "/sys/fs/cgroup/memory").kind == MATCH_TREE, "the cgroup tree comes from cgroups");
		check((c = content_of(&rs, "/proc/sys/kernel/panic_on_oops")) != NULL, "the default profile's rules too");
		rules_free(&rs);
	}
	learn_free(l);
	fs_remove_tree(AT_FDCWD, T);
	return failures != 0;
}
