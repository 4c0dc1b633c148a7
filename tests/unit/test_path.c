/* Unit test of src/path.c: resolution as the kernel walks a path, links included.
   Prints "ok - name" / "not ok - name" per check; exits 1 if any check failed. */
#include <errno.h>
#include <string.h>

#include "path.h"
#include "unit.h"

#define TGID 4321
#define TID 4325

/* The magic links of this test's tasks, as the tracer would read them. */
static const struct {
	const char *link, *target;
	int rc;
} magic[] = {
	{ "/proc/4321/fd/3", "/proc/sys/net/ipv4", MAGIC_PATH },
	{ "/proc/4321/cwd", "/proc/sys", MAGIC_PATH },
	{ "/proc/4321/root", "/", MAGIC_PATH },
	{ "/proc/4321/fd/1", "", MAGIC_OBJECT },             /* a pipe */
	{ "/proc/4321/task/4325/fd/5", "/proc/sys/kernel", MAGIC_PATH },
	{ "/proc/4321/task/4325/cwd", "/tmp", MAGIC_PATH },
	{ "/proc/4321/fd/7", "", -EACCES },                  /* outside the task's root */
	{ "/proc/4321/fd/8", "/proc/4321", MAGIC_PATH },    /* the process's own /proc dir */
	{ "/proc/4321/fd/9", "/proc/4321/fd/9", MAGIC_PATH }, /* O_PATH of a magic link */
	{ "/proc/999/root", "/", MAGIC_PATH },              /* another process */
};
static int reads;

static int read_magic(void *arg, const char *link, char target[PATH_MAX])
{
	(void)arg;
	reads++;
	for (size_t i = 0; i < sizeof magic / sizeof magic[0]; i++) {
		if (!strcmp(link, magic[i].link)) {
			strcpy(target, magic[i].target);
			return magic[i].rc;
		}
	}
	return -ENOENT;
}

static const struct alias_task task = { .tgid = TGID, .tid = TID, .read_magic = read_magic };

static void expect_as(const char *base, const char *path, bool follow, const char *want, bool want_dir)
{
	struct resolved r;
	int rc = path_resolve(&task, base, path, follow, &r);
	check(rc == 0 && !strcmp(r.path, want) && r.must_be_dir == want_dir, "%s + \"%s\"%s -> %s%s (got %s%s)", base,
	      path, follow ? "" : " (nofollow)", want, want_dir ? " (dir)" : "", rc ? strerror(-rc) : r.path,
	      rc == 0 && r.must_be_dir ? " (dir)" : "");
}

static void expect(const char *base, const char *path, const char *want, bool want_dir)
{
	expect_as(base, path, true, want, want_dir);
}

static void expect_error(const char *path, int err)
{
	struct resolved r;
	int rc = path_resolve(&task, "/", path, true, &r);
	check(rc == -err, "\"%s\" -> %s (got %s)", path, strerror(err), rc ? strerror(-rc) : r.path);
}

