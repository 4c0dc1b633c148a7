/* The tracer: starts CMD under ptrace and runs the event loop until every traced
   task is gone. */
#ifndef FAKESYS_TRACER_H
#define FAKESYS_TRACER_H

#include <stdbool.h>
#include "fixups.h"
#include "rules.h"
#include "store.h"

struct learner;
struct cmd_child;

struct tracer_config {
	char **argv;                 /* CMD and its arguments */
	const struct ruleset *rules;
	struct store *store;
	struct fixups fixups;        /* work-arounds for this kernel (fixups.h) */
	bool no_seccomp;             /* stop at every syscall instead of filtering */
	struct learner *learner;     /* learn mode (learn.h), or NULL */
	struct cmd_child *child;     /* CMD's process, from startup_fork */
};

/* CMD was executed (its exec event was seen): false after tracer_run if it could not be
   traced, found or executed, whatever status CMD itself would have given. */
extern bool tracer_cmd_executed;

/* Returns fakesys's exit status: CMD's status, 128+N if it died of signal N,
   127/126 if it could not be found/executed, 125 if tracing failed. */
int tracer_run(const struct tracer_config *cfg);

#endif
