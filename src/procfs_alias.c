#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "procfs_alias.h"

/* The length of the number that starts s and fills its component, or 0. The kernel looks up
   /proc/<pid> and fd/<n> by their decimal spelling: "042" names nothing. */
static size_t number_len(const char *s)
{
	size_t n = strspn(s, "0123456789");
	if (n == 0 || (s[n] != '/' && s[n] != '\0') || (n > 1 && s[0] == '0'))
		return 0;
	return n;
}

static bool is_pid(const char *s, size_t n, pid_t pid)
{
	char buf[16];
	int w = snprintf(buf, sizeof buf, "%d", (int)pid);
	return (size_t)w == n && memcmp(buf, s, n) == 0;
}

/* s names exactly `name`, or something under it. */
static bool under(const char *s, const char *name)
{
	size_t n = strlen(name);
	return !strncmp(s, name, n) && (s[n] == '/' || s[n] == '\0');
}

/* "/cwd", "/root" or "/fd/<n>": the magic links of one task directory. */
static bool is_magic_leaf(const char *s)
{
	if (!strcmp(s, "/cwd") || !strcmp(s, "/root"))
		return true;
	return !strncmp(s, "/fd/", 4) && number_len(s + 4) == strlen(s + 4);
}

/* /proc/<pid>/<leaf> or /proc/<pid>/task/<tid>/<leaf>, with a magic leaf. */
static bool is_magic(const char *path)
{
	size_t n = number_len(path + 6);
	if (n == 0)
		return false;
	const char *rest = path + 6 + n;
	if (!strncmp(rest, "/task/", 6)) {
		size_t m = number_len(rest + 6);
		if (m == 0)
			return false;
		rest += 6 + m;
	}
	return is_magic_leaf(rest);
}

int alias_at(const struct alias_task *t, const char *path, char target[PATH_MAX])
{
	static const char *const links[][2] = {
		{ "/dev/fd", "/proc/self/fd" },        { "/dev/stdin", "/proc/self/fd/0" },
		{ "/dev/stdout", "/proc/self/fd/1" },  { "/dev/stderr", "/proc/self/fd/2" },
		{ "/proc/mounts", "self/mounts" },     { "/proc/net", "self/net" },
	};
	if (strncmp(path, "/proc/", 6) && strncmp(path, "/dev/", 5))
		return t->read_link ? t->read_link(t->arg, path, target) : ALIAS_NONE; /* most paths end here */
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		if (!strcmp(path, links[i][0])) {
			snprintf(target, PATH_MAX, "%s", links[i][1]);
			return ALIAS_LINK;
		}
	}
	if (strncmp(path, "/proc/", 6))
		return t->read_link ? t->read_link(t->arg, path, target) : ALIAS_NONE;
	if (!strcmp(path, "/proc/self")) {
		snprintf(target, PATH_MAX, "%d", (int)t->tgid);
		return ALIAS_LINK;
	}
	if (!strcmp(path, "/proc/thread-self")) {
		snprintf(target, PATH_MAX, "%d/task/%d", (int)t->tgid, (int)t->tid);
		return ALIAS_LINK;
	}
	if (strncmp(path, "/proc/", 6) || !is_magic(path))
		return ALIAS_NONE;
	if (!t->read_magic)
		return -EACCES;
	int rc = t->read_magic(t->arg, path, target);
	if (rc < 0)
		return rc;
	return rc == MAGIC_OBJECT ? ALIAS_OBJECT : ALIAS_JUMP;
}

/* Replaces the n bytes at path[at] with `with`. Returns -1 if the result would not fit. */
static int splice(char path[PATH_MAX], size_t at, size_t n, const char *with)
{
	size_t wlen = strlen(with), len = strlen(path);
	if (len - n + wlen >= PATH_MAX)
		return -1;
	memmove(path + at + wlen, path + at + n, len - at - n + 1);
	memcpy(path + at, with, wlen);
	return 0;
}

int alias_fold(char path[PATH_MAX], pid_t tgid, pid_t tid)
{
	if (strncmp(path, "/proc/", 6))
		return 0;
	size_t n = strcspn(path + 6, "/");
	if (is_pid(path + 6, n, tgid) || is_pid(path + 6, n, tid)) {
		if (splice(path, 6, n, "self") < 0)
			return -1;
	} else if (!under(path + 6, "self")) {
		return 0; /* another process's files are its own */
	}
	/* A thread's directory holds the process's files, as far as fakes are concerned
	   (repeatedly: /proc/self/task/N/task/N/x does not exist, but has one spelling). */
	size_t m;
	while (!strncmp(path + 10, "/task/", 6) && (m = number_len(path + 16)) > 0)
		splice(path, 10, 6 + m, ""); /* shrinks: always fits */
	return 0;
}

void alias_real_path(const char *path, pid_t tgid, char out[PATH_MAX])
{
	if (!strncmp(path, "/proc/", 6) && under(path + 6, "self"))
		snprintf(out, PATH_MAX, "/proc/%d%s", (int)tgid, path + 10);
	else
		snprintf(out, PATH_MAX, "%s", path);
}

bool alias_rule_spelling(const char *path, char *why, size_t whylen)
{
	if (!strncmp(path, "/proc/", 6) && !under(path + 6, "self") &&
	    (number_len(path + 6) || under(path + 6, "thread-self"))) {
		snprintf(why, whylen, "use /proc/self, not /proc/PID or /proc/thread-self");
		return false;
	}
	/* Walk it as a task would (pid 0 stands for any): no prefix may be a link, and the
	   result must already have its one spelling. */
	char p[PATH_MAX], target[PATH_MAX];
	struct alias_task any = { .tgid = 0 };
	alias_real_path(path, 0, p);
	size_t shift = strlen(path) - strlen(p); /* "/proc/self" became "/proc/0" */
	for (size_t end = 1;; end++) {
		if (p[end] != '/' && p[end] != '\0')
			continue;
		char saved = p[end];
		p[end] = '\0';
		int kind = alias_at(&any, p, target);
		p[end] = saved;
		if (kind != ALIAS_NONE) {
			snprintf(why, whylen, "%.*s is a link: name what it leads to (/proc/self/..., not "
			         "/proc/mounts, /proc/net, /dev/fd, fd/N, cwd or root)", (int)(end + shift), path);
			return false;
		}
		if (!saved)
			break;
	}
	if (alias_fold(p, 0, 0) < 0 || strcmp(p, path)) {
		snprintf(why, whylen, "fakesys folds it to %s: use that", p);
		return false;
	}
	return true;
}
