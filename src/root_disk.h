/* The disk that holds the root filesystem, as cAdvisor pairs /proc/diskstats with
   /sys/block: by major:minor. */
#ifndef FAKESYS_ROOT_DISK_H
#define FAKESYS_ROOT_DISK_H

#include <stdbool.h>
#include <stddef.h>

struct root_disk {
	unsigned major, minor;
	char name[64];
	bool in_sysfs; /* the sandbox has /sys/block/NAME */
};

/* Fills d from stat("/"), looked up once per run; false if / cannot be stat'ed. */
bool root_disk_find(struct root_disk *d);
/* Whether /proc/diskstats text has a line for major:minor; its name into name (if not
   NULL, len bytes). */
bool diskstats_line(const char *text, unsigned maj, unsigned min, char *name, size_t len);

#endif
