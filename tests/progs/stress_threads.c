/* stress_threads: N threads each do M opens, mixing fakes and ordinary files, all at
   once; every open must succeed and read the right content.

   usage: stress_threads [-t THREADS] [-m OPENS] [-e EXPECTED] [-d TMPDIR]
     defaults: 1000 threads, 1000 opens each, EXPECTED "10" (/proc/sys/kernel/panic)

   Each thread cycles through:
     0  open("/proc/sys/kernel/panic")                 -> EXPECTED "\n"
     1  openat(fd of /proc/sys/kernel, "panic")         -> EXPECTED "\n"
     2  openat(AT_FDCWD, "/etc/hostname")               -> what main read before the threads
     3  open(a temp file written by main)               -> its known content
     4  openat(AT_FDCWD, "/proc/sys/kernel/keys/root_maxkeys") + fstat: a regular file
     5  fopen("/proc/sys/vm/overcommit_memory")          -> a number
   Prints "threads N opens T faked F errors E" and the first errors; exits 0 iff E == 0.
   Build: cc -static -O2 -pthread */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int nthreads = 1000, nopens = 1000;
static char expected[64] = "10\n";
static char hostname[4096];
static ssize_t hostname_len = -1;
static int hostname_errno;
static char tmpfile_path[4096];
static char tmp_content[128];
static int kernel_dirfd = -1;
static pthread_barrier_t start;

static atomic_long total_opens, faked_opens, errors;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static int reported;

static void report(int thread, int i, const char *what, const char *detail)
{
	atomic_fetch_add(&errors, 1);
	pthread_mutex_lock(&report_lock);
	if (reported++ < 10)
		fprintf(stderr, "error: thread %d open %d %s: %s\n", thread, i, what, detail);
	pthread_mutex_unlock(&report_lock);
}

/* Reads the whole of fd (at most cap-1 bytes) and closes it. */
static ssize_t slurp(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0 || n + (size_t)r >= cap - 1) {
			n += (size_t)r;
			break;
		}
		n += (size_t)r;
	}
	buf[n] = 0;
	close(fd);
	return (ssize_t)n;
}

static void check_content(int thread, int i, const char *what, int fd, const char *want, ssize_t want_len)
{
	char buf[4096], detail[4200];
	atomic_fetch_add(&total_opens, 1);
	if (fd < 0) {
		snprintf(detail, sizeof detail, "open failed: %s", strerror(errno));
		report(thread, i, what, detail);
		return;
	}
	ssize_t n = slurp(fd, buf, sizeof buf);
	if (n < 0) {
		snprintf(detail, sizeof detail, "read failed: %s", strerror(errno));
		report(thread, i, what, detail);
	} else if (n != want_len || memcmp(buf, want, (size_t)n) != 0) {
		snprintf(detail, sizeof detail, "read \"%.100s\" (%zd bytes), want \"%.100s\"", buf, n, want);
		report(thread, i, what, detail);
	}
}

