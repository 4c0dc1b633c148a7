/* Which mount holds a path; see mountinfo.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "fsutil.h"
#include "mountinfo.h"

const char *mountinfo_read(const char *file)
{
	static char *text;
	static size_t cap;
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	ssize_t n = fs_read_grown(fd, &text, &cap, 1 << 20);
	int err = errno;
	close(fd);
	errno = err;
	return n >= 0 ? text : NULL;
}

#define EACH_LINE(line, text) \
	for (const char *line = (text); line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)

/* The mount point of a mountinfo line, with the kernel's octal escapes (\040) decoded. */
static bool point_of(const char *line, char point[PATH_MAX])
{
	char raw[PATH_MAX];
	if (sscanf(line, "%*d %*d %*u:%*u %*s %4095s", raw) != 1)
		return false;
	size_t n = 0;
	for (const char *s = raw; *s; s++) {
		unsigned c;
		if (s[0] == '\\' && sscanf(s + 1, "%3o", &c) == 1 && strspn(s + 1, "01234567") >= 3) {
			point[n++] = (char)c;
			s += 3;
		} else
			point[n++] = *s;
	}
	point[n] = '\0';
	return true;
}

bool mount_holding(const char *mountinfo, const char *path, struct mount_entry *m)
{
	bool found = false;
	size_t best = 0;
	EACH_LINE(line, mountinfo) {
		struct mount_entry e = {0};
		/* "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER" */
		if (sscanf(line, "%d", &e.id) != 1 || !point_of(line, e.point))
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

bool mount_point_is(const char *mountinfo, const char *path, struct mount_entry *m)
{
	return mountinfo && mount_holding(mountinfo, path, m) && !strcmp(m->point, path);
}

bool mount_beneath(const char *mountinfo, const char *path)
{
	size_t n = strcmp(path, "/") ? strlen(path) : 0;
	EACH_LINE(line, mountinfo) {
		char point[PATH_MAX];
		if (point_of(line, point) && !strncmp(point, path, n) && point[n] == '/' && point[n + 1])
			return true;
	}
	return false;
}

bool mount_any_propagation(const char *mountinfo)
{
	EACH_LINE(line, mountinfo) {
		/* The optional fields come before " - "; no mount point or root holds a space. */
		const char *sep = strstr(line, " - "), *end = strchr(line, '\n');
		if (!sep || (end && sep > end))
			continue;
		char fields[PATH_MAX * 2 + 256];
		size_t n = (size_t)(sep - line) < sizeof fields - 1 ? (size_t)(sep - line) : sizeof fields - 1;
		memcpy(fields, line, n);
		fields[n] = '\0';
		if (strstr(fields, " shared:") || strstr(fields, " master:"))
			return true;
	}
	return false;
}
