/* Signals to fakesys; see signals.h. */
#include <signal.h>
#include <stddef.h>
#include "signals.h"
#include "tracer_internal.h"

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
                                 SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH };
#define NFORWARDED (sizeof forwarded / sizeof forwarded[0])
static struct sigaction original[NFORWARDED + 1]; /* + SIGPIPE */

static void forward_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/* A signal from the terminal already reached CMD, which shares our process
	   group; one sent to fakesys alone is passed on. */
	if (si->si_code == SI_KERNEL)
		return;
	if (tracer_main_pid > 0)
		kill(tracer_main_pid, sig);
}

void signals_install(void)
{
	struct sigaction sa = { .sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART };
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &sa, &original[i]);
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigaction(SIGPIPE, &ign, &original[NFORWARDED]);
}

void signals_restore(void)
{
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &original[i], NULL);
	sigaction(SIGPIPE, &original[NFORWARDED], NULL);
}
