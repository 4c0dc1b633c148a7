/* Probing the kernel for the fix-ups it needs; see fixups.h. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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
	return f;
}
