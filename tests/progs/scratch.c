/* scratch: what a program can do to the scratch area fakesys maps into it.

   Usage: scratch race THREADS     THREADS threads make their first redirected open at
                                   once; prints "areas N": how many 16 MiB of address
                                   space the run added (the one scratch area: 1)
          scratch overmap|unmap    opens kernel/panic, finds the scratch area by the store
                                   path fakesys wrote there, then maps a page of its own
                                   over that place (MAP_FIXED, filled with 0xab), or
                                   unmaps it; then opens kernel/panic_on_oops and
                                   kernel/panic again. Prints "reads PANIC ON_OOPS" and,
                                   for overmap, "page intact" or "page overwritten".
          scratch forkrace N       N processes in turn: in each, a thread forks children
                                   while the main thread makes the process's first
                                   redirected open (its scratch area is being mapped);
                                   every child opens kernel/panic. Prints "bad reads N".
   Everything uses raw syscalls and static buffers: nothing else maps memory. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PANIC "/proc/sys/kernel/panic"
#define ON_OOPS "/proc/sys/kernel/panic_on_oops"
#define AREA (16UL << 20)

static char maps[1 << 20];

static size_t read_maps(void)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	size_t len = 0;
	ssize_t n;
	while (fd >= 0 && len < sizeof maps - 1 && (n = read(fd, maps + len, sizeof maps - 1 - len)) > 0)
		len += (size_t)n;
	if (fd >= 0)
		close(fd);
	maps[len] = '\0';
	return len;
}

/* The address space's size, as the sum of its mappings. */
static unsigned long mapped(void)
{
	read_maps();
	unsigned long total = 0;
	for (char *line = maps; *line;) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2)
			total += hi - lo;
		char *nl = strchr(line, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
	return total;
}

static void read_value(const char *path, char *out, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, out, size - 1);
	if (fd >= 0)
		close(fd);
	if (n < 0)
		snprintf(out, size, "ERR");
	else {
		out[n] = '\0';
		out[strcspn(out, "\n")] = '\0';
	}
}

static pthread_barrier_t start, done;

static void *racer(void *arg)
{
	(void)arg;
	char v[64];
	pthread_barrier_wait(&start);
	read_value(PANIC, v, sizeof v);
	pthread_barrier_wait(&done);
	return NULL;
}

static int race(int n)
{
	pthread_t *th = calloc((size_t)n, sizeof *th);
	pthread_barrier_init(&start, NULL, (unsigned)n + 1);
	pthread_barrier_init(&done, NULL, (unsigned)n + 1);
	for (int i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, racer, NULL) != 0)
			return 1;
	unsigned long before = mapped();
	pthread_barrier_wait(&start);
	pthread_barrier_wait(&done);
	unsigned long after = mapped();
	printf("areas %lu\n", (after - before + AREA / 2) / AREA);
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	return 0;
}

/* Where the string s lies in an anonymous mapping other than the stack, or 0. */
static uintptr_t find_in_anonymous(const char *s)
{
	read_maps();
	for (char *line = maps; *line;) {
		unsigned long lo, hi, off, inode;
		char perms[8], dev[16], name[256] = "";
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (sscanf(line, "%lx-%lx %7s %lx %15s %lu %255s", &lo, &hi, perms, &off, dev, &inode, name) >= 6 &&
		    inode == 0 && name[0] == '\0' && !strncmp(perms, "rw", 2)) {
			size_t span = hi - lo < (1UL << 20) ? hi - lo : (1UL << 20);
			char *hit = memmem((void *)lo, span, s, strlen(s) + 1);
			if (hit)
				return (uintptr_t)hit;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return 0;
}

static int overmap(bool unmap)
{
	char v1[64], v2[64], target[4096];
	int fd = open(PANIC, O_RDONLY);
	char link[64];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof target - 1);
	close(fd);
	if (n < 0)
		return 1;
	target[n] = '\0';
	uintptr_t at = find_in_anonymous(target);
	if (!at) {
		printf("no scratch area holds %s\n", target);
		return 1;
	}
	char *page = (char *)(at & ~(uintptr_t)4095);
	if (unmap) {
		munmap(page, 4096);
	} else {
		if (mmap(page, 4096, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != page)
			return 1;
		memset(page, 0xab, 4096);
	}
	read_value(ON_OOPS, v1, sizeof v1);
	read_value(PANIC, v2, sizeof v2);
	printf("reads %s %s\n", v2, v1);
	if (!unmap) {
		bool intact = true;
		for (int i = 0; i < 4096; i++)
			intact = intact && (unsigned char)page[i] == 0xab;
		printf("page %s\n", intact ? "intact" : "overwritten");
	}
	return 0;
}

static int report[2];
static volatile int forker_started;

static void *forker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			char v[64];
			read_value(PANIC, v, sizeof v);
			if (strcmp(v, "10") != 0 && write(report[1], "x", 1) < 0)
				_exit(2);
			_exit(0);
		}
		forker_started = 1;
	}
	return NULL;
}

static int forkrace(int n)
{
	if (pipe(report) < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			pthread_t th;
			char v[64];
			if (pthread_create(&th, NULL, forker, NULL) != 0)
				_exit(3);
			while (!forker_started)
				;
			read_value(PANIC, v, sizeof v);
			pthread_join(th, NULL);
			while (wait(NULL) > 0)
				;
			_exit(strcmp(v, "10") != 0);
		}
		int status;
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			if (write(report[1], "x", 1) < 0)
				return 1;
	}
	close(report[1]);
	long bad = 0;
	char buf[256];
	ssize_t got;
	while ((got = read(report[0], buf, sizeof buf)) > 0)
		bad += got;
	printf("bad reads %ld\n", bad);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 3 && !strcmp(argv[1], "race"))
		return race(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "forkrace"))
		return forkrace(atoi(argv[2]));
	if (argc == 2 && (!strcmp(argv[1], "overmap") || !strcmp(argv[1], "unmap")))
		return overmap(!strcmp(argv[1], "unmap"));
	fprintf(stderr, "usage: scratch race THREADS | overmap | unmap | forkrace N\n");
	return 2;
}
