/* The profiles compiled into the binary: build/profiles.c, which tools/embed-profiles.sh
   generates from the .conf files in profiles/. */
#ifndef FAKESYS_EMBEDDED_H
#define FAKESYS_EMBEDDED_H

#include <stddef.h>

struct embedded_profile {
	const char *name; /* the file name without .conf, e.g. "default" */
	const char *text; /* the whole file */
};

extern const struct embedded_profile embedded_profiles[];
extern const size_t n_embedded_profiles;

#endif
