/* Start-up; see startup.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fake_fds.h"
#include "kernel_identity.h"
#include "log.h"
#include "seccomp_filter.h"
#include "startup.h"
#include "stats.h"
#include "tracer_internal.h"

/* The kinds of calls the filter traces for these rules, FOR_ALL among them. They are
   known before the fix-ups are, so CMD's process installs this filter while fakesys
   probes and sets up (the kernel's attach of it alone took ~0.1 ms on Linux). */
static unsigned rule_kinds(const struct tracer_config *tc)
{
	const struct ruleset *rs = tc->rules;
	bool generated = false, dirs = false;
	for (size_t i = 0; i < rs->nrules; i++) {
		generated |= rs->rules[i].generator != NULL;
		dirs |= rs->rules[i].kind == RULE_DIR;
	}
	unsigned kinds = TRACE_FOR(FOR_ALL);
	if (rs->ntrees > 0)
		kinds |= TRACE_FOR(FOR_TREES);
	if (rs->ntrees > 0 || generated || dirs || tc->learner)
		kinds |= TRACE_FOR(FOR_STATFS);
	if (identity_faked(rs))
		kinds |= TRACE_FOR(FOR_UNAME);
	return kinds;
}

/* The kinds the fix-ups add (none on Linux): a second filter, stacked on the first, so
   that a call either one traces stops. */
static unsigned fixup_kinds(const struct fixups *f)
{
	unsigned kinds = 0;
	if (f->statfs_enosys)
		kinds |= TRACE_FOR(FOR_STATFS);
	if (f->child_subreaper)
		kinds |= TRACE_FOR(FOR_SUBREAPER);
	if (fixups_trace_mounts(f))
		kinds |= TRACE_FOR(FOR_MOUNT);
	if (f->readonly_binds)
		kinds |= TRACE_FOR(FOR_READONLY);
	if (f->pipe_chown)
		kinds |= TRACE_FOR(FOR_PIPE_CHOWN);
	if (f->keys_enosys)
		kinds |= TRACE_FOR(FOR_KEYS);
	return kinds;
}

/* The child's first filter: rule_kinds, or none (--no-seccomp). */
#define NO_FILTER (-1)

/* What the child sends back: the first filter's seccomp_install result (1: none
   wanted), the second's (0 if none), and whether CMD inherits a directory fd
   (files_inherit_directory). */
struct child_status {
	int rc, fixups_rc;
	bool inherits_dir;
};

/* Forked before fakesys installs its signal handlers and raises its fd limit, the child
   has the dispositions and limits fakesys was started with: CMD inherits those. */
static _Noreturn void child_main(char **argv, int go_fd, int status_fd, const struct fixup_probes *probes,
                                 int filter)
{
	if (probes)
		fixups_probe_in_cmd(probes);
	/* Asked here, while fakesys sets up, of the fds CMD will have (~15 syscalls, each
	   ~50 us in gVisor). */
	struct child_status st = { .inherits_dir = files_inherit_directory() };
	/* Until fakesys has seized us, a call the filter traces would fail with ENOSYS:
	   the only call before then is the read of the go pipe. */
	st.rc = filter == NO_FILTER ? 1 : seccomp_install((unsigned)filter);
	unsigned fixups;
	char c;
	/* Wait until the parent has seized us: nothing may run untraced. */
	if (read(go_fd, &fixups, sizeof fixups) != sizeof fixups)
		_exit(125);
	if (st.rc == 0 && fixups)
		st.fixups_rc = seccomp_install(fixups);
	if (write(status_fd, &st, sizeof st) != sizeof st || read(go_fd, &c, 1) != 1)
		_exit(125);
	close(go_fd);
	close(status_fd);
	if (st.rc == 0)
		syscall(SYS_faccessat, -1, "", 0); /* the probe: see probe_stop_order */
	execvp(argv[0], argv);
	int err = errno;
	msg("%s: %s", argv[0], strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

static void explain_ptrace_failure(int err)
{
	char why[160] = "";
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	int scope;
	if (f && fscanf(f, "%d", &scope) == 1 && scope >= 2)
		snprintf(why, sizeof why, " (kernel.yama.ptrace_scope is %d%s)", scope,
		         scope == 3 ? ": ptrace is disabled" : ": CAP_SYS_PTRACE is needed");
	else if (err == EPERM)
		snprintf(why, sizeof why, " (missing CAP_SYS_PTRACE, or a seccomp policy forbids ptrace)");
	if (f)
		fclose(f);
	msg("cannot trace: ptrace: %s%s", strerror(err), why);
}

static int wait_for(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, __WALL) < 0)
		if (errno != EINTR)
			return -1;
	stats.stops++;
	return status;
}