/* An ordinary path costs no tracer call: no magic link is read. */
static void expect_no_read(const char *base, const char *path)
{
	struct resolved r;
	reads = 0;
	path_resolve(&task, base, path, true, &r);
	check(reads == 0, "%s + \"%s\" reads no magic link (read %d)", base, path, reads);
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
	expect("/", "/proc/4325/comm", "/proc/self/comm", false); /* its own tid */
	expect("/", "/proc/43210/cgroup", "/proc/43210/cgroup", false); /* another process */
	expect("/", "/proc/432/cgroup", "/proc/432/cgroup", false);
	expect("/", "/proc/04321/cgroup", "/proc/04321/cgroup", false); /* no such pid */
	expect("/", "/proc/selfish", "/proc/selfish", false);
	expect("/", "/procfs/4321", "/procfs/4321", false);
	/* a thread's directory holds the process's files */
	expect("/", "/proc/thread-self/comm", "/proc/self/comm", false);
	expect("/", "/proc/self/task/4325/mounts", "/proc/self/mounts", false);
	expect("/", "/proc/self/task/4330/net/dev", "/proc/self/net/dev", false);
	expect("/", "/proc/4321/task/4325", "/proc/self", false);
	expect("/proc/4321/task/4325", "comm", "/proc/self/comm", false);
	expect("/", "/proc/self/task", "/proc/self/task", false);
	expect("/", "/proc/43210/task/43211/comm", "/proc/43210/task/43211/comm", false);
	/* symbolic links in /proc and /dev */
	expect("/", "/proc/mounts", "/proc/self/mounts", false);
	expect("/", "/proc/net/dev", "/proc/self/net/dev", false);
	expect("/proc", "net/snmp", "/proc/self/net/snmp", false);
	/* ".." climbs from where a link leads, not from the link */
	expect("/", "/proc/net/../status", "/proc/self/status", false);
	expect("/", "/proc/self/..", "/proc", true);
	expect("/", "/proc/thread-self/..", "/proc/self/task", true);
	expect("/", "/proc/thread-self/../../../sys/net/ipv4/ip_default_ttl", "/proc/sys/net/ipv4/ip_default_ttl", false);
	/* the last component is followed only if the call follows links, or a "/" comes after it */
	expect_as("/", "/proc/mounts", false, "/proc/mounts", false);
	expect_as("/", "/proc/self", false, "/proc/self", false);
	expect_as("/", "/proc/self/fd/3", false, "/proc/self/fd/3", false);
	expect_as("/", "/proc/self/fd/3/", false, "/proc/sys/net/ipv4", true);
	expect_as("/", "/dev/fd/3/ip_default_ttl", false, "/proc/sys/net/ipv4/ip_default_ttl", false);

	/* magic links jump to what they point to */
	expect("/", "/proc/self/fd/3/ip_default_ttl", "/proc/sys/net/ipv4/ip_default_ttl", false);
	expect("/", "/proc/self/fd/3", "/proc/sys/net/ipv4", false);
	expect("/", "/proc/4321/fd/3/../ip_default_ttl", "/proc/sys/net/ip_default_ttl", false);
	expect("/", "/dev/fd/3/ip_default_ttl", "/proc/sys/net/ipv4/ip_default_ttl", false);
	expect("/", "/proc/self/root/proc/sys/kernel/panic", "/proc/sys/kernel/panic", false);
	expect("/", "/proc/self/root/../../proc/sys/kernel/panic", "/proc/sys/kernel/panic", false);
	expect("/", "/proc/self/cwd/kernel/panic", "/proc/sys/kernel/panic", false);
	expect("/", "/proc/thread-self/fd/5/panic", "/proc/sys/kernel/panic", false);
	expect("/", "/proc/self/task/4325/fd/5/panic", "/proc/sys/kernel/panic", false);
	expect("/", "/proc/thread-self/cwd/x", "/tmp/x", false);
	expect("/", "/proc/999/root/proc/sys/kernel/panic", "/proc/sys/kernel/panic", false);
	expect("/", "/proc/self/fd/8/fd/3/ip_default_ttl", "/proc/sys/net/ipv4/ip_default_ttl", false);
	expect("/proc/4321", "fd/3/ip_default_ttl", "/proc/sys/net/ipv4/ip_default_ttl", false);
	expect("/proc", "self/fd/3/ip_default_ttl", "/proc/sys/net/ipv4/ip_default_ttl", false);
	/* a pipe has nothing below it and is never a fake */
	expect("/", "/dev/stdout", "/proc/self/fd/1", false);
	expect("/", "/proc/self/fd/1/x", "/proc/self/fd/1", false);
	/* names that only look like magic links */
	expect("/", "/proc/self/fd/03/x", "/proc/self/fd/03/x", false);
	expect("/", "/proc/self/fdinfo/3", "/proc/self/fdinfo/3", false);
	expect("/", "/dev/fdx/3", "/dev/fdx/3", false);
	expect("/", "/proc/self/cwdx", "/proc/self/cwdx", false);
	/* links that cannot be resolved: the caller does not know where the kernel goes */
	expect_error("/proc/self/fd/7/ip_default_ttl", EACCES);
	expect_error("/proc/self/fd/7", EACCES);
	expect_error("/proc/self/fd/42/x", ENOENT);
	/* the kernel stops at what a magic link points to, even a link: ENOTDIR below it */
	expect("/", "/proc/self/fd/9/x", "/proc/self/fd/9/x", false);
	char loop[PATH_MAX] = "/proc/self";
	for (int i = 0; i < 39; i++)
		strcat(loop, "/fd/8");
	expect("/", loop, "/proc/self", false); /* 40 links: the kernel's limit (MAXSYMLINKS)... */
	strcat(loop, "/fd/8");
	expect_error(loop, ELOOP);              /* ...one more is ELOOP */
	/* only paths through a magic link pay for reading one */
	expect_no_read("/", "/proc/sys/kernel/panic");
	expect_no_read("/", "/proc/self/status");
	expect_no_read("/", "/proc/mounts");
	expect_no_read("/", "/proc/thread-self/comm");
	expect_no_read("/proc/sys/net/ipv4", "ip_default_ttl");
	expect_no_read("/", "/etc/hostname");

	/* a result that does not fit PATH_MAX is refused, not truncated */
	static char longpath[PATH_MAX + 16];
	memset(longpath, 'a', sizeof longpath - 1);
	longpath[0] = '/';
	struct resolved r;
	check(path_resolve(&task, "/", longpath, true, &r) == -ENAMETOOLONG, "a path longer than PATH_MAX is refused");
	char base[PATH_MAX];
	memset(base, 'b', sizeof base - 1);
	base[0] = '/';
	base[sizeof base - 1] = '\0';
	check(path_resolve(&task, base, "x", true, &r) == -ENAMETOOLONG,
	      "a base plus path longer than PATH_MAX is refused");
	return failures != 0;
}
