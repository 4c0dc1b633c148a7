/* Growing arrays: the room doubles until it is enough. */
#ifndef FAKESYS_GROW_H
#define FAKESYS_GROW_H

#include <stddef.h>

/* v, an array of n elements of size bytes with room for *cap, made to hold one more:
   the room doubles, from first. Dies (die_oom) if memory runs out. */
void *grow_for_one(void *v, size_t n, size_t *cap, size_t size, size_t first);
/* v, an array of elements of size bytes with room for *cap, made to hold at least n:
   the room doubles (from first, which must not be 0) until it does. Dies (die_oom)
   if memory runs out. */
void *grow_to(void *v, size_t n, size_t *cap, size_t size, size_t first);

#endif
