/* Probing the kernel for the fix-ups it needs; see fixups.h. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "fixups.h"

struct fixups fixups_probe(void)
{
	struct fixups f = {0};
	struct statx sx;
	f.strip_no_automount = statx(AT_FDCWD, "/", AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &sx) < 0 && errno == EINVAL;
	return f;
}
