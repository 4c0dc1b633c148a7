/* The pipe-chown fix-up; see pipe_chown.h. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pipe_chown.h"
#include "stats.h"

bool pipe_chown_is_noop(struct task *t, const arch_regs *regs)
{
	char link[64], target[64];
	snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)t->tid, (int)arch_arg(regs, 0));
	stats_tracer_call();
	ssize_t n = readlink(link, target, sizeof target - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	struct stat st;
	stats_tracer_call();
	if (strncmp(target, "pipe:", 5) || stat(link, &st) < 0 || !S_ISFIFO(st.st_mode))
		return false;
	uid_t uid = (uid_t)arch_arg(regs, 1);
	gid_t gid = (gid_t)arch_arg(regs, 2);
	return (uid == (uid_t)-1 || uid == st.st_uid) && (gid == (gid_t)-1 || gid == st.st_gid);
}
