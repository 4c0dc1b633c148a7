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
/* TEXT (len bytes, need not be NUL-terminated) parsed as a profile called NAME in messages
   and origins; relative include and content files are relative to the cwd, as for an
   embedded profile. On error writes "NAME:LINE: message" into err and returns -1. */
int profile_add_text(struct profile_builder *b, const char *name, const char *text, size_t len, char *err,
                     size_t errlen);
/* KEY=VALUE as given to --sysctl. It overrides every profile, even one added later. */
int profile_add_sysctl(struct profile_builder *b, const char *assignment, char *err, size_t errlen);
/* --kernel-release RELEASE: a read-only kernel.osrelease and a generated /proc/version,
   winning over every profile as --sysctl does (uname(2) follows, kernel_identity.h). */
int profile_add_kernel_release(struct profile_builder *b, const char *release, char *err, size_t errlen);
/* Finish: sorts, checks conflicts, indexes. Frees the builder. */
int profile_finish(struct profile_builder *b, struct ruleset *out, char *err, size_t errlen);

void profile_list(FILE *out);                            /* --list-profiles */
void profile_print(const struct ruleset *rs, FILE *out); /* --print-profile */
/* One rule as a profile line that reads back as the same rule (no origin comment). */
void profile_print_rule(const struct rule *r, FILE *out);

#endif
