/* orphans: children whose parent dies between creating them and the tracer's hearing
   of it (the creator's clone event is never reported).

   Usage: orphans [-w WORKERS] [-t] [-f PATH -e EXPECTED]
   Starts WORKERS (default 100) processes. In each, a thread forks in a loop while the
   main thread calls _exit after a moment, so some children are created by a thread
   that is killed before its fork returns. With -t the thread creates threads instead,
   so some threads are born into a dying group (their first stop is their exit). Each child reads PATH (if given) and reports
   a value other than EXPECTED on a pipe, then exits. The program waits until every
   worker and every child is gone (the pipe's end of file: each child holds its write
   end), prints "orphans WORKERS workers, bad reads N" and exits 0 if N is 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *path, *expected;
static bool threads;
static int report_fd;

static void child(void)
{
	if (path) {
		char buf[256];
		int fd = open(path, O_RDONLY);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
		if (n < 0 || (size_t)n != strlen(expected) || memcmp(buf, expected, (size_t)n) != 0)
			if (write(report_fd, "x", 1) < 0)
				_exit(2);
	}
	_exit(0);
}

static void *idle(void *unused)
{
	(void)unused;
	pause();
	return NULL;
}

static void *forker(void *started)
{
	for (int i = 0; i < 10000; i++) {
		pthread_t th;
		if (threads) {
			if (pthread_create(&th, NULL, idle, NULL) != 0)
				_exit(4);
		} else if (fork() == 0) {
			child();
		}
		if (i == 0)
			__atomic_store_n((int *)started, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void worker(unsigned seed)
{
	static int started;
	pthread_t th;
	if (pthread_create(&th, NULL, forker, &started) != 0)
		_exit(3);
	while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
		sched_yield();
	/* Die while the thread is in the middle of a fork. */
	struct timespec ts = { 0, (long)(seed % 2000) * 1000 };
	nanosleep(&ts, NULL);
	_exit(0);
}

int main(int argc, char **argv)
{
	int workers = 100, opt;
	while ((opt = getopt(argc, argv, "w:tf:e:")) != -1) {
		switch (opt) {
		case 'w': workers = atoi(optarg); break;
		case 't': threads = true; break;
		case 'f': path = optarg; break;
		case 'e': expected = optarg; break;
		default:
			fprintf(stderr, "usage: orphans [-w WORKERS] [-t] [-f PATH -e EXPECTED]\n");
			return 2;
		}
	}
	if (path && !expected) {
		fprintf(stderr, "orphans: -f needs -e\n");
		return 2;
	}
	int p[2];
	if (pipe(p) < 0) {
		perror("pipe");
		return 1;
	}
	report_fd = p[1];
	srand((unsigned)time(NULL));
	for (int i = 0; i < workers; i++) {
		unsigned seed = (unsigned)rand();
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			close(p[0]);
			worker(seed);
		}
	}
	for (int i = 0; i < workers; i++)
		while (wait(NULL) < 0 && errno == EINTR)
			;
	close(p[1]);
	long bad = 0;
	char buf[512];
	ssize_t n;
	while ((n = read(p[0], buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		bad += n;
	}
	printf("orphans %d workers, bad reads %ld\n", workers, bad);
	return bad != 0;
}
