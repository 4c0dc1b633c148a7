/* Common Linux defaults of kernel files, for values learn mode knows no better source
   for (neither a value the program wrote nor a readable real file); and the files
   programs look for only to learn that they are absent. */
#ifndef FAKESYS_LEARN_DEFAULTS_H
#define FAKESYS_LEARN_DEFAULTS_H

struct learn_default {
	const char *path;
	const char *value;  /* as the kernel prints it, without the final newline */
	const char *source; /* where the default is stated: kernel documentation or source */
};

/* The default for the canonical path, or NULL. */
const struct learn_default *learn_default_of(const char *path);

/* Who probes for path (or a directory above it) and takes its absence as an answer,
   or NULL: a learned rule for such a path would change what the program decides. */
const char *learn_probe_of(const char *path);

#endif
