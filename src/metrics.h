/* --metrics FILE: the figures of stats.h in Prometheus's text exposition format,
   rewritten atomically (a new file renamed over the old) every interval and at exit, so
   that node_exporter's textfile collector can read it while a node runs. */
#ifndef FAKESYS_METRICS_H
#define FAKESYS_METRICS_H

#include <stddef.h>
#include <stdio.h>

/* Checks that path can be written (its directory exists and takes a new file) and
   remembers it; interval in seconds (> 0). 0, or -1 with err set. */
int metrics_open(const char *path, double interval, char *err, size_t errlen);
/* The tracer's hooks: the timer starts once CMD runs; each pass of the tracer loop
   writes the file if the interval has passed. No-ops without --metrics. */
void metrics_start(void);
void metrics_poll(void);
/* The last write, at exit. */
void metrics_close(void);
/* The exposition text (for tests and the writer). */
void metrics_print(FILE *out);

#endif
