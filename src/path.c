#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "path.h"

#define MAX_LINKS 40 /* the kernel's MAXSYMLINKS */

struct walk {
	const struct alias_task *t;
	char *out;   /* the canonical path walked so far: "/" or "/a/b", never a trailing "/" */
	size_t len;
	int links;   /* links followed so far */
	bool object; /* stopped at a magic link to a pipe, socket...: nothing lies below it */
};

static bool is_dots(const char *c, size_t n)
{
	return (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.');
}

/* Appends one component, or folds "." and "..". */
static int push_component(struct walk *w, const char *comp, size_t n)
{
	if (n == 1 && comp[0] == '.')
		return 0;
	if (n == 2 && comp[0] == '.' && comp[1] == '.') {
		char *slash = strrchr(w->out, '/');
		w->len = slash == w->out ? 1 : (size_t)(slash - w->out);
		w->out[w->len] = '\0';
		return 0;
	}
	size_t need = w->len + (w->len > 1) + n;
	if (need >= PATH_MAX)
		return -ENAMETOOLONG;
	if (w->len > 1)
		w->out[w->len++] = '/';
	memcpy(w->out + w->len, comp, n);
	w->len += n;
	w->out[w->len] = '\0';
	return 0;
}

static int walk_path(struct walk *w, const char *p, bool follow_last);

/* w->out names a link the kernel follows here: go where it leads. */
static int follow(struct walk *w)
{
	char target[PATH_MAX];
	int kind = alias_at(w->t, w->out, target);
	if (kind == ALIAS_NONE)
		return 0;
	/* The kernel counts a link before it reads it (pick_link in fs/namei.c), so the 41st
	   fails with ELOOP even where reading it would fail (a magic link denied: EACCES). */
	if (++w->links > MAX_LINKS)
		return -ELOOP;
	if (kind < 0)
		return kind;
	switch (kind) {
	case ALIAS_LINK:
		/* Its text is walked from the link's directory; every component of it is followed. */
		push_component(w, "..", 2);
		if (target[0] == '/')
			w->len = 1, w->out[1] = '\0';
		return walk_path(w, target, true);
	case ALIAS_JUMP:
		w->len = strlen(target);
		memcpy(w->out, target, w->len + 1);
		return 0;
	default:
		w->object = true;
		return 0;
	}
}

static int walk_path(struct walk *w, const char *p, bool follow_last)
{
	while (*p && !w->object) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);
		if (n == 0)
			break;
		int rc = push_component(w, p, n);
		if (rc < 0)
			return rc;
		/* The last component is followed if the call follows links, or if "/" comes after it. */
		const char *next = end + strspn(end, "/");
		if (!is_dots(p, n) && (*next || *end == '/' || follow_last) && (rc = follow(w)) < 0)
			return rc;
		p = end;
	}
	return 0;
}

int path_resolve(const struct alias_task *t, const char *base, const char *path, bool follow_last,
                 struct resolved *out)
{
	struct walk w = { .t = t, .out = out->path, .len = 1 };
	strcpy(out->path, "/");
	if (path[0] != '/') {
		/* The base is a directory the kernel already reached: taken as it is. */
		size_t blen = strlen(base);
		if (blen >= PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(out->path, base, blen + 1);
		w.len = blen;
	}
	int rc = walk_path(&w, path, follow_last);
	if (rc < 0)
		return rc;
	/* "x/", "x/." and "x/.." all name a directory. */
	size_t plen = strlen(path);
	while (plen > 1 && path[plen - 1] == '/')
		plen--;
	const char *last = path + plen;
	while (last > path && last[-1] != '/')
		last--;
	out->must_be_dir = strcmp(out->path, "/") &&
	                   (path[plen] == '/' || is_dots(last, (size_t)(path + plen - last)));
	return alias_fold(out->path, t->tgid, t->tid) < 0 ? -ENAMETOOLONG : 0;
}
