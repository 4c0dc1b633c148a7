/* threadexec: execve from a thread that is not the thread-group leader.
   The kernel makes the exec'ing thread the new leader (it takes over the leader's pid).
   A tracer must keep following the process and keep redirecting its path syscalls.

   Build: cc -static -O2 -pthread. Usage: threadexec PROGRAM ARGS...
   A second thread runs execv(PROGRAM, ARGS) while the main thread sleeps. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static char **args;

static void *run(void *arg)
{
	(void)arg;
	execv(args[0], args);
	perror("threadexec: execv");
	_exit(127);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: threadexec PROGRAM ARGS...\n");
		return 2;
	}
	args = argv + 1;
	pthread_t t;
	if (pthread_create(&t, NULL, run, NULL) != 0) {
		perror("pthread_create");
		return 2;
	}
	for (;;)
		pause();
}
