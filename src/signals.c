/* Signals to fakesys; see signals.h. */
#include <signal.h>
#include <stddef.h>
#include "signals.h"
#include "tracer_internal.h"

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
                                 SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH };
#define NFORWARDED (sizeof forwarded / sizeof forwarded[0])

/* A request to end that came once CMD had gone, for every process still traced. */
static volatile sig_atomic_t pending_end;

static bool asks_to_end(int sig)
{
	return sig == SIGHUP || sig == SIGINT || sig == SIGQUIT || sig == SIGTERM;
}

static void forward_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (tracer_main_pid <= 0) {
		/* Daemonised descendants outlive CMD: a request to end is theirs now, or
		   fakesys would wait for them and leave its store behind when killed. */
		if (asks_to_end(sig))
			pending_end = sig;
		return;
	}
	/* A signal from the terminal already reached CMD, which shares our process
	   group; one sent to fakesys alone is passed on. */
	if (si->si_code == SI_KERNEL)
		return;
	kill(tracer_main_pid, sig);
}

static void install(int flags)
{
	struct sigaction sa = { .sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | flags };
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &sa, NULL);
}

void signals_install(void)
{
	install(SA_RESTART);
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigaction(SIGPIPE, &ign, NULL);
}

void signals_cmd_exited(void)
{
	/* From now on a signal interrupts the loop's waitpid (EINTR), so that the loop
	   passes it on at once; the tracer's other calls are on files that never fail
	   with EINTR. */
	install(0);
}

static void kill_process(struct task *t, void *arg)
{
	if (!t->exited)
		kill(t->tgid, *(int *)arg);
}

void signals_pass_on_pending(void)
{
	int sig = pending_end;
	if (!sig)
		return;
	pending_end = 0;
	task_for_each(kill_process, &sig);
}
