#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "path.h"

/* Appends one component, or folds "." and "..". len is the current length of out,
   which always starts with "/" and never ends with "/" unless it is "/". */
static int push_component(char *out, size_t *len, const char *comp, size_t n)
{
	if (n == 1 && comp[0] == '.')
		return 0;
	if (n == 2 && comp[0] == '.' && comp[1] == '.') {
		char *slash = strrchr(out, '/');
		*len = slash == out ? 1 : (size_t)(slash - out);
		out[*len] = '\0';
		return 0;
	}
	size_t need = *len + (*len > 1) + n;
	if (need >= PATH_MAX)
		return -1;
	if (*len > 1)
		out[(*len)++] = '/';
	memcpy(out + *len, comp, n);
	*len += n;
	out[*len] = '\0';
	return 0;
}

static int push_path(char *out, size_t *len, const char *p, bool *trailing_dir)
{
	while (*p) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);
		if (n == 0)
			break;
		if (push_component(out, len, p, n) < 0)
			return -1;
		/* "x/", "x/." and "x/.." all name a directory. */
		*trailing_dir = *end == '/' || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.');
		p = end;
	}
	return 0;
}

static bool is_pid(const char *s, size_t n, pid_t pid)
{
	char buf[16];
	int w = snprintf(buf, sizeof buf, "%d", (int)pid);
	return (size_t)w == n && memcmp(buf, s, n) == 0;
}

/* /proc/self, /proc/<tgid> -> /proc/self; /proc/thread-self -> /proc/self/task/<tid>. */
static int canonical_proc(struct resolved *r, pid_t tgid, pid_t tid)
{
	if (strncmp(r->path, "/proc/", 6) != 0)
		return 0;
	const char *comp = r->path + 6;
	const char *rest = strchrnul(comp, '/');
	size_t n = (size_t)(rest - comp);
	char prefix[64];
	if (n == 11 && memcmp(comp, "thread-self", 11) == 0)
		snprintf(prefix, sizeof prefix, "/proc/self/task/%d", (int)tid);
	else if (is_pid(comp, n, tgid))
		strcpy(prefix, "/proc/self");
	else
		return 0;
	size_t plen = strlen(prefix), rlen = strlen(rest);
	if (plen + rlen >= PATH_MAX)
		return -1;
	memmove(r->path + plen, rest, rlen + 1);
	memcpy(r->path, prefix, plen);
	return 0;
}

int path_resolve(const char *base, const char *path, pid_t tgid, pid_t tid, struct resolved *out)
{
	size_t len = 1;
	bool trailing_dir = false;
	strcpy(out->path, "/");
	if (path[0] != '/' && push_path(out->path, &len, base, &trailing_dir) < 0)
		return -1;
	trailing_dir = false;
	if (push_path(out->path, &len, path, &trailing_dir) < 0)
		return -1;
	out->must_be_dir = trailing_dir && len > 1;
	return canonical_proc(out, tgid, tid);
}
