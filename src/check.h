/* fakesys check: for each rule of the effective profile, what the sandbox has there and
   what the fake would serve; a quick diagnosis for a new sandbox. */
#ifndef FAKESYS_CHECK_H
#define FAKESYS_CHECK_H

#include <stdio.h>
#include "rules.h"
#include "store.h"

/* Reports every rule of rs on out; s is a private store the fakes are tried in.
   Returns the number of rules that cannot be served. */
int check_rules(const struct ruleset *rs, struct store *s, FILE *out);

#endif
