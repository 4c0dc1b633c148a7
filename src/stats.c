/* The counters of stats.h and their report. */
#include <sys/resource.h>
#include <string.h>
#include "stats.h"

struct stats stats;

const double stats_latency_bounds_us[STATS_LATENCY_BUCKETS] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 20000};

void stats_intercepted(const struct syscall_desc *d)
{
	stats.intercepted++;
	stats.syscalls[syscall_index(d)].intercepted++;
}

static struct provider_counts *provider_counts(const char *name)
{
	for (size_t i = 0; i < stats.nproviders; i++)
		if (!strcmp(stats.providers[i].name, name))
			return &stats.providers[i];
	if (stats.nproviders == sizeof stats.providers / sizeof *stats.providers)
		return NULL;
	stats.providers[stats.nproviders].name = name;
	return &stats.providers[stats.nproviders++];
}

void stats_answered(const struct syscall_desc *d, const char *provider, long result)
{
	struct syscall_counts *c = &stats.syscalls[syscall_index(d)];
	struct provider_counts *p = provider ? provider_counts(provider) : NULL;
	if (result < 0) {
		c->failed++;
		if (p)
			p->errors++;
		return;
	}
	stats.redirected++;
	c->redirected++;
	if (p)
		p->served++;
}

void stats_task_added(void)
{
	stats.tasks++;
	if (++stats.live_tasks > stats.peak_tasks)
		stats.peak_tasks = stats.live_tasks;
}

void stats_task_gone(void)
{
	if (stats.live_tasks)
		stats.live_tasks--;
}

void stats_stop_handled(double us)
{
	size_t i = 0;
	while (i < STATS_LATENCY_BUCKETS && us > stats_latency_bounds_us[i])
		i++;
	stats.latency[i]++;
	stats.latency_sum_us += us;
}

void stats_tracer_usage(double *user, double *system, long *max_rss_kib)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		memset(&ru, 0, sizeof ru);
	*user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	*system = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	/* Not ru_maxrss: it keeps the peak of the process that exec'ed fakesys. VmHWM starts
	   anew at exec. */
	*max_rss_kib = -1;
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld", max_rss_kib) == 1)
			break;
	if (f)
		fclose(f);
}

/* Stops whose handling was timed (those that reach the dispatcher). */
static unsigned long timed_stops(void)
{
	unsigned long n = 0;
	for (size_t i = 0; i <= STATS_LATENCY_BUCKETS; i++)
		n += stats.latency[i];
	return n;
}

static unsigned long passed(const struct syscall_counts *c)
{
	return c->intercepted - c->redirected - c->failed;
}

void stats_print_table(FILE *out)
{
	double n = stats.intercepted ? (double)stats.intercepted : 1.0, user, sys;
	long rss;
	stats_tracer_usage(&user, &sys, &rss);
	/* The first two lines keep their form: bench/ parses them. */
	fprintf(out,
	        "fakesys: stats: tasks=%lu stops=%lu tracer_calls=%lu intercepted=%lu redirected=%lu injected=%lu\n"
	        "fakesys: stats: per intercepted syscall: %.2f stops, %.2f tracer calls\n",
	        stats.tasks, stats.stops, stats.tracer_calls, stats.intercepted, stats.redirected,
	        stats.injected, (double)stats.stops / n, (double)stats.tracer_calls / n);
	fprintf(out, "fakesys: stats: peak tasks %lu; tracer cpu %.3f s user, %.3f s system (%.1f us per intercepted syscall); tracer max RSS %ld KiB; fd writes played %lu\n",
	        stats.peak_tasks, user, sys, (user + sys) * 1e6 / n, rss, stats.fd_writes);
	fprintf(out, "fakesys: stats: waits for a stop polled first %lu, of them found a stop so %lu\n",
	        stats.polled_waits, stats.poll_hits);
	fprintf(out, "fakesys: stats: %-18s %11s %11s %11s %11s\n", "syscall", "intercepted", "redirected", "passed", "failed");
	for (int i = 0; i < syscall_count(); i++) {
		const struct syscall_counts *c = &stats.syscalls[i];
		if (c->intercepted)
			fprintf(out, "fakesys: stats: %-18s %11lu %11lu %11lu %11lu\n", syscall_name(i), c->intercepted,
			        c->redirected, passed(c), c->failed);
	}
	fprintf(out, "fakesys: stats: %-18s %11s %11s\n", "provider", "served", "errors");
	for (size_t i = 0; i < stats.nproviders; i++)
		fprintf(out, "fakesys: stats: %-18s %11lu %11lu\n", stats.providers[i].name, stats.providers[i].served,
		        stats.providers[i].errors);
	fprintf(out, "fakesys: stats: tracer time per stop (us):");
	for (size_t i = 0; i <= STATS_LATENCY_BUCKETS; i++) {
		if (i < STATS_LATENCY_BUCKETS)
			fprintf(out, " <=%g:%lu", stats_latency_bounds_us[i], stats.latency[i]);
		else
			fprintf(out, " more:%lu", stats.latency[i]);
	}
	fprintf(out, "; mean %.2f\n", timed_stops() ? stats.latency_sum_us / (double)timed_stops() : 0.0);
}

void stats_print_json(FILE *out)
{
	double user, sys;
	long rss;
	stats_tracer_usage(&user, &sys, &rss);
	fprintf(out,
	        "{\"tasks\":%lu,\"peak_tasks\":%lu,\"stops\":%lu,\"tracer_calls\":%lu,\"intercepted\":%lu,"
	        "\"redirected\":%lu,\"injected\":%lu,\"fd_writes\":%lu,\"tracer_cpu_seconds\":{\"user\":%.6f,\"system\":%.6f},"
	        "\"tracer_max_rss_kib\":%ld,\"waits_polled\":{\"polled\":%lu,\"found\":%lu},",
	        stats.tasks, stats.peak_tasks, stats.stops, stats.tracer_calls, stats.intercepted, stats.redirected,
	        stats.injected, stats.fd_writes, user, sys, rss, stats.polled_waits, stats.poll_hits);
	fputs("\"syscalls\":{", out);
	const char *sep = "";
	for (int i = 0; i < syscall_count(); i++) {
		const struct syscall_counts *c = &stats.syscalls[i];
		if (!c->intercepted)
			continue;
		fprintf(out, "%s\"%s\":{\"intercepted\":%lu,\"redirected\":%lu,\"passed\":%lu,\"failed\":%lu}", sep,
		        syscall_name(i), c->intercepted, c->redirected, passed(c), c->failed);
		sep = ",";
	}
	fputs("},\"providers\":{", out);
	for (size_t i = 0; i < stats.nproviders; i++)
		fprintf(out, "%s\"%s\":{\"served\":%lu,\"errors\":%lu}", i ? "," : "", stats.providers[i].name,
		        stats.providers[i].served, stats.providers[i].errors);
	fputs("},\"stop_latency_us\":{\"buckets\":[", out);
	for (size_t i = 0; i <= STATS_LATENCY_BUCKETS; i++) {
		if (i < STATS_LATENCY_BUCKETS)
			fprintf(out, "%s{\"le\":%g,\"count\":%lu}", i ? "," : "", stats_latency_bounds_us[i], stats.latency[i]);
		else
			fprintf(out, ",{\"le\":\"+Inf\",\"count\":%lu}", stats.latency[i]);
	}
	fprintf(out, "],\"sum\":%.3f,\"count\":%lu}}\n", stats.latency_sum_us, timed_stops());
}
