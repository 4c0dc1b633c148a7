/* Naming the root filesystem's disk; see root_disk.h. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "fsutil.h"
#include "root_disk.h"

bool diskstats_line(const char *text, unsigned maj, unsigned min, char *name, size_t len)
{
	unsigned lmaj, lmin;
	char lname[64];
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (sscanf(line, "%u %u %63s", &lmaj, &lmin, lname) == 3 && lmaj == maj && lmin == min) {
			if (name)
				snprintf(name, len, "%s", lname);
			return true;
		}
	return false;
}

/* The name /proc/diskstats gives major:minor, if it lists it. */
static bool diskstats_name(unsigned maj, unsigned min, char *name, size_t len)
{
	static char text[1 << 16];
	return fs_read_text("/proc/diskstats", text, sizeof text) >= 0 && diskstats_line(text, maj, min, name, len);
}

/* Looks the disk up; root_disk_find keeps the answer (fakesys's root does not move). */
static bool find(struct root_disk *d)
{
	struct stat st;
	if (stat("/", &st) < 0)
		return false;
	memset(d, 0, sizeof *d);
	d->major = major(st.st_dev);
	d->minor = minor(st.st_dev);
	/* /sys/dev/block/MAJ:MIN names the device; a partition's disk is its parent. */
	char link[64], target[512];
	snprintf(link, sizeof link, "/sys/dev/block/%u:%u", d->major, d->minor);
	ssize_t n = readlink(link, target, sizeof target - 1);
	if (n > 0) {
		target[n] = '\0';
		char partition[600];
		snprintf(partition, sizeof partition, "%s/partition", link);
		if (access(partition, F_OK) == 0)
			*strrchr(target, '/') = '\0';
		const char *base = strrchr(target, '/');
		snprintf(d->name, sizeof d->name, "%.63s", base ? base + 1 : target);
	} else if (!diskstats_name(d->major, d->minor, d->name, sizeof d->name)) {
		/* Named as the line the diskstats generator adds for it. */
		snprintf(d->name, sizeof d->name, "%s", d->major == 0 ? "rootfs" : "root");
	}
	char dir[128];
	snprintf(dir, sizeof dir, "/sys/block/%s", d->name);
	d->in_sysfs = access(dir, F_OK) == 0;
	return true;
}

bool root_disk_find(struct root_disk *d)
{
	static struct root_disk known;
	static int state; /* 0: not looked up yet; 1: found; -1: / cannot be stat'ed */
	if (!state)
		state = find(&known) ? 1 : -1;
	*d = known;
	return state > 0;
}
