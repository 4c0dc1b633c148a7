#include "stats.h"

struct stats stats;

void stats_print(FILE *out)
{
	double n = stats.intercepted ? (double)stats.intercepted : 1.0;
	fprintf(out,
	        "fakesys: stats: tasks=%lu stops=%lu tracer_calls=%lu intercepted=%lu redirected=%lu injected=%lu\n"
	        "fakesys: stats: per intercepted syscall: %.2f stops, %.2f tracer calls\n",
	        stats.tasks, stats.stops, stats.tracer_calls, stats.intercepted, stats.redirected,
	        stats.injected, (double)stats.stops / n, (double)stats.tracer_calls / n);
}
