/* A handle on the store inside a container; see store_handle.h. */
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "fsutil.h"
#include "stats.h"
#include "store_handle.h"

int store_handle_fd(struct task *t, const struct store *s)
{
	char link[64], target[PATH_MAX];
	int fd = t->fs->store_fd;
	if (fd < 0)
		return -1;
	snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)t->tid, fd);
	stats_tracer_call();
	ssize_t n = readlink(link, target, sizeof target - 1);
	if (n < 0 || (target[n] = '\0', strcmp(target, store_dir(s)))) {
		t->fs->store_fd = -1;
		return -1;
	}
	return fd;
}

void store_handle_open_call(arch_regs *regs, uint64_t path_addr)
{
	arch_set_syscall_nr(regs, SYS_openat);
	arch_set_arg(regs, 0, (uint64_t)AT_FDCWD);
	arch_set_arg(regs, 1, path_addr);
	arch_set_arg(regs, 2, O_PATH | O_DIRECTORY | O_CLOEXEC);
	arch_set_arg(regs, 3, 0);
}

void store_handle_opened(struct task *t, long result)
{
	if (result >= 0)
		t->fs->store_fd = (int)result;
}

bool store_handle_keep_call(struct task *t, const struct store *s, arch_regs *regs)
{
	char name[64], text[256];
	int fd = store_handle_fd(t, s);
	if (fd < 0)
		return false;
	snprintf(name, sizeof name, "/proc/%d/fdinfo/%d", (int)t->tid, fd);
	stats_tracer_call();
	if (fs_read_text(name, text, sizeof text) <= 0)
		return false;
	const char *flags = strstr(text, "flags:");
	if (!flags || !(strtoul(flags + 6, NULL, 8) & O_CLOEXEC))
		return false;
	arch_set_syscall_nr(regs, SYS_fcntl);
	arch_set_arg(regs, 0, (uint64_t)fd);
	arch_set_arg(regs, 1, F_SETFD);
	arch_set_arg(regs, 2, 0);
	return true;
}

bool store_handle_target(struct task *t, const struct store *s, const char *target, char out[PATH_MAX])
{
	size_t n = strlen(store_dir(s));
	if (t->fs->store_fd < 0 || strncmp(target, store_dir(s), n) || (target[n] != '/' && target[n]))
		return false;
	int fd = store_handle_fd(t, s);
	return fd >= 0 && snprintf(out, PATH_MAX, "/proc/self/fd/%d%s", fd, target + n) < PATH_MAX;
}
