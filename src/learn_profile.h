/* The profile learn mode writes: one rule per learned file (learn.h), its value from
   the best source known, a comment saying where the value came from and which call
   failed, and the whole written atomically. */
#ifndef FAKESYS_LEARN_PROFILE_H
#define FAKESYS_LEARN_PROFILE_H

#include <stddef.h>
#include "learn.h"

/* Where the profile goes: a file (replaced atomically: written into a temporary file
   beside it, then renamed) or stdout. */
struct learn_output {
	char *path; /* NULL: stdout */
	char *tmp;
	int fd;
};

/* Makes the temporary file now, so that a bad -o fails before CMD runs. path NULL or
   "-": stdout. 0, or -1 with a message in err. */
int learn_output_open(struct learn_output *o, const char *path, char *err, size_t errlen);
/* Writes the profile: the given profiles (-p, as includes), then the learned rules;
   cmd names the program in the description. Checks that the profile loads, then puts
   it in place. 0, or -1 with a message in err (the temporary file is removed). */
int learn_output_write(struct learn_output *o, const struct learner *l, char **profiles, size_t nprofiles,
                       char **cmd, char *err, size_t errlen);
/* Removes the temporary file (CMD could not run). */
void learn_output_abort(struct learn_output *o);

#endif
