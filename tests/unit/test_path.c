/* Unit test of src/path.c: lexical resolution as the kernel sees a path.
   Prints "ok - name" / "not ok - name" per check; exits 1 if any check failed. */
#include <string.h>

#include "path.h"
#include "unit.h"

#define TGID 4321
#define TID 4325

static void expect(const char *base, const char *path, const char *want, bool want_dir)
{
	struct resolved r;
	int rc = path_resolve(base, path, TGID, TID, &r);
	check(rc == 0 && !strcmp(r.path, want) && r.must_be_dir == want_dir, "%s + \"%s\" -> %s%s (got %s%s)", base,
	      path, want, want_dir ? " (dir)" : "", rc ? "error" : r.path, rc == 0 && r.must_be_dir ? " (dir)" : "");
}

int main(void)
{
	/* absolute paths ignore the base */
	expect("/tmp", "/proc/sys/kernel/panic", "/proc/sys/kernel/panic", false);
	/* relative to a cwd or dirfd */
	expect("/proc/sys/kernel", "panic", "/proc/sys/kernel/panic", false);
	expect("/proc/sys/kernel", "keys/root_maxkeys", "/proc/sys/kernel/keys/root_maxkeys", false);
	expect("/", "proc/sys", "/proc/sys", false);
	/* ".", "..", "//" */
	expect("/proc/sys/kernel/keys", "../panic", "/proc/sys/kernel/panic", false);
	expect("/", "/proc//sys///kernel/./panic", "/proc/sys/kernel/panic", false);
	expect("/a/b", "../../../../proc/sys/vm/../kernel/panic", "/proc/sys/kernel/panic", false);
	expect("/", "/..", "/", false);
	expect("/", "/../..", "/", false);
	/* trailing slashes, "/." and "/.." name directories */
	expect("/", "/proc/sys/kernel/panic/", "/proc/sys/kernel/panic", true);
	expect("/", "/proc/sys/kernel//", "/proc/sys/kernel", true);
	expect("/proc/sys", ".", "/proc/sys", true);
	expect("/proc/sys/kernel", "..", "/proc/sys", true);
	expect("/", "/proc/sys/kernel/.", "/proc/sys/kernel", true);
	expect("/", "/", "/", false);
	/* one spelling for the tracee's own /proc entries */
	expect("/", "/proc/self/cgroup", "/proc/self/cgroup", false);
	expect("/", "/proc/4321/cgroup", "/proc/self/cgroup", false);
	expect("/", "/proc/4321", "/proc/self", false);
	expect("/proc", "4321/mountinfo", "/proc/self/mountinfo", false);
	expect("/", "/proc/thread-self/comm", "/proc/self/task/4325/comm", false);
	expect("/", "/proc/43210/cgroup", "/proc/43210/cgroup", false); /* another process */
	expect("/", "/proc/432/cgroup", "/proc/432/cgroup", false);
	expect("/", "/proc/selfish", "/proc/selfish", false);
	expect("/", "/procfs/4321", "/procfs/4321", false);

	/* a result that does not fit PATH_MAX is refused, not truncated */
	static char longpath[PATH_MAX + 16];
	memset(longpath, 'a', sizeof longpath - 1);
	longpath[0] = '/';
	struct resolved r;
	check(path_resolve("/", longpath, TGID, TID, &r) == -1, "a path longer than PATH_MAX is refused");
	char base[PATH_MAX];
	memset(base, 'b', sizeof base - 1);
	base[0] = '/';
	base[sizeof base - 1] = '\0';
	check(path_resolve(base, "x", TGID, TID, &r) == -1, "a base plus path longer than PATH_MAX is refused");
	return failures != 0;
}
