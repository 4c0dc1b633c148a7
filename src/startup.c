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

/* The kinds of calls the filter traces beyond FOR_ALL, for these rules and fix-ups. */
static unsigned traced_kinds(void)
{
	const struct ruleset *rs = tracer_cfg->rules;
	bool generated = false, dirs = false;
	for (size_t i = 0; i < rs->nrules; i++) {
		generated |= rs->rules[i].generator != NULL;
		dirs |= rs->rules[i].kind == RULE_DIR;
	}
	unsigned kinds = 0;
	if (rs->ntrees > 0)
		kinds |= TRACE_FOR(FOR_TREES);
	if (rs->ntrees > 0 || generated || tracer_cfg->fixups.statfs_enosys || dirs ||
	    tracer_cfg->learner)
		kinds |= TRACE_FOR(FOR_STATFS);
	if (identity_faked(rs))
		kinds |= TRACE_FOR(FOR_UNAME);
	if (tracer_cfg->fixups.child_subreaper)
		kinds |= TRACE_FOR(FOR_SUBREAPER);
	if (fixups_trace_mounts(&tracer_cfg->fixups))
		kinds |= TRACE_FOR(FOR_MOUNT);
	if (tracer_cfg->fixups.readonly_binds)
		kinds |= TRACE_FOR(FOR_READONLY);
	if (tracer_cfg->fixups.pipe_chown)
		kinds |= TRACE_FOR(FOR_PIPE_CHOWN);
	if (tracer_cfg->fixups.keys_enosys)
		kinds |= TRACE_FOR(FOR_KEYS);
	return kinds;
}

/* What startup_child sends the child once it is seized: the kinds to filter, or none. */
#define NO_FILTER (-1)

/* What the child sends back: the filter's seccomp_install result (1: none wanted), and
   whether CMD inherits a directory fd (files_inherit_directory). */
struct child_status {
	int rc;
	bool inherits_dir;
};

/* Forked before fakesys installs its signal handlers and raises its fd limit, the child
   has the dispositions and limits fakesys was started with: CMD inherits those. */
static _Noreturn void child_main(char **argv, int go_fd, int status_fd, const struct fixup_probes *probes)
{
	if (probes)
		fixups_probe_in_cmd(probes);
	/* Asked here, while fakesys sets up, of the fds CMD will have (~15 syscalls, each
	   ~50 us in gVisor). */
	struct child_status st = { .inherits_dir = files_inherit_directory() };
	int want;
	char c;
	/* Wait until the parent has seized us: nothing may run untraced. */
	if (read(go_fd, &want, sizeof want) != sizeof want)
		_exit(125);
	st.rc = want == NO_FILTER ? 1 : seccomp_install((unsigned)want);
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

int startup_fork(char **argv, struct cmd_child *c, struct fixup_probes *probes)
{
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
		child_main(argv, go[0], status[1], probes);
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
	int want = tracer_cfg->no_seccomp ? NO_FILTER : (int)traced_kinds();
	struct child_status st = { .inherits_dir = true }; /* unknown: it may */
	bool told = write(c->go, &want, sizeof want) == sizeof want && read(c->status, &st, sizeof st) == sizeof st;
	int rc = told ? st.rc : -EPIPE;
	*inherits_dir = st.inherits_dir;
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
