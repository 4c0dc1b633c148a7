/* The read-only mount points; see readonly_points.h. */
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "readonly_points.h"

bool path_at_or_beneath(const char *path, const char *point)
{
	size_t n = strcmp(point, "/") ? strlen(point) : 0;
	return !strncmp(path, point, n) && (path[n] == '/' || path[n] == '\0');
}

void readonly_points_add(struct readonly_points *s, const char *point)
{
	for (size_t i = 0; i < s->count; i++)
		if (!strcmp(s->points[i], point))
			return;
	if (s->count == s->capacity) {
		s->capacity = s->capacity ? 2 * s->capacity : 8;
		if (!(s->points = realloc(s->points, s->capacity * sizeof *s->points)))
			die_oom();
	}
	if (!(s->points[s->count++] = strdup(point)))
		die_oom();
}

void readonly_points_drop(struct readonly_points *s, const char *point, bool beneath)
{
	size_t kept = 0;
	for (size_t i = 0; i < s->count; i++) {
		if (!strcmp(s->points[i], point) || (beneath && path_at_or_beneath(s->points[i], point)))
			free(s->points[i]);
		else
			s->points[kept++] = s->points[i];
	}
	s->count = kept;
}

const char *readonly_points_holding(const struct readonly_points *s, const char *path)
{
	const char *best = NULL;
	for (size_t i = 0; i < s->count; i++)
		if (path_at_or_beneath(path, s->points[i]) && (!best || strlen(s->points[i]) > strlen(best)))
			best = s->points[i];
	return best;
}
