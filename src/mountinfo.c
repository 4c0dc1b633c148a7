/* Which mount holds a path; see mountinfo.h. */
#include <stdio.h>
#include <string.h>
#include "mountinfo.h"

bool mount_holding(const char *mountinfo, const char *path, struct mount_entry *m)
{
	bool found = false;
	size_t best = 0;
	for (const char *line = mountinfo; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		struct mount_entry e = {0};
		/* "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER" */
		if (sscanf(line, "%d %*d %*u:%*u %*s %4095s", &e.id, e.point) != 2)
			continue;
		const char *sep = strstr(line, " - ");
		const char *end = strchr(line, '\n');
		if (sep && (!end || sep < end))
			sscanf(sep + 3, "%63s", e.fstype);
		size_t n = strcmp(e.point, "/") ? strlen(e.point) : 0;
		bool holds = !n || (!strncmp(path, e.point, n) && (path[n] == '/' || path[n] == '\0'));
		if (holds && n >= best) {
			best = n;
			*m = e;
			found = true;
		}
	}
	return found;
}
