/* stress_mix: a steady traced workload for leak checks (tests/longrun.sh, the valgrind
   check in tests/stress.sh). Loops for SECONDS (or ITERATIONS), each iteration:
     - reads /proc/sys/kernel/panic ("10") and kernel/keys/root_maxkeys, stats and
       access()es them
     - writes a new value to kernel/keys/root_maxbytes (O_WRONLY|O_TRUNC, and every
       other time without O_TRUNC) and reads it back: it must be exactly the new value
     - opens ordinary files: /etc/hostname, and a temp file it rewrites
     - forks a child that reads a fake and exits with a known code (waitpid checks it)
     - every 4th: 4 threads each read fakes 8 times; every 8th: fork+exec of self
   Prints "iterations N errors E" and the first errors; exit 0 iff E == 0.
   Refuses to run (exit 2) when not traced: it would write the real kernel files.

   usage: stress_mix [-t SECONDS] [-i ITERATIONS] [-d TMPDIR] [-e EXPECTED]
          (defaults: 10 s, no iteration limit, $TMPDIR or /tmp, "10")
          stress_mix --exit CODE   (internal: read a fake, exit CODE) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PANIC "/proc/sys/kernel/panic"
#define MAXKEYS "/proc/sys/kernel/keys/root_maxkeys"
#define MAXBYTES "/proc/sys/kernel/keys/root_maxbytes"

static char expected[64] = "10\n";
static atomic_long errors;
static char self[4096];

static void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void err(const char *fmt, ...)
{
	if (atomic_fetch_add(&errors, 1) >= 10)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "error: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static ssize_t read_path(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = 0;
	ssize_t r;
	while (n < cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
	return (ssize_t)n;
}

static int fake_ok(void)
{
	char buf[64];
	return read_path(PANIC, buf, sizeof buf) >= 0 && strcmp(buf, expected) == 0 ? 0 : -1;
}

static void check_read(const char *path, const char *want)
{
	char buf[4096];
	if (read_path(path, buf, sizeof buf) < 0)
		err("open %s: %s", path, strerror(errno));
	else if (want && strcmp(buf, want) != 0)
		err("%s reads \"%.60s\", want \"%.60s\"", path, buf, want);
}

static void write_value(const char *path, const char *value, bool trunc)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | (trunc ? O_TRUNC : 0));
	if (fd < 0) {
		err("open %s for writing: %s", path, strerror(errno));
		return;
	}
	ssize_t n = write(fd, value, strlen(value));
	if (n != (ssize_t)strlen(value))
		err("write %s: %s", path, n < 0 ? strerror(errno) : "short");
	if (close(fd) < 0)
		err("close %s: %s", path, strerror(errno));
}

static void *thread_reads(void *arg)
{
	(void)arg;
	for (int i = 0; i < 8; i++) {
		check_read(PANIC, expected);
		check_read(MAXKEYS, NULL);
	}
	return NULL;
}

static void expect_child(pid_t p, int code, const char *what)
{
	int st;
	if (p < 0) {
		err("%s: fork: %s", what, strerror(errno));
		return;
	}
	if (waitpid(p, &st, 0) != p)
		err("%s: waitpid: %s", what, strerror(errno));
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != code)
		err("%s: status 0x%x, want exit %d", what, st, code);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
	if (sl <= 0)
		return 2;
	self[sl] = 0;
	if (getenv("STRESS_EXPECTED"))
		snprintf(expected, sizeof expected, "%s\n", getenv("STRESS_EXPECTED"));
	if (argc == 3 && strcmp(argv[1], "--exit") == 0)
		_exit(fake_ok() == 0 ? atoi(argv[2]) : 99);

	/* It writes sysctls: never let it touch the real kernel files. */
	char status[4096];
	const char *tp = read_path("/proc/self/status", status, sizeof status) > 0 ? strstr(status, "TracerPid:") : NULL;
	if (!tp || atoi(tp + 10) == 0) {
		fprintf(stderr, "stress_mix: not traced; it writes %s, so it runs only under fakesys\n", MAXBYTES);
		return 2;
	}

	double seconds = 10;
	long max_iter = -1;
	const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int c;
	while ((c = getopt(argc, argv, "t:i:d:e:")) != -1) {
		switch (c) {
		case 't': seconds = atof(optarg); break;
		case 'i': max_iter = atol(optarg); break;
		case 'd': tmpdir = optarg; break;
		case 'e':
			snprintf(expected, sizeof expected, "%s\n", optarg);
			setenv("STRESS_EXPECTED", optarg, 1);
			break;
		default:
			fprintf(stderr, "usage: %s [-t SECONDS] [-i ITERATIONS] [-d TMPDIR] [-e EXPECTED]\n", argv[0]);
			return 2;
		}
	}
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s/stress_mix.XXXXXX", tmpdir);
	int tfd = mkstemp(tmp);
	if (tfd < 0) {
		fprintf(stderr, "mkstemp: %s\n", strerror(errno));
		return 2;
	}
	close(tfd);
	char hostname[4096];
	bool have_hostname = read_path("/etc/hostname", hostname, sizeof hostname) >= 0;

	double end = now() + seconds;
	long it;
	for (it = 0; max_iter < 0 || it < max_iter; it++) {
		if (max_iter < 0 && (it & 7) == 0 && now() >= end)
			break;
		char v[64], want[80];
		check_read(PANIC, expected);
		check_read(MAXKEYS, NULL);
		struct stat st;
		if (stat(MAXKEYS, &st) < 0 || !S_ISREG(st.st_mode))
			err("stat %s: %s", MAXKEYS, strerror(errno));
		if (access(PANIC, R_OK) < 0)
			err("access %s: %s", PANIC, strerror(errno));

		/* Alternate long and short values so a write without O_TRUNC must still
		   replace the whole value. */
		snprintf(v, sizeof v, "%ld", (it & 1) ? 7 + it % 10 : 25000000 + it);
		snprintf(want, sizeof want, "%s\n", v);
		write_value(MAXBYTES, v, (it & 2) != 0);
		check_read(MAXBYTES, want);

		if (have_hostname)
			check_read("/etc/hostname", hostname);
		snprintf(v, sizeof v, "iteration %ld\n", it);
		int fd = open(tmp, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd < 0 || write(fd, v, strlen(v)) != (ssize_t)strlen(v))
			err("write %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		check_read(tmp, v);

		pid_t p = fork();
		if (p == 0)
			_exit(fake_ok() == 0 ? (int)(it % 100) : 99);
		expect_child(p, (int)(it % 100), "forked child");

		if ((it & 3) == 0) {
			pthread_t t[4];
			int n = 0;
			for (int i = 0; i < 4; i++)
				if (pthread_create(&t[n], NULL, thread_reads, NULL) == 0)
					n++;
				else
					err("pthread_create failed");
			for (int i = 0; i < n; i++)
				pthread_join(t[i], NULL);
		}
		if ((it & 7) == 0) {
			char code[16];
			snprintf(code, sizeof code, "%d", (int)(it % 50));
			p = fork();
			if (p == 0) {
				execl(self, self, "--exit", code, (char *)NULL);
				_exit(98);
			}
			expect_child(p, (int)(it % 50), "fork+exec child");
		}
	}
	unlink(tmp);
	printf("iterations %ld errors %ld\n", it, (long)errors);
	return errors ? 1 : 0;
}
