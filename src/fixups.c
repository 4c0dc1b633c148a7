/* Probing the kernel for the fix-ups it needs; see fixups.h. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/openat2.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#include <unistd.h>
#include "fixups.h"
#include "fsutil.h"
#include "mountinfo.h"

static bool needs_strip_no_automount(void)
{
	struct statx sx;
	return statx(AT_FDCWD, "/", AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &sx) < 0 && errno == EINVAL;
}

static bool needs_statfs_enosys(void)
{
	struct statfs sf;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	bool needed = fd >= 0 && fstatfs(fd, &sf) < 0 && errno == ENOSYS;
	if (fd >= 0)
		close(fd);
	return needed;
}

static bool needs_no_openat2(void)
{
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC };
	int dir = (int)syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);
	if (dir >= 0)
		close(dir);
	return dir < 0 && errno == ENOSYS;
}

/* gVisor accepts the attribute from init (fakesys under `runsc do`) while it refuses
   PR_GET and every other process. */
static bool child_subreaper_refused(const char *dir)
{
	(void)dir;
	int value = 0; /* valgrind does not know PR_GET_CHILD_SUBREAPER writes it */
	return !(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 && prctl(PR_GET_CHILD_SUBREAPER, &value, 0, 0, 0) == 0 &&
	         value == 1);
}

/* The mount probes run in a mount namespace of their own, every mount private where the
   kernel can make them so, and unmount what they mounted: gVisor's unshare(CLONE_NEWNS)
   leaves the caller in the sandbox's one namespace (runsc 20221219). Without the
   privilege to mount, nothing can need these fix-ups. */
/* A propagation change and a remount ignore the source and type, a bind the type;
   valgrind checks them as strings. */
#define PROPAGATION_ONLY "none"

/* The namespace is made once per process: each probe unmounts what it mounted, and a
   namespace made and left again cost ~0.25 ms on Linux in its teardown, most of the
   probes' time when each made its own. A fork child (mount_outlives_namespace) makes
   one of its own. */
static pid_t private_in;        /* the process that made it */
static bool private_rec_refused; /* MS_REC with MS_PRIVATE was EINVAL (gVisor) */
/* Known after the mount-ns-teardown probe, the first to mount: the namespace's mounts
   go with it (Linux), so a probe's mount stays until the child exits, and the next
   probe mounts over it. Each umount2 waited for an RCU grace period, 0.1-0.4 ms on
   Linux, most of the child's time, which fakesys's start-up waited for. */
static bool mounts_go_with_namespace;

/* Undoes a probe's mount, where it would outlive the probe (gVisor). */
static void unmount_probe(const char *target)
{
	if (!mounts_go_with_namespace)
		umount2(target, MNT_DETACH);
}

static bool private_mounts(void)
{
	if (private_in == getpid())
		return true;
	if (unshare(CLONE_NEWNS) < 0)
		return false;
	bool rec = mount(PROPAGATION_ONLY, "/", PROPAGATION_ONLY, MS_REC | MS_PRIVATE, NULL) == 0;
	int rec_errno = errno;
	if (!rec && mount(PROPAGATION_ONLY, "/", PROPAGATION_ONLY, MS_PRIVATE, NULL) < 0)
		return false;
	private_rec_refused = !rec && rec_errno == EINVAL;
	private_in = getpid();
	return true;
}

static bool mount_rec_refused(const char *dir)
{
	(void)dir;
	return private_mounts() && private_rec_refused;
}

/* On Linux a tmpfs mounted on a directory's fd link makes the directory another
   filesystem. */
static bool mount_fd_target_missed(const char *dir)
{
	struct stat before, after;
	char link[64];
	int fd = open(dir, O_PATH | O_CLOEXEC);
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	bool missed = false;
	if (fd >= 0 && stat(dir, &before) == 0 && private_mounts() && mount("tmpfs", link, "tmpfs", 0, NULL) == 0) {
		missed = stat(dir, &after) == 0 && after.st_dev == before.st_dev;
		unmount_probe(link); /* the link itself (gVisor), or the directory it names */
	}
	if (fd >= 0)
		close(fd); /* the probes may run in CMD's process */
	return missed;
}