static void *worker(void *arg)
{
	int id = (int)(long)arg;
	pthread_barrier_wait(&start);
	size_t elen = strlen(expected), tlen = strlen(tmp_content);
	for (int i = 0; i < nopens; i++) {
		switch ((i + id) % 6) {
		case 0:
			atomic_fetch_add(&faked_opens, 1);
			check_content(id, i, "open /proc/sys/kernel/panic", open("/proc/sys/kernel/panic", O_RDONLY | O_CLOEXEC),
			              expected, (ssize_t)elen);
			break;
		case 1:
			atomic_fetch_add(&faked_opens, 1);
			check_content(id, i, "openat(/proc/sys/kernel fd, panic)",
			              openat(kernel_dirfd, "panic", O_RDONLY | O_CLOEXEC), expected, (ssize_t)elen);
			break;
		case 2: {
			int fd = openat(AT_FDCWD, "/etc/hostname", O_RDONLY | O_CLOEXEC);
			if (hostname_len < 0) { /* it does not exist here: it must keep not existing */
				atomic_fetch_add(&total_opens, 1);
				if (fd >= 0 || errno != hostname_errno) {
					report(id, i, "open /etc/hostname", "result differs from the one main saw");
					if (fd >= 0)
						close(fd);
				}
			} else {
				check_content(id, i, "open /etc/hostname", fd, hostname, hostname_len);
			}
			break;
		}
		case 3:
			check_content(id, i, "open temp file", open(tmpfile_path, O_RDONLY | O_CLOEXEC), tmp_content,
			              (ssize_t)tlen);
			break;
		case 4: {
			atomic_fetch_add(&faked_opens, 1);
			atomic_fetch_add(&total_opens, 1);
			int fd = openat(AT_FDCWD, "/proc/sys/kernel/keys/root_maxkeys", O_RDONLY | O_CLOEXEC);
			struct stat st;
			char buf[64];
			if (fd < 0) {
				report(id, i, "openat root_maxkeys", strerror(errno));
			} else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
				report(id, i, "fstat root_maxkeys", "not a regular file");
				close(fd);
			} else if (slurp(fd, buf, sizeof buf) <= 1 || buf[strlen(buf) - 1] != '\n') {
				report(id, i, "read root_maxkeys", "empty or no newline");
			}
			break;
		}
		case 5: {
			atomic_fetch_add(&faked_opens, 1);
			atomic_fetch_add(&total_opens, 1);
			FILE *f = fopen("/proc/sys/vm/overcommit_memory", "re");
			int v;
			if (!f) {
				report(id, i, "fopen overcommit_memory", strerror(errno));
			} else {
				if (fscanf(f, "%d", &v) != 1 || v < 0 || v > 2)
					report(id, i, "fscanf overcommit_memory", "not 0, 1 or 2");
				fclose(f);
			}
			break;
		}
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int c;
	while ((c = getopt(argc, argv, "t:m:e:d:")) != -1) {
		switch (c) {
		case 't': nthreads = atoi(optarg); break;
		case 'm': nopens = atoi(optarg); break;
		case 'e': snprintf(expected, sizeof expected, "%s\n", optarg); break;
		case 'd': tmpdir = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-t THREADS] [-m OPENS] [-e EXPECTED] [-d TMPDIR]\n", argv[0]);
			return 2;
		}
	}
	if (nthreads < 1 || nopens < 1)
		return 2;

	int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		hostname_len = slurp(fd, hostname, sizeof hostname);
	else
		hostname_errno = errno;

	snprintf(tmpfile_path, sizeof tmpfile_path, "%s/stress_threads.XXXXXX", tmpdir);
	fd = mkstemp(tmpfile_path);
	if (fd < 0) {
		fprintf(stderr, "mkstemp in %s: %s\n", tmpdir, strerror(errno));
		return 2;
	}
	snprintf(tmp_content, sizeof tmp_content, "stress-threads %d\n", (int)getpid());
	if (write(fd, tmp_content, strlen(tmp_content)) != (ssize_t)strlen(tmp_content)) {
		perror("write");
		return 2;
	}
	close(fd);

	kernel_dirfd = open("/proc/sys/kernel", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (kernel_dirfd < 0) {
		fprintf(stderr, "open /proc/sys/kernel: %s\n", strerror(errno));
		unlink(tmpfile_path);
		return 1;
	}

	pthread_t *tids = calloc((size_t)nthreads, sizeof *tids);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 128 * 1024);
	pthread_barrier_init(&start, NULL, (unsigned)nthreads + 1);
	int started = 0;
	for (int i = 0; i < nthreads; i++) {
		int e = pthread_create(&tids[i], &attr, worker, (void *)(long)i);
		if (e) {
			fprintf(stderr, "pthread_create %d: %s\n", i, strerror(e));
			/* The barrier counts every thread: cannot go on without them all. */
			unlink(tmpfile_path);
			_exit(1);
		}
		started++;
	}
	pthread_barrier_wait(&start);
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	unlink(tmpfile_path);
	long want_total = (long)nthreads * nopens;
	printf("threads %d opens %ld faked %ld errors %ld\n", started, (long)total_opens, (long)faked_opens,
	       (long)errors);
	if (total_opens != want_total) {
		printf("opens %ld, want %ld\n", (long)total_opens, want_total);
		return 1;
	}
	return errors ? 1 : 0;
}
