#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "log.h"

static bool verbose;
static FILE *json;

void msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("fakesys: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

_Noreturn void die_oom(void)
{
	msg("out of memory");
	exit(125);
}

int audit_open(bool want_verbose, const char *json_path)
{
	verbose = want_verbose;
	if (!json_path)
		return 0;
	int fd = open(json_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || !(json = fdopen(fd, "a"))) {
		msg("--log %s: %s", json_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

bool audit_enabled(void) { return verbose || json; }

void audit_close(void)
{
	if (json)
		fclose(json);
	json = NULL;
}

static void json_string(const char *s)
{
	fputc('"', json);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(json, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(json, "\\u%04x", *p);
		else
			fputc(*p, json);
	}
	fputc('"', json);
}

void audit(const struct audit_event *e)
{
	if (verbose)
		msg("[%d] %s %s -> %s (%s) = %ld%s%s", (int)e->tid, e->syscall, e->path, e->target,
		    e->action, e->result, e->result < 0 ? " " : "", e->result < 0 ? strerror((int)-e->result) : "");
	if (!json)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char when[40];
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(json, "{\"time\":\"%s.%06ldZ\",\"pid\":%d,\"tid\":%d,\"syscall\":", when, ts.tv_nsec / 1000,
	        (int)e->pid, (int)e->tid);
	json_string(e->syscall);
	fputs(",\"path\":", json);
	json_string(e->path);
	fputs(",\"action\":", json);
	json_string(e->action);
	fputs(",\"target\":", json);
	json_string(e->target);
	fprintf(json, ",\"result\":%ld}\n", e->result);
	fflush(json);
}
