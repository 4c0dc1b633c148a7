/* Prometheus text exposition of stats.h; see metrics.h. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include "log.h"
#include "metrics.h"
#include "stats.h"

static char *metrics_path;
static double metrics_interval;
static volatile sig_atomic_t due;

static void on_alarm(int sig)
{
	(void)sig;
	due = 1;
}

int metrics_open(const char *path, double interval, char *err, size_t errlen)
{
	if (!(interval > 0) || interval > 86400) {
		snprintf(err, errlen, "--metrics-interval: %g is not a number of seconds in (0, 86400]", interval);
		return -1;
	}
	char *tmp;
	if (asprintf(&tmp, "%s.new-XXXXXX", path) < 0)
		die_oom();
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "--metrics %s: cannot write there: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	close(fd);
	unlink(tmp);
	free(tmp);
	if (!(metrics_path = strdup(path)))
		die_oom();
	metrics_interval = interval;
	return 0;
}

void metrics_start(void)
{
	if (!metrics_path)
		return;
	/* No SA_RESTART: the alarm ends the tracer's waitpid, whose loop then writes. */
	struct sigaction sa = { .sa_handler = on_alarm };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	long usec = (long)(metrics_interval * 1e6);
	struct itimerval it = { { usec / 1000000, usec % 1000000 }, { usec / 1000000, usec % 1000000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	due = 1; /* a first file at once */
}

/* The figures, written to a new file renamed over FILE: a reader sees the old file or
   the new one, never half of one. */
static void write_file(void)
{
	char *tmp;
	if (asprintf(&tmp, "%s.new-XXXXXX", metrics_path) < 0)
		die_oom();
	int fd = mkstemp(tmp);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		msg("--metrics %s: %s", metrics_path, strerror(errno));
		free(tmp);
		return;
	}
	metrics_print(f);
	bool ok = fchmod(fd, 0644) == 0 && fflush(f) == 0 && !ferror(f);
	if (fclose(f) != 0 || !ok || rename(tmp, metrics_path) < 0) {
		msg("--metrics %s: %s", metrics_path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
}

void metrics_poll(void)
{
	if (!due)
		return;
	due = 0;
	write_file();
}

void metrics_close(void)
{
	if (!metrics_path)
		return;
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	write_file();
	free(metrics_path);
	metrics_path = NULL;
}

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void metrics_print(FILE *out)
{
	double user, sys;
	long rss;
	stats_tracer_usage(&user, &sys, &rss);
	family(out, "fakesys_stops_total", "counter", "Tracee stops handled by the tracer.");
	fprintf(out, "fakesys_stops_total %lu\n", stats.stops);
	family(out, "fakesys_tracer_calls_total", "counter", "ptrace requests and /proc reads made on tracees' behalf.");
	fprintf(out, "fakesys_tracer_calls_total %lu\n", stats.tracer_calls);
	family(out, "fakesys_injected_syscalls_total", "counter", "Syscalls injected into tracees (scratch mappings).");
	fprintf(out, "fakesys_injected_syscalls_total %lu\n", stats.injected);
	family(out, "fakesys_fd_writes_total", "counter", "Writes on fakes' file descriptors played by fakesys.");
	fprintf(out, "fakesys_fd_writes_total %lu\n", stats.fd_writes);
	family(out, "fakesys_tracer_cpu_seconds_total", "counter", "CPU time of the tracer itself.");
	fprintf(out, "fakesys_tracer_cpu_seconds_total{mode=\"user\"} %.6f\n", user);
	fprintf(out, "fakesys_tracer_cpu_seconds_total{mode=\"system\"} %.6f\n", sys);
	family(out, "fakesys_waits_polled_total", "counter", "Waits for a stop that polled first, by whether polling found one.");
	fprintf(out, "fakesys_waits_polled_total{result=\"found\"} %lu\n", stats.poll_hits);
	fprintf(out, "fakesys_waits_polled_total{result=\"missed\"} %lu\n", stats.polled_waits - stats.poll_hits);
	family(out, "fakesys_tracer_max_resident_bytes", "gauge", "Peak resident memory of the tracer itself.");
	fprintf(out, "fakesys_tracer_max_resident_bytes %ld\n", rss * 1024);
	family(out, "fakesys_tasks_started_total", "counter", "Traced tasks (threads) seen.");
	fprintf(out, "fakesys_tasks_started_total %lu\n", stats.tasks);
	family(out, "fakesys_tasks", "gauge", "Traced tasks alive now.");
	fprintf(out, "fakesys_tasks %lu\n", stats.live_tasks);
	family(out, "fakesys_tasks_peak", "gauge", "Most traced tasks alive at once.");
	fprintf(out, "fakesys_tasks_peak %lu\n", stats.peak_tasks);

	static const struct { const char *suffix, *help; } outcomes[] = {
		{ "intercepted", "Path syscalls stopped and examined, by syscall." },
		{ "redirected", "Path syscalls served by a fake (rewritten, or answered with success), by syscall." },
		{ "passed", "Path syscalls left to the kernel untouched, by syscall." },
		{ "failed", "Path syscalls fakesys answered with an error, by syscall." },
	};
	for (size_t k = 0; k < sizeof outcomes / sizeof *outcomes; k++) {
		char name[64];
		snprintf(name, sizeof name, "fakesys_syscalls_%s_total", outcomes[k].suffix);
		family(out, name, "counter", outcomes[k].help);
		for (int i = 0; i < syscall_count(); i++) {
			const struct syscall_counts *c = &stats.syscalls[i];
			unsigned long v = k == 0 ? c->intercepted : k == 1 ? c->redirected : k == 3 ? c->failed
			                : c->intercepted - c->redirected - c->failed;
			if (c->intercepted)
				fprintf(out, "%s{syscall=\"%s\"} %lu\n", name, syscall_name(i), v);
		}
	}
	family(out, "fakesys_provider_answers_total", "counter", "Calls a provider served, by provider and result.");
	for (size_t i = 0; i < stats.nproviders; i++) {
		fprintf(out, "fakesys_provider_answers_total{provider=\"%s\",result=\"served\"} %lu\n",
		        stats.providers[i].name, stats.providers[i].served);
		fprintf(out, "fakesys_provider_answers_total{provider=\"%s\",result=\"error\"} %lu\n",
		        stats.providers[i].name, stats.providers[i].errors);
	}
	family(out, "fakesys_stop_handling_seconds", "histogram", "Time the tracer holds a tracee at one stop.");
	unsigned long cumulative = 0;
	for (size_t i = 0; i <= STATS_LATENCY_BUCKETS; i++) {
		cumulative += stats.latency[i];
		if (i < STATS_LATENCY_BUCKETS)
			fprintf(out, "fakesys_stop_handling_seconds_bucket{le=\"%g\"} %lu\n", stats_latency_bounds_us[i] / 1e6,
			        cumulative);
		else
			fprintf(out, "fakesys_stop_handling_seconds_bucket{le=\"+Inf\"} %lu\n", cumulative);
	}
	fprintf(out, "fakesys_stop_handling_seconds_sum %.9f\n", stats.latency_sum_us / 1e6);
	fprintf(out, "fakesys_stop_handling_seconds_count %lu\n", cumulative);
}
