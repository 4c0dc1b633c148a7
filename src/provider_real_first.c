/* The real-first provider: the real file is served while it exists and can be read and
   no run sharing the store has written the key; writes always go to the store (in
   gVisor, vm/overcommit_memory opens for writing and then fails every write with EIO, so
   a write cannot wait for the real file to fail). */
#include <fcntl.h>
#include <unistd.h>
#include "procfs_alias.h"
#include "provider.h"

static int real_first_read_target(struct store *s, const struct fake *f, const char **target, bool *stable)
{
	const struct rule *r = f->rule;
	if (!store_was_written(s, r)) {
		char real[PATH_MAX];
		alias_real_path(r->path, f->pid, real); /* /proc/self is the tracee's */
		int fd = open(real, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0) {
			char c;
			ssize_t n = read(fd, &c, 1);
			close(fd);
			if (n >= 0)
				return 0;
		}
	}
	*target = store_value_path(s, r);
	*stable = true;
	return 1;
}

const struct provider provider_real_first = {
	.name = "real-first",
	.read_target = real_first_read_target,
	.open_write = value_open_write,
	.write = value_write,
	.stat = value_stat, /* gVisor's real modes are wrong (ip_forward is 0444 yet writable) */
};
