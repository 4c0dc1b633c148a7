/* concur: 16 threads write and read the same kernel keys for ROUNDS rounds.
   Writers alternate between two values, sometimes with O_TRUNC and sometimes without;
   readers open/read/close and require exactly one of the two values (an optional
   trailing newline allowed): never empty, never partial, never a mix.
   Afterwards, sequential checks of the kernel rule "each write replaces the value":
   "1" written without O_TRUNC over "1000000" must read back as "1".

   Build: cc -static -O2 -pthread. Usage: concur [ROUNDS]   (default 2000)
   Prints "bad reads: N" and "sequential failures: N"; exit 0 only if both are 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "read_value.h"

#define NTHREADS 16

struct key {
	const char *path;
	const char *v[2];
};

static const struct key keys[] = {
	{ "/proc/sys/kernel/keys/root_maxkeys", { "1", "1000000" } },
	{ "/proc/sys/kernel/keys/root_maxbytes", { "7", "25000000" } },
};
#define NKEYS (sizeof keys / sizeof keys[0])

static int rounds = 2000;
static atomic_int bad_reads, open_errors, write_errors, good_reads;
static atomic_int reported;

static int is_valid(const struct key *k, const char *buf, ssize_t n)
{
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	for (int i = 0; i < 2; i++)
		if ((size_t)n == strlen(k->v[i]) && memcmp(buf, k->v[i], (size_t)n) == 0)
			return 1;
	return 0;
}

static int write_value(const char *path, const char *v, int trunc, int newline)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | (trunc ? O_TRUNC : 0));
	if (fd < 0)
		return -errno;
	char buf[64];
	int len = snprintf(buf, sizeof buf, "%s%s", v, newline ? "\n" : "");
	ssize_t n = write(fd, buf, (size_t)len);
	int e = errno;
	if (close(fd) != 0 && n == len)
		return -errno;
	if (n != len)
		return n < 0 ? -e : -EIO;
	return 0;
}


static void *worker(void *arg)
{
	int id = (int)(long)arg;
	char buf[128];
	for (int r = 0; r < rounds; r++) {
		const struct key *k = &keys[(r + id) % NKEYS];
		if (id % 2 == 0) {
			/* writer: alternate values; rounds 0,1 mod 4 with O_TRUNC, 2,3 without */
			int trunc = (r % 4) < 2;
			int e = write_value(k->path, k->v[r % 2], trunc, (r % 3) == 0);
			if (e < 0) {
				atomic_fetch_add(&write_errors, 1);
				if (atomic_fetch_add(&reported, 1) < 5)
					fprintf(stderr, "concur: write %s: %s\n", k->path, strerror(-e));
			}
		} else {
			ssize_t n = read_value(k->path, buf, sizeof buf);
			if (n < 0) {
				atomic_fetch_add(&open_errors, 1);
				if (atomic_fetch_add(&reported, 1) < 5)
					fprintf(stderr, "concur: read %s: %s\n", k->path, strerror((int)-n));
			} else if (!is_valid(k, buf, n)) {
				atomic_fetch_add(&bad_reads, 1);
				if (atomic_fetch_add(&reported, 1) < 5)
					fprintf(stderr, "concur: bad read of %s: \"%s\" (%zd bytes)\n", k->path, buf, n);
			} else {
				atomic_fetch_add(&good_reads, 1);
			}
		}
	}
	return NULL;
}

static int expect(const char *path, const char *want, const char *what)
{
	char buf[128];
	ssize_t n = read_value(path, buf, sizeof buf);
	if (n < 0) {
		fprintf(stderr, "concur: %s: read %s: %s\n", what, path, strerror((int)-n));
		return 1;
	}
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	if (strcmp(buf, want) != 0) {
		fprintf(stderr, "concur: %s: %s reads \"%s\", want \"%s\"\n", what, path, buf, want);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		rounds = atoi(argv[1]);
	if (rounds <= 0)
		rounds = 1;

	pthread_t t[NTHREADS];
	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i) != 0) {
			perror("pthread_create");
			return 2;
		}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);

	int seq = 0;
	const char *p = keys[0].path;
	/* Each write replaces the value, with or without O_TRUNC. */
	seq += write_value(p, "1000000", 1, 1) != 0;
	seq += expect(p, "1000000", "after O_TRUNC write of 1000000");
	seq += write_value(p, "1", 0, 0) != 0;
	seq += expect(p, "1", "after write of 1 without O_TRUNC over 1000000");
	seq += write_value(p, "1000000", 0, 1) != 0;
	seq += expect(p, "1000000", "after write of 1000000 without O_TRUNC");
	seq += write_value(p, "1", 1, 1) != 0;
	seq += expect(p, "1", "after O_TRUNC write of 1");
	/* Leave the default value behind. */
	seq += write_value(p, "1000000", 1, 1) != 0;
	seq += write_value(keys[1].path, "25000000", 1, 1) != 0;

	printf("good reads: %d\n", atomic_load(&good_reads));
	printf("bad reads: %d\n", atomic_load(&bad_reads));
	printf("read errors: %d\n", atomic_load(&open_errors));
	printf("write errors: %d\n", atomic_load(&write_errors));
	printf("sequential failures: %d\n", seq);
	int bad = atomic_load(&bad_reads) + atomic_load(&open_errors) + atomic_load(&write_errors) + seq;
	if (atomic_load(&good_reads) == 0) {
		fprintf(stderr, "concur: no good read at all\n");
		bad++;
	}
	return bad ? 1 : 0;
}
