#include <stdlib.h>
#include "grow.h"
#include "log.h"

void *grow_to(void *v, size_t n, size_t *cap, size_t size, size_t first)
{
	if (n <= *cap)
		return v;
	size_t more = *cap ? 2 * *cap : first;
	while (more < n)
		more *= 2;
	if (!(v = realloc(v, more * size)))
		die_oom();
	*cap = more;
	return v;
}

void *grow_for_one(void *v, size_t n, size_t *cap, size_t size, size_t first)
{
	return grow_to(v, n + 1, cap, size, first);
}
