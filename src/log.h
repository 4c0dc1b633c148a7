/* Messages, the -v audit trail and the --log JSON lines. */
#ifndef FAKESYS_LOG_H
#define FAKESYS_LOG_H

#include <stdbool.h>
#include <sys/types.h>

/* One-line message on stderr, prefixed "fakesys: ". */
void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die_oom(void);

/* Audit destinations; both off by default. */
int audit_open(bool verbose, const char *json_path);
bool audit_enabled(void);
void audit_close(void);

struct audit_event {
	pid_t pid, tid;
	const char *syscall;
	const char *path;    /* as resolved */
	const char *action;  /* read, write, dir, real, skip */
	const char *target;  /* what the tracee was given instead */
	long result;         /* syscall result (-errno on failure) */
};
void audit(const struct audit_event *e);

#endif
