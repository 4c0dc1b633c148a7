/* The store inside a container; see container_store.h. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "container_store.h"
#include "mount_fixups.h"
#include "mountinfo.h"
#include "redirect.h"
#include "stats.h"

bool container_store_place(struct task *t, const char *new_root, char out[PATH_MAX])
{
	char dev[PATH_MAX];
	struct mount_entry m;
	if (snprintf(dev, sizeof dev, "%s/dev", strcmp(new_root, "/") ? new_root : "") >= (int)sizeof dev ||
	    snprintf(out, PATH_MAX, "%s%s", dev, CONTAINER_STORE + 4) >= PATH_MAX)
		return false;
	/* A mount point at exactly that name: no link of the image on the way. */
	return mount_point_is(task_mountinfo(t), dev, &m);
}

void container_store_mkdir_call(arch_regs *regs, uint64_t place_addr)
{
	arch_set_syscall_nr(regs, SYS_mkdirat);
	arch_set_arg(regs, 0, (uint64_t)AT_FDCWD);
	arch_set_arg(regs, 1, place_addr);
	arch_set_arg(regs, 2, 0700);
}

void container_store_bind_call(arch_regs *regs, uint64_t store_addr, uint64_t place_addr)
{
	arch_set_syscall_nr(regs, SYS_mount);
	arch_set_arg(regs, 0, store_addr);
	arch_set_arg(regs, 1, place_addr);
	arch_set_arg(regs, 2, 0);
	arch_set_arg(regs, 3, MS_BIND);
	arch_set_arg(regs, 4, 0);
}

bool container_store_target(struct task *t, struct store *s, const char *target, char out[PATH_MAX])
{
	char root[PATH_MAX], place[PATH_MAX];
	struct stat in_root, store;
	const char *dir = store_dir(s);
	size_t n = dir ? strlen(dir) : 0;
	if (!dir || strncmp(target, dir, n) || (target[n] != '/' && target[n]) || redirect_task_root(t, root) < 0 ||
	    !strcmp(root, "/") || snprintf(place, sizeof place, "%s%s", root, CONTAINER_STORE) >= (int)sizeof place)
		return false;
	/* Through the task's own mounts on Linux; gVisor cannot walk /proc/TID/root of a
	   chrooted task, and has one mount namespace. */
	char own[64 + sizeof CONTAINER_STORE];
	snprintf(own, sizeof own, "/proc/%d/root%s", (int)t->tid, CONTAINER_STORE);
	stats_tracer_call();
	bool found = stat(own, &in_root) == 0 || (stats_tracer_call(), stat(place, &in_root) == 0);
	stats_tracer_call();
	return found && stat(dir, &store) == 0 && in_root.st_dev == store.st_dev &&
	       in_root.st_ino == store.st_ino && snprintf(out, PATH_MAX, "%s%s", CONTAINER_STORE, target + n) < PATH_MAX;
}
