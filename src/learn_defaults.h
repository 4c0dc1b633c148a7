/* Common Linux defaults of kernel files, for values learn mode knows no better source
   for (neither a value the program wrote nor a readable real file). */
#ifndef FAKESYS_LEARN_DEFAULTS_H
#define FAKESYS_LEARN_DEFAULTS_H

struct learn_default {
	const char *path;
	const char *value;  /* as the kernel prints it, without the final newline */
	const char *source; /* where the default is stated: kernel documentation or source */
};

/* The default for the canonical path, or NULL. */
const struct learn_default *learn_default_of(const char *path);

#endif
