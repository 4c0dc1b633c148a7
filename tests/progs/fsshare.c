/* fsshare: relative paths of tasks whose cwd is, or is not, shared, as the kernel shares it
   (the fs_struct: CLONE_FS shares it, unshare(CLONE_FS) gives the caller its own copy).

   Usage: fsshare MODE DIR NAME VALUE
     unshare    a thread calls unshare(CLONE_FS), then chdir(DIR)
     noclonefs  a thread created by clone() without CLONE_FS calls chdir(DIR)
     clonefs    a child process created by clone(CLONE_FS) calls chdir(DIR): the parent
                moves with it
   In the first two modes the main thread ("stayer") then creates NAME in its own cwd, so
   that a tracer caches that cwd, and the thread ("mover") writes VALUE to NAME relative to
   DIR and reads it back. In clonefs the parent looked up NAME in its cwd before the child
   moved it, and is the mover. Prints "mover read: ..." (and "stayer read: ...") and exits
   0, or prints "ERR step: errno name" and exits 1. Only relative paths are used. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *dir, *name, *value;
static atomic_int step;            /* 1: mover moved, 2: stayer looked, 3: mover done */
static char mover_read[256];
static const char *mover_error;    /* the step that failed in the mover */
static int mover_errno;

static void wait_step(int s)
{
	while (atomic_load(&step) < s)
		usleep(1000);
}

/* Writes value to name in the cwd, then reads it back into mover_read. */
static const char *write_and_read(void)
{
	int fd = open(name, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return "open for writing";
	ssize_t len = (ssize_t)strlen(value);
	if (write(fd, value, (size_t)len) != len)
		return "write";
	close(fd);
	if ((fd = open(name, O_RDONLY)) < 0)
		return "open for reading";
	ssize_t n = read(fd, mover_read, sizeof mover_read - 1);
	close(fd);
	if (n < 0)
		return "read";
	mover_read[n] = '\0';
	mover_read[strcspn(mover_read, "\n")] = '\0';
	return NULL;
}

/* The mover; without CLONE_SETTLS it shares the main thread's TLS, so it only makes plain
   system calls (errno is copied out at once). */
static int mover(void *unshare_first)
{
	if (unshare_first && unshare(CLONE_FS) < 0)
		mover_error = "unshare";
	else if (chdir(dir) < 0)
		mover_error = "chdir";
	mover_errno = errno;
	atomic_store(&step, 1);
	wait_step(2);
	if (!mover_error && (mover_error = write_and_read()))
		mover_errno = errno;
	atomic_store(&step, 3);
	return 0;
}

static void *mover_thread(void *arg)
{
	mover(arg);
	return NULL;
}

static int fail(const char *what, int err)
{
	printf("ERR %s: %s\n", what, strerrorname_np(err) ? strerrorname_np(err) : "?");
	return 1;
}

static int child_chdir(void *arg)
{
	(void)arg;
	return chdir(dir) < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: fsshare unshare|noclonefs|clonefs DIR NAME VALUE\n");
		return 2;
	}
	const char *mode = argv[1];
	dir = argv[2], name = argv[3], value = argv[4];
	size_t stack_size = 1 << 16;
	char *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return fail("mmap", errno);

	if (!strcmp(mode, "clonefs")) {
		if (access(name, F_OK) < 0 && errno != ENOENT)
			return fail("access", errno);
		pid_t pid = clone(child_chdir, stack + stack_size, CLONE_FS | SIGCHLD, NULL);
		int status;
		if (pid < 0)
			return fail("clone", errno);
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			return fail("child chdir", ECHILD);
		const char *err = write_and_read();
		if (err)
			return fail(err, errno);
		printf("mover read: %s\n", mover_read);
		return 0;
	}

	pthread_t th;
	if (!strcmp(mode, "unshare")) {
		if ((errno = pthread_create(&th, NULL, mover_thread, "unshare")))
			return fail("pthread_create", errno);
	} else if (!strcmp(mode, "noclonefs")) {
		int flags = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_FILES;
		if (clone(mover, stack + stack_size, flags, NULL) < 0)
			return fail("clone", errno);
	} else {
		fprintf(stderr, "fsshare: unknown mode %s\n", mode);
		return 2;
	}
	wait_step(1);
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "stayer\n", 7) != 7)
		return fail("stayer create", errno);
	close(fd);
	atomic_store(&step, 2);
	wait_step(3);
	if (mover_error)
		return fail(mover_error, mover_errno);
	char buf[256];
	ssize_t n;
	if ((fd = open(name, O_RDONLY)) < 0 || (n = read(fd, buf, sizeof buf - 1)) < 0)
		return fail("stayer read", errno);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("mover read: %s\nstayer read: %s\n", mover_read, buf);
	return 0;
}
