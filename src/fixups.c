/* Probing the kernel for the fix-ups it needs; see fixups.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#include <unistd.h>
#include "fixups.h"

struct fixups fixups_probe(void)
{
	struct fixups f = {0};
	struct statx sx;
	f.strip_no_automount = statx(AT_FDCWD, "/", AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &sx) < 0 && errno == EINVAL;
	struct statfs sf;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	f.statfs_enosys = fd >= 0 && fstatfs(fd, &sf) < 0 && errno == ENOSYS;
	if (fd >= 0)
		close(fd);
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC };
	int dir = (int)syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);
	f.no_openat2 = dir < 0 && errno == ENOSYS;
	if (dir >= 0)
		close(dir);
	return f;
}