static bool mount_strictatime_refused(const char *dir)
{
	if (!private_mounts() || mount("tmpfs", dir, "tmpfs", MS_STRICTATIME, NULL) == 0 || errno != EINVAL ||
	    mount("tmpfs", dir, "tmpfs", 0, NULL) < 0)
		return false;
	unmount_probe(dir);
	return true;
}

static bool devpts_refused(const char *dir)
{
	if (!private_mounts())
		return false;
	if (mount("devpts", dir, "devpts", 0, "newinstance") == 0) {
		unmount_probe(dir);
		return false;
	}
	return errno == ENODEV;
}

/* Linux pivots into a mount point of a private namespace; gVisor says EINVAL. The child
   leaves its root in the (on Linux, dying) namespace. */
static bool pivot_root_refused(const char *dir)
{
	if (!private_mounts() || mount("tmpfs", dir, "tmpfs", 0, NULL) < 0)
		return false;
	bool refused = chdir(dir) == 0 && syscall(SYS_pivot_root, ".", ".") < 0 && errno == EINVAL;
	if (refused && chdir("/") == 0)
		unmount_probe(dir);
	return refused;
}

/* A fresh bind of the probe's directory onto itself, remounted read-only. */
static bool bind_remount_readonly_refused(const char *dir)
{
	if (!private_mounts() || mount(dir, dir, PROPAGATION_ONLY, MS_BIND, NULL) < 0)
		return false;
	bool refused = mount(PROPAGATION_ONLY, dir, PROPAGATION_ONLY, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0 &&
	               errno == EINVAL;
	unmount_probe(dir);
	return refused;
}

static bool needs_pipe_chown(void)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return false;
	bool needed = fchown(fds[0], getuid(), getgid()) < 0 && errno == EPERM;
	close(fds[0]);
	close(fds[1]);
	return needed;
}

/* The mounts fakesys, the prober's parent, sees (mountinfo_read). */
static const char *parent_mountinfo(void)
{
	char parent[64];
	snprintf(parent, sizeof parent, "/proc/%d/mountinfo", (int)getppid());
	return mountinfo_read(parent);
}

/* A mount made in a mount namespace of one's own shows in fakesys's namespace too: the
   namespace is not one of its own, and the mount outlives the process that made it
   (gVisor: unshare leaves the caller in the sandbox's one namespace). Asked of fakesys's
   mountinfo rather than of a child's exit, which cost a fork (5 ms in gVisor). The first
   probe to mount: the later ones unmount only if it says so. */
static bool mount_outlives_namespace(const char *dir)
{
	struct mount_entry m;
	if (!private_mounts() || mount("tmpfs", dir, "tmpfs", 0, NULL) < 0)
		return false;
	const char *seen = parent_mountinfo();
	bool shared = mount_point_is(seen, dir, &m);
	mounts_go_with_namespace = seen && !shared; /* unknown: unmount */
	unmount_probe(dir);
	return shared;
}

/* An id lookup, which creates nothing (KEYCTL_GET_KEYRING_ID of the user keyring). */
static bool needs_keys_enosys(void)
{
	return syscall(SYS_keyctl, 0L, -4L, 0L) < 0 && errno == EACCES;
}

/* Each fix-up has one probe: in fakesys itself when it changes nothing, or in_child,
   given an empty directory, when it changes what it probes. One process runs them all,
   one after another: a fork each cost 0.3 ms on Linux and 5 ms in gVisor, and in a row
   they were most of fakesys's start-up. So each probe leaves its process fit for the
   next (in a mount namespace of its own, it unmounts what it mounted where that would
   outlive the child: mount-ns-teardown, the first to mount, says), they share one
   directory (a directory each cost a mkdir and an rmdir, 0.15 ms on a disk's /tmp), and
   pivot-root-chroot, which on Linux leaves the child in another root, comes last. */
