/* The real-first provider: the real file is served while it exists and can be read and
   no run sharing the store has written the key; writes always go to the store (in
   gVisor, vm/overcommit_memory opens for writing and then fails every write with EIO, so
   a write cannot wait for the real file to fail). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "procfs_alias.h"
#include "provider.h"

/* Whether the real file behind f exists and can be read: a regular file must give a
   byte; a device (/dev/kmsg) need only open, since a read may consume or block. *st
   gets its stat. */
static bool real_readable(const struct fake *f, struct stat *st)
{
	char real[PATH_MAX];
	alias_real_path(f->rule->path, f->pid, real); /* /proc/self is the tracee's */
	int fd = open(real, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	char c;
	bool ok = fstat(fd, st) == 0 && (!S_ISREG(st->st_mode) || read(fd, &c, 1) >= 0);
	close(fd);
	return ok;
}

static int real_first_read_target(struct store *s, const struct fake *f, const char **target, bool *stable)
{
	struct stat st;
	if (!store_was_written(s, f->rule) && real_readable(f, &st))
		return 0;
	*target = store_value_path(s, f->rule);
	*stable = true;
	return *target ? 1 : -errno;
}

/* As value, except that a real device being served says what it is. */
static int real_first_stat(struct store *s, const struct fake *f, struct stat *st)
{
	if (!store_was_written(s, f->rule) && real_readable(f, st) && !S_ISREG(st->st_mode))
		return 0;
	return value_stat(s, f, st);
}

const struct provider provider_real_first = {
	.name = "real-first",
	.read_target = real_first_read_target,
	.open_write = value_open_write,
	.write = value_write,
	.stat = real_first_stat, /* a file's real mode may be wrong (gVisor's ip_forward is 0444 yet writable) */
};
