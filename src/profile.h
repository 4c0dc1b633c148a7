/* Profiles: sysctl.d syntax plus path rules, parsed into a struct ruleset. */
#ifndef FAKESYS_PROFILE_H
#define FAKESYS_PROFILE_H

#include <stdio.h>
#include "rules.h"

#define PROFILE_DEFAULT "default"

/* Accumulates rules from several sources; a later source overrides an earlier one. */
struct profile_builder;

struct profile_builder *profile_builder_new(void);
/* NAME of an embedded profile, or a FILE path (anything containing '/' or ending in .conf).
   On error writes "FILE:LINE: message" into err and returns -1. */
int profile_add(struct profile_builder *b, const char *name_or_file, char *err, size_t errlen);
/* KEY=VALUE as given to --sysctl. It overrides every profile, even one added later. */
int profile_add_sysctl(struct profile_builder *b, const char *assignment, char *err, size_t errlen);
/* Finish: sorts, checks conflicts, indexes. Frees the builder. */
int profile_finish(struct profile_builder *b, struct ruleset *out, char *err, size_t errlen);

void profile_list(FILE *out);                            /* --list-profiles */
void profile_print(const struct ruleset *rs, FILE *out); /* --print-profile */

#endif
