/* sighelper: signal and exit behaviour for fakesys's tests.

   Usage: sighelper MODE [ARG]
     trap          handlers for TERM INT HUP QUIT USR1 USR2 ALRM; prints "ready PID", waits;
                   on signal N prints "got N" and exits 100+N
     wait          default dispositions as inherited; prints "ready PID", waits (up to 60 s)
     ticker N      prints "ready PID", then "tick I" every 20 ms, N times; exits 0
     crash         dereferences NULL (a real SIGSEGV fault)
     abort         abort() (SIGABRT)
     exit N        exit(N)
     die N         restores the default action of signal N, unblocks it and raises it
     newpgrp       takes the terminal (fd 0) for a process group of its own, prints "ready PID",
                   stops itself with SIGTSTP; once continued gives the terminal back to the
                   group it came from, prints "resumed" and exits 0
     dispositions  prints "ign" and the numbers of the signals whose disposition is SIG_IGN,
                   and "blocked" and the numbers of blocked signals */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void handler(int sig)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "got %d\n", sig);
	if (write(1, buf, (size_t)n) < 0)
		_exit(3);
	_exit(100 + sig);
}

static void ready(void)
{
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
}

static void wait_up_to_60s(void)
{
	for (int i = 0; i < 600; i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	printf("timeout: no signal arrived\n");
	exit(3);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "trap")) {
		int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM };
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = handler;
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
			sigaction(sigs[i], &sa, NULL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		ready();
		wait_up_to_60s();
	}
	if (!strcmp(mode, "wait")) {
		ready();
		wait_up_to_60s();
	}
	if (!strcmp(mode, "ticker") && argc > 2) {
		int n = atoi(argv[2]);
		ready();
		for (int i = 1; i <= n; i++) {
			struct timespec ts = { 0, 20 * 1000 * 1000 };
			nanosleep(&ts, NULL);
			printf("tick %d\n", i);
		}
		return 0;
	}
	if (!strcmp(mode, "newpgrp")) {
		pid_t home = getpgrp();
		signal(SIGTTOU, SIG_IGN); /* a background group may then set the terminal's */
		if (setpgid(0, 0) < 0 || tcsetpgrp(0, getpgrp()) < 0) {
			perror("sighelper: newpgrp");
			return 1;
		}
		ready();
		raise(SIGTSTP);
		if (tcsetpgrp(0, home) < 0) {
			perror("sighelper: tcsetpgrp");
			return 1;
		}
		printf("resumed\n");
		return 0;
	}
	if (!strcmp(mode, "crash")) {
		volatile int *p = NULL;
		*p = 1;
		return 0;
	}
	if (!strcmp(mode, "abort"))
		abort();
	if (!strcmp(mode, "exit") && argc > 2)
		return atoi(argv[2]);
	if (!strcmp(mode, "die") && argc > 2) {
		int sig = atoi(argv[2]);
		sigset_t one;
		sigemptyset(&one);
		sigaddset(&one, sig);
		signal(sig, SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &one, NULL);
		raise(sig);
		return 0; /* the signal did not end the process */
	}
	if (!strcmp(mode, "dispositions")) {
		sigset_t blocked;
		sigprocmask(SIG_SETMASK, NULL, &blocked);
		printf("ign");
		for (int s = 1; s < NSIG; s++) {
			struct sigaction sa;
			if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
				printf(" %d", s);
		}
		printf("\nblocked");
		for (int s = 1; s < NSIG; s++)
			if (sigismember(&blocked, s) == 1)
				printf(" %d", s);
		printf("\n");
		return 0;
	}
	fprintf(stderr, "usage: sighelper trap|wait|ticker N|newpgrp|crash|abort|exit N|dispositions\n");
	return 2;
}