/* Learns whether this kernel reports an entry stop after a seccomp stop (gVisor)
   from the child's probe call, whose result is never -ENOSYS. */
static int probe_stop_order(pid_t pid)
{
	int st = wait_for(pid);
	if (st < 0 || !WIFSTOPPED(st) || (unsigned)st >> 16 != PTRACE_EVENT_SECCOMP)
		return -1;
	ptrace(PTRACE_SYSCALL, pid, 0, 0);
	st = wait_for(pid);
	if (st < 0 || !WIFSTOPPED(st) || WSTOPSIG(st) != SYSCALL_STOP)
		return -1;
	arch_regs regs;
	if (arch_get_regs(pid, &regs) < 0)
		return -1;
	if (arch_entry_marker_is_set(&regs)) {
		tracer_entry_after_seccomp = true;
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
		st = wait_for(pid);
		if (st < 0 || !WIFSTOPPED(st) || WSTOPSIG(st) != SYSCALL_STOP)
			return -1;
	}
	ptrace(PTRACE_CONT, pid, 0, 0);
	return 0;
}

int startup_fork(const struct tracer_config *tc, struct cmd_child *c, struct fixup_probes *probes)
{
	int filter = tc->no_seccomp ? NO_FILTER : (int)rule_kinds(tc);
	int go[2], status[2];
	if (pipe2(go, O_CLOEXEC) < 0) {
		msg("pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(status, O_CLOEXEC) < 0) {
		msg("pipe: %s", strerror(errno));
		close(go[0]);
		close(go[1]);
		return -1;
	}
	c->pid = fork();
	if (c->pid == 0) {
		close(go[1]);
		close(status[0]);
		child_main(tc->argv, go[0], status[1], probes, filter);
	}
	close(go[0]);
	close(status[1]);
	c->go = go[1];
	c->status = status[0];
	if (c->pid < 0) {
		msg("fork: %s", strerror(errno));
		startup_cancel(c);
		return -1;
	}
	return 0;
}

void startup_cancel(struct cmd_child *c)
{
	close(c->go);
	close(c->status);
	if (c->pid > 0)
		waitpid(c->pid, NULL, 0); /* it ends at the go pipe's EOF */
}

pid_t startup_child(struct cmd_child *c, bool *inherits_dir)
{
	pid_t pid = c->pid;
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
	            PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL;
	/* The child-subreaper fix-up hands orphans on before the kernel does (subreaper.c);
	   mount-ns-teardown unmounts before the parent learns of the exit (mount_namespaces.c). */
	if (tracer_cfg->fixups.child_subreaper || tracer_cfg->fixups.mount_ns_teardown)
		opts |= PTRACE_O_TRACEEXIT;
	if (ptrace(PTRACE_SEIZE, pid, 0, opts) < 0) {
		explain_ptrace_failure(errno);
		kill(pid, SIGKILL);
		startup_cancel(c);
		return -1;
	}
	unsigned fixups = tracer_cfg->no_seccomp ? 0 : fixup_kinds(&tracer_cfg->fixups) & ~rule_kinds(tracer_cfg);
	struct child_status st = { .inherits_dir = true }; /* unknown: it may */
	bool told = write(c->go, &fixups, sizeof fixups) == sizeof fixups && read(c->status, &st, sizeof st) == sizeof st;
	int rc = told ? st.rc : -EPIPE;
	*inherits_dir = st.inherits_dir;
	if (told && st.fixups_rc < 0) {
		/* Its first filter is in place: stopping at every call instead would see each
		   of those twice. */
		msg("cannot install the fix-ups' seccomp filter: %s", strerror(-st.fixups_rc));
		return -1;
	}
	tracer_use_seccomp = rc == 0;
	if (!tracer_use_seccomp) {
		if (!tracer_cfg->no_seccomp)
			msg("warning: seccomp filter unavailable (%s); stopping at every syscall", strerror(-rc));
		/* Stop the child where it waits, so that it runs every call under PTRACE_SYSCALL. */
		ptrace(PTRACE_INTERRUPT, pid, 0, 0);
		int st = wait_for(pid);
		if (st < 0 || !WIFSTOPPED(st)) {
			msg("cannot stop the child for syscall tracing");
			return -1;
		}
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
	}
	if (write(c->go, "g", 1) != 1) {
		msg("cannot start the child");
		return -1;
	}
	close(c->go);
	close(c->status);
	if (tracer_use_seccomp && probe_stop_order(pid) < 0) {
		msg("unexpected stop while probing the child");
		return -1;
	}
	return pid;
}