static const struct {
	const char *name;
	size_t offset;
	bool (*needed)(void);
	bool (*in_child)(const char *dir);
} table[FIXUP_COUNT] = {
	{ "strip-no-automount", offsetof(struct fixups, strip_no_automount), needs_strip_no_automount, NULL },
	{ "statfs-enosys", offsetof(struct fixups, statfs_enosys), needs_statfs_enosys, NULL },
	{ "no-openat2", offsetof(struct fixups, no_openat2), needs_no_openat2, NULL },
	{ "child-subreaper", offsetof(struct fixups, child_subreaper), NULL, child_subreaper_refused },
	{ "mount-rec", offsetof(struct fixups, mount_rec), NULL, mount_rec_refused },
	{ "mount-ns-teardown", offsetof(struct fixups, mount_ns_teardown), NULL, mount_outlives_namespace },
	{ "mount-fd-target", offsetof(struct fixups, mount_fd_target), NULL, mount_fd_target_missed },
	{ "mount-strictatime", offsetof(struct fixups, mount_strictatime), NULL, mount_strictatime_refused },
	{ "devpts-single", offsetof(struct fixups, devpts_single), NULL, devpts_refused },
	{ "pipe-chown", offsetof(struct fixups, pipe_chown), needs_pipe_chown, NULL },
	{ "keys-enosys", offsetof(struct fixups, keys_enosys), needs_keys_enosys, NULL },
	{ "readonly-binds", offsetof(struct fixups, readonly_binds), NULL, bind_remount_readonly_refused },
	{ "pivot-root-chroot", offsetof(struct fixups, pivot_root_chroot), NULL, pivot_root_refused },
};

int fixup_index(const char *name)
{
	for (int i = 0; i < FIXUP_COUNT; i++)
		if (!strcmp(table[i].name, name))
			return i;
	return -1;
}

bool fixups_trace_mounts(const struct fixups *f)
{
	return f->mount_rec || f->mount_fd_target || f->mount_strictatime || f->devpts_single || f->readonly_binds ||
	       f->mount_ns_teardown || f->pivot_root_chroot;
}

const char *fixup_names(void)
{
	static char names[256];
	if (!names[0])
		for (int i = 0; i < FIXUP_COUNT; i++)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "", table[i].name);
	return names;
}

static bool probed_in_child(const struct fixup_probes *p, int i)
{
	return p->settings[i] == FIXUP_PROBE && table[i].in_child;
}

/* The prober's part: each probe in p->dir, its answer ('1' needed, '0' not) written as
   soon as it is known, so that a probe that kills the prober costs only the answers
   after it (they stay off). */
static void run_probes(const struct fixup_probes *p)
{
	for (int i = 0; i < FIXUP_COUNT; i++) {
		if (!probed_in_child(p, i))
			continue;
		char answer = table[i].in_child(p->dir) ? '1' : '0';
		if (write(p->answering, &answer, 1) != 1)
			_exit(1);
	}
}

/* What fixups_probe_in_cmd says after the answers: CMD's process is as it was forked,
   or not. */
#define CMD_FIT 'k'
#define CMD_CHANGED 'x'

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether this process sees the mounts its parent, fakesys, sees: the same namespace,
   and no probe's mount left in it. Compared as mountinfo's text: a change made
   meanwhile by someone else only costs a fresh fork. */
static bool mounts_as_parent(void)
{
	char *own = NULL;
	const char *seen = mountinfo_read("/proc/self/mountinfo");
	if (seen && !(own = strdup(seen)))
		return false;
	seen = own ? parent_mountinfo() : NULL;
	bool same = seen && !strcmp(own, seen);
	free(own);
	return same;
}

/* The probes change their process: a mount namespace of its own (gVisor keeps the
   sandbox's one), mounts on p->dir (unmounted where they would outlive it, as in
   gVisor), the cwd (pivot-root-chroot), the root (where pivot_root works) and the
   subreaper attribute (where it can be set). A sandbox kernel needs a fork for each
   process (5 ms in gVisor, which then starts the child ms later), so there they run
   in CMD's process, which is forked anyway, and this puts it back or gives it up. */
void fixups_probe_in_cmd(const struct fixup_probes *p)
{
	if (!p->in_cmd)
		return;
	close(p->answers);
	struct stat root, cwd, now;
	int cwdfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	bool known = cwdfd >= 0 && stat("/", &root) == 0 && fstat(cwdfd, &cwd) == 0;
	run_probes(p); /* their answers hold even where the process cannot be put back */
	/* A fork child's attribute is 0 (it is not inherited). */
	prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	bool fit = known && fchdir(cwdfd) == 0 && stat(".", &now) == 0 && same_file(&now, &cwd) &&
	           stat("/", &now) == 0 && same_file(&now, &root) && mounts_as_parent();
	char verdict = fit ? CMD_FIT : CMD_CHANGED;
	if (write(p->answering, &verdict, 1) != 1 || !fit)
		_exit(125);
	close(p->answering);
	close(cwdfd);
}

