/* Unit test of src/procfs_alias.c: which names are links, the one spelling of a resolved
   path, the real path behind it, and which rule paths are their own spelling.
   Prints "ok - name" / "not ok - name" per check; exits 1 if any check failed. */
#include <errno.h>
#include <string.h>

#include "procfs_alias.h"
#include "unit.h"

#define TGID 4321
#define TID 4325

static const char *last_link;

static int read_magic(void *arg, const char *link, char target[PATH_MAX])
{
	(void)arg;
	last_link = link;
	strcpy(target, "/proc/sys");
	return MAGIC_PATH;
}

static const struct alias_task task = { .tgid = TGID, .tid = TID, .read_magic = read_magic };

static void expect_at(const char *path, int kind, const char *target)
{
	char t[PATH_MAX] = "";
	last_link = NULL;
	int got = alias_at(&task, path, t);
	bool read = kind == ALIAS_JUMP;
	check(got == kind && (kind == ALIAS_NONE || !strcmp(t, target)) &&
	              (read ? last_link && !strcmp(last_link, path) : !last_link),
	      "alias_at %s -> %d %s (got %d %s%s)", path, kind, target, got, t, last_link ? ", read" : "");
}

static void expect_fold(const char *path, const char *want)
{
	char p[PATH_MAX];
	strcpy(p, path);
	int rc = alias_fold(p, TGID, TID);
	check(rc == 0 && !strcmp(p, want), "fold %s -> %s (got %s)", path, want, p);
}

static void expect_real(const char *path, const char *want)
{
	char out[PATH_MAX];
	alias_real_path(path, 42, out);
	check(!strcmp(out, want), "real path of %s for pid 42 -> %s (got %s)", path, want, out);
}

static void expect_rule(const char *path, bool ok)
{
	char why[160] = "";
	bool got = alias_rule_spelling(path, why, sizeof why);
	check(got == ok && (ok || *why), "rule path %s is %s (%s)", path, ok ? "accepted" : "refused", why);
}

int main(void)
{
	expect_at("/proc/self", ALIAS_LINK, "4321");
	expect_at("/proc/thread-self", ALIAS_LINK, "4321/task/4325");
	expect_at("/proc/mounts", ALIAS_LINK, "self/mounts");
	expect_at("/proc/net", ALIAS_LINK, "self/net");
	expect_at("/dev/fd", ALIAS_LINK, "/proc/self/fd");
	expect_at("/dev/stdin", ALIAS_LINK, "/proc/self/fd/0");
	expect_at("/dev/stdout", ALIAS_LINK, "/proc/self/fd/1");
	expect_at("/dev/stderr", ALIAS_LINK, "/proc/self/fd/2");
	expect_at("/proc/4321/fd/3", ALIAS_JUMP, "/proc/sys");
	expect_at("/proc/7/cwd", ALIAS_JUMP, "/proc/sys");
	expect_at("/proc/7/root", ALIAS_JUMP, "/proc/sys");
	expect_at("/proc/7/task/8/fd/0", ALIAS_JUMP, "/proc/sys");
	expect_at("/proc/7/task/8/root", ALIAS_JUMP, "/proc/sys");
	expect_at("/proc/7/fd", ALIAS_NONE, "");
	expect_at("/proc/7/fd/x", ALIAS_NONE, "");
	expect_at("/proc/7/fd/3/x", ALIAS_NONE, "");
	expect_at("/proc/07/fd/3", ALIAS_NONE, "");
	expect_at("/proc/7/task/08/cwd", ALIAS_NONE, "");
	expect_at("/proc/7/exe", ALIAS_NONE, "");
	expect_at("/proc/mounts/x", ALIAS_NONE, "");
	expect_at("/proc/sys/net", ALIAS_NONE, "");
	expect_at("/dev/null", ALIAS_NONE, "");
	expect_at("/etc/fd", ALIAS_NONE, "");
	struct alias_task blind = { .tgid = TGID, .tid = TID };
	char t[PATH_MAX];
	check(alias_at(&blind, "/proc/1/root", t) == -EACCES, "without a reader a magic link is unknown");

	expect_fold("/proc/4321/status", "/proc/self/status");
	expect_fold("/proc/4321", "/proc/self");
	expect_fold("/proc/4325/comm", "/proc/self/comm");
	expect_fold("/proc/self/task/12/comm", "/proc/self/comm");
	expect_fold("/proc/4321/task/4325", "/proc/self");
	expect_fold("/proc/self/task", "/proc/self/task");
	expect_fold("/proc/self/task/012/comm", "/proc/self/task/012/comm");
	expect_fold("/proc/self/tasks/12", "/proc/self/tasks/12");
	expect_fold("/proc/77/task/12/comm", "/proc/77/task/12/comm");
	expect_fold("/proc/43211/x", "/proc/43211/x");
	expect_fold("/proc/sys/kernel/panic", "/proc/sys/kernel/panic");
	expect_fold("/sys/4321", "/sys/4321");

	expect_real("/proc/self/mounts", "/proc/42/mounts");
	expect_real("/proc/self", "/proc/42");
	expect_real("/proc/selfish", "/proc/selfish");
	expect_real("/proc/sys/kernel/panic", "/proc/sys/kernel/panic");

	expect_rule("/proc/sys/kernel/panic", true);
	expect_rule("/proc/self/mounts", true);
	expect_rule("/proc/self/net/dev", true);
	expect_rule("/proc/self/task", true);
	expect_rule("/proc/self/fd", true);
	expect_rule("/proc/diskstats", true);
	expect_rule("/sys/fs/cgroup/cpu", true);
	expect_rule("/dev/null", true);
	expect_rule("/proc/mounts", false);
	expect_rule("/proc/net/dev", false);
	expect_rule("/proc/1/status", false);
	expect_rule("/proc/thread-self/comm", false);
	expect_rule("/proc/self/task/3/comm", false);
	expect_rule("/proc/self/fd/3", false);
	expect_rule("/proc/self/cwd/x", false);
	expect_rule("/proc/self/root", false);
	expect_rule("/dev/fd/3", false);
	expect_rule("/dev/stdin", false);
	return failures != 0;
}
