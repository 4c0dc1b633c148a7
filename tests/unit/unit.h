/* Shared by the unit tests: one "ok - name" / "not ok - name" line per check, and a
   scratch directory. Each test's main() returns `failures != 0`. */
#ifndef FAKESYS_UNIT_H
#define FAKESYS_UNIT_H

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static int failures;

static inline void check(bool ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s - ", ok ? "ok" : "not ok");
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	failures += !ok;
}

static char T[64]; /* scratch directory of this test, made by make_scratch_dir() */

static inline void make_scratch_dir(const char *name)
{
	snprintf(T, sizeof T, "/tmp/%s.XXXXXX", name);
	if (!mkdtemp(T))
		perror("mkdtemp"), exit(2);
}

/* T/name (valid until the 8th next call). */
static inline char *tpath(const char *name)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *p = bufs[next++ % 8];
	snprintf(p, PATH_MAX, "%s/%s", T, name);
	return p;
}

#endif