void fixups_cmd_forked(struct fixup_probes *p)
{
	if (p->in_cmd) {
		close(p->answering);
		p->answering = -1;
	}
}

/* Keeps the child off fakesys's CPU where there is another: left to the scheduler, it
   mostly ran on the same one, before fakesys's own start-up resumed, and the probes and
   the end of their namespace (~0.4 ms on Linux) came in a row with the store's setup
   instead of beside it. */
static void run_beside(pid_t child)
{
	cpu_set_t cpus;
	int here = sched_getcpu();
	if (here >= 0 && sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) > 1) {
		CPU_CLR(here, &cpus);
		sched_setaffinity(child, sizeof cpus, &cpus);
	}
}

void fixups_start(struct fixup_probes *p, const enum fixup_setting settings[FIXUP_COUNT])
{
	memcpy(p->settings, settings, sizeof p->settings);
	p->pid = -1;
	p->in_cmd = false;
	p->answers = p->answering = -1;
	bool any = false, sandbox = false;
	for (int i = 0; i < FIXUP_COUNT; i++) {
		any |= probed_in_child(p, i);
		p->needed[i] = p->settings[i] == FIXUP_PROBE && table[i].needed && table[i].needed();
		/* Failures no Linux has (runsc 20221219): the kernel is a sandbox's. */
		if (table[i].offset == offsetof(struct fixups, strip_no_automount) ||
		    table[i].offset == offsetof(struct fixups, statfs_enosys))
			sandbox |= p->needed[i] || p->settings[i] == FIXUP_ON;
	}
	int fds[2];
	/* Where a mkdir costs least: a tmpfs, as /dev/shm is (a disk's /tmp took 0.1-0.5 ms,
	   and the probes start after it). The probes mount on the directory only in a
	   namespace of their own, so any file system serves. */
	static const char *const templates[] = {"/dev/shm/fakesys-probe-XXXXXX", "/tmp/fakesys-probe-XXXXXX"};
	bool made = false;
	for (size_t i = 0; any && !made && i < sizeof templates / sizeof *templates; i++) {
		strcpy(p->dir, templates[i]);
		made = mkdtemp(p->dir) != NULL;
	}
	if (!made)
		return;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		rmdir(p->dir);
		return;
	}
	p->answers = fds[0];
	p->answering = fds[1];
	if (sandbox) {
		p->in_cmd = true;
		return;
	}
	p->pid = fork();
	if (p->pid == 0) {
		close(p->answers);
		run_probes(p);
		_exit(0);
	}
	if (p->pid > 0)
		run_beside(p->pid);
	close(p->answering);
	p->answering = -1;
	if (p->pid < 0) {
		close(p->answers);
		rmdir(p->dir);
	}
}

/* Whether the prober said the fix-up is needed: its next answer. */
static bool prober_says(struct fixup_probes *p)
{
	char answer;
	return (p->pid > 0 || p->in_cmd) && read(p->answers, &answer, 1) == 1 && answer == '1';
}

struct fixups fixups_finish(struct fixup_probes *p, bool *cmd_fit)
{
	struct fixups f = {0};
	for (int i = 0; i < FIXUP_COUNT; i++) {
		bool needed = p->needed[i];
		if (p->settings[i] == FIXUP_PROBE && table[i].in_child)
			needed = prober_says(p);
		*(bool *)((char *)&f + table[i].offset) = p->settings[i] == FIXUP_ON || needed;
	}
	char verdict = CMD_FIT;
	if (p->in_cmd && read(p->answers, &verdict, 1) != 1)
		verdict = CMD_CHANGED; /* it died */
	*cmd_fit = verdict == CMD_FIT;
	if (p->pid > 0 || p->in_cmd) {
		close(p->answers);
		/* Every probe is done: in gVisor each unmounted what it mounted; on Linux the
		   prober's own mounts on it go with the directory (Linux lets a mount point of
		   another namespace be removed). A probe child is not waited for: its exit
		   takes down its namespace (1-2 ms on Linux), and the tracer's waits reap it. */
		rmdir(p->dir);
	}
	return f;
}
