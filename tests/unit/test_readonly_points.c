/* Unit test of src/readonly_points.c: which recorded read-only point holds a path.
   Prints "ok - name" / "not ok - name" per check; exits 1 if any check failed. */
#include <string.h>

#include "readonly_points.h"
#include "unit.h"

static bool held_by(const struct readonly_points *s, const char *path, const char *point)
{
	const char *p = readonly_points_holding(s, path);
	return point ? p && !strcmp(p, point) : !p;
}

int main(void)
{
	struct readonly_points s = {0};
	check(path_at_or_beneath("/a", "/a") && path_at_or_beneath("/a/b", "/a"), "a point and a path beneath it");
	check(!path_at_or_beneath("/ab", "/a") && !path_at_or_beneath("/", "/a"), "/ab and / are not beneath /a");
	check(path_at_or_beneath("/x", "/") && path_at_or_beneath("/", "/"), "every path is beneath /");
	check(held_by(&s, "/a", NULL), "no point recorded: none holds");
	readonly_points_add(&s, "/c/etc/hosts");
	readonly_points_add(&s, "/c/proc/sys");
	readonly_points_add(&s, "/c/proc/sys");
	check(s.count == 2, "a point is recorded once");
	check(held_by(&s, "/c/etc/hosts", "/c/etc/hosts"), "the point itself is held");
	check(held_by(&s, "/c/proc/sys/kernel/panic", "/c/proc/sys"), "a path beneath is held");
	check(held_by(&s, "/c/etc/hostsx", NULL) && held_by(&s, "/c/etc", NULL) && held_by(&s, "/c/proc/sysrq", NULL),
	      "a name prefix, a parent and a sibling are not");
	readonly_points_add(&s, "/c");
	check(held_by(&s, "/c/proc/sys/x", "/c/proc/sys") && held_by(&s, "/c/bin", "/c"), "the innermost point holds");
	readonly_points_drop(&s, "/c", false);
	check(s.count == 2 && held_by(&s, "/c/bin", NULL), "a remount drops its point only");
	readonly_points_drop(&s, "/c/proc", true);
	check(s.count == 1 && held_by(&s, "/c/proc/sys/x", NULL) && held_by(&s, "/c/etc/hosts", "/c/etc/hosts"),
	      "an unmount above drops the points beneath");
	readonly_points_drop(&s, "/c/etc/host", true);
	check(s.count == 1, "an unmount of a name prefix drops nothing");
	readonly_points_drop(&s, "/", true);
	check(s.count == 0, "an unmount of / drops every point");
	free(s.points);
	return failures != 0;
}
