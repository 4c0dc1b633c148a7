/* scale_tree: a tree of PROCS processes of THREADS threads each, all alive at once,
   where every thread makes OPENS rounds of intercepted opens; for fakesys's scale check
   (tracer memory and the cost of a stop must not grow with the number of tasks).

   usage: scale_tree [-p PROCS] [-t THREADS] [-m OPENS] [-c AT_ONCE] [-e EXPECTED] [-f FAKE] -d TMPDIR
     defaults: 200 processes, 6 threads each (the main thread included), 20 rounds,
     FAKE /proc/sys/kernel/panic, EXPECTED "10", every process at once
     -c AT_ONCE  at most AT_ONCE processes alive at a time, each started when one ends:
                 the same tasks and calls as the whole tree, with few tasks at a time

   Each round of a thread: open+read+close FAKE (it must read EXPECTED and a newline),
   then open+read+close a file that main wrote in TMPDIR (it must read what main wrote).
   Without -c, no thread starts its rounds before every task of the tree exists, and
   none ends before every thread of its own process is done, so the tree is whole while
   it works.
   Prints "procs P threads T opens N failed F" (T counts every thread, N every open, F
   the processes that read something wrong or did not exit 0); exits 0 iff F == 0.
   Build: cc -static -O2 -pthread */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int nprocs = 200, nthreads = 6, nrounds = 20, at_once;
static const char *fake = "/proc/sys/kernel/panic";
static char expected[64];
static char plain_path[4096];
static const char plain_content[] = "scale_tree plain file\n";
static int go_pipe[2];
static pthread_barrier_t started, finished;
static int process_errors; /* guarded by error_lock */
static pthread_mutex_t error_lock = PTHREAD_MUTEX_INITIALIZER;

static void count_error(const char *what, const char *detail)
{
	pthread_mutex_lock(&error_lock);
	if (process_errors++ < 3)
		fprintf(stderr, "scale_tree: pid %d: %s: %s\n", getpid(), what, detail);
	pthread_mutex_unlock(&error_lock);
}

/* Opens path, reads it whole and compares it with want. */
static void open_and_check(const char *path, const char *want)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		count_error(path, strerror(errno));
		return;
	}
	char buf[256];
	size_t n = 0;
	ssize_t r;
	while (n < sizeof buf - 1 && ((r = read(fd, buf + n, sizeof buf - 1 - n)) > 0 || (r < 0 && errno == EINTR)))
		if (r > 0)
			n += (size_t)r;
	buf[n] = 0;
	close(fd);
	if (strcmp(buf, want) != 0) {
		char detail[600];
		snprintf(detail, sizeof detail, "read \"%.*s\", want \"%.*s\"", (int)strcspn(buf, "\n"), buf,
		         (int)strcspn(want, "\n"), want);
		count_error(path, detail);
	}
}

static void *work(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&started);
	for (int i = 0; i < nrounds; i++) {
		open_and_check(fake, expected);
		open_and_check(plain_path, plain_content);
	}
	pthread_barrier_wait(&finished);
	return NULL;
}

/* One process of the tree: its threads start together once the parent says go (with
   -c, at once). */
static int process_main(int ready_fd)
{
	pthread_barrier_init(&started, NULL, (unsigned)nthreads);
	pthread_barrier_init(&finished, NULL, (unsigned)nthreads);
	pthread_t *tids = calloc((size_t)nthreads, sizeof *tids);
	if (!tids)
		return 2;
	for (int i = 1; i < nthreads; i++) {
		int e = pthread_create(&tids[i], NULL, work, NULL);
		if (e) {
			fprintf(stderr, "scale_tree: pthread_create: %s\n", strerror(e));
			return 2;
		}
	}
	if (!at_once) {
		/* Every thread of this process exists: tell the parent, then wait for the tree. */
		if (write(ready_fd, "r", 1) != 1)
			return 2;
		close(ready_fd);
		char c;
		while (read(go_pipe[0], &c, 1) < 0 && errno == EINTR)
			;
	}
	work(NULL);
	for (int i = 1; i < nthreads; i++)
		pthread_join(tids[i], NULL);
	return process_errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *want = "10";
	int opt;
	while ((opt = getopt(argc, argv, "p:t:m:c:e:f:d:")) != -1) {
		switch (opt) {
		case 'c': at_once = atoi(optarg); break;
		case 'p': nprocs = atoi(optarg); break;
		case 't': nthreads = atoi(optarg); break;
		case 'm': nrounds = atoi(optarg); break;
		case 'e': want = optarg; break;
		case 'f': fake = optarg; break;
		case 'd': dir = optarg; break;
		default:
			fprintf(stderr, "usage: scale_tree [-p PROCS] [-t THREADS] [-m OPENS] [-c AT_ONCE] [-e EXPECTED] [-f FAKE] -d TMPDIR\n");
			return 2;
		}
	}
	if (!dir || nprocs < 1 || nthreads < 1 || nrounds < 0 || at_once < 0) {
		fprintf(stderr, "scale_tree: -d TMPDIR is needed, and sizes must be positive\n");
		return 2;
	}
	snprintf(expected, sizeof expected, "%s\n", want);
	snprintf(plain_path, sizeof plain_path, "%s/scale_tree.%d", dir, getpid());
	int fd = open(plain_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, plain_content, strlen(plain_content)) != (ssize_t)strlen(plain_content) || close(fd) < 0) {
		fprintf(stderr, "scale_tree: %s: %s\n", plain_path, strerror(errno));
		return 2;
	}
	int ready[2];
	if (pipe(go_pipe) < 0 || pipe(ready) < 0) {
		perror("scale_tree: pipe");
		return 2;
	}
	/* Whole tree: every process is forked, then told to go once all are ready. With -c:
	   a new process whenever one of the AT_ONCE alive ends. */
	int limit = at_once ? at_once : nprocs;
	int started = 0, alive = 0, failed = 0, nready = 0;
	while (started < nprocs || alive) {
		if (started < nprocs && alive < limit) {
			pid_t pid = fork();
			if (pid < 0) {
				perror("scale_tree: fork");
				return 2;
			}
			if (pid == 0) {
				close(go_pipe[1]);
				close(ready[0]);
				_exit(process_main(ready[1]));
			}
			started++;
			alive++;
			if (at_once || started < nprocs)
				continue;
			close(ready[1]);
			close(go_pipe[0]);
			/* The tree is whole when every process has said ready (a process that died
			   says nothing: EOF ends the wait early, and its status tells). */
			char c;
			ssize_t r;
			while (nready < nprocs && ((r = read(ready[0], &c, 1)) > 0 || (r < 0 && errno == EINTR)))
				if (r > 0)
					nready++;
			close(go_pipe[1]); /* go */
			continue;
		}
		int st;
		if (wait(&st) < 0) {
			if (errno == EINTR)
				continue;
			perror("scale_tree: wait");
			return 2;
		}
		alive--;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
	}
	unlink(plain_path);
	long opens = (long)nprocs * nthreads * nrounds * 2;
	printf("procs %d threads %d opens %ld failed %d\n", nprocs, nprocs * nthreads, opens, failed);
	return failed || (!at_once && nready < nprocs) ? 1 : 0;
}
