/* The pivot-root-chroot fix-up; see pivot_chroot.h. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "mount_fixups.h"
#include "mountinfo.h"
#include "pivot_chroot.h"
#include "redirect.h"
#include "tracer_internal.h"

char *pivot_emulable(struct task *t, const arch_regs *regs)
{
	char new_root[PATH_MAX], put_old[PATH_MAX], task_view[PATH_MAX], root[PATH_MAX];
	struct mount_entry m;
	if (redirect_sandbox_path(t, tracer_cfg->store, arch_arg(regs, 0), new_root) < 0 ||
	    redirect_sandbox_path(t, tracer_cfg->store, arch_arg(regs, 1), put_old) < 0 || strcmp(new_root, put_old) ||
	    redirect_task_path(t, tracer_cfg->store, arch_arg(regs, 0), task_view) < 0 ||
	    !mount_point_is(task_mountinfo(t), task_view, &m) || redirect_task_root(t, root) < 0)
		return NULL;
	char *old_root = strdup(root);
	if (!old_root)
		die_oom();
	return old_root;
}

bool pivot_old_root_umount(struct task *t, const arch_regs *regs)
{
	char target[PATH_MAX];
	const char *old_root = t->fs->stacked_old_root;
	if (!old_root || redirect_sandbox_path(t, tracer_cfg->store, arch_arg(regs, 0), target) < 0)
		return false;
	if (!strcmp(target, old_root))
		return true;
	return redirect_task_path(t, tracer_cfg->store, arch_arg(regs, 0), target) == 0 && !strcmp(target, "/");
}
