#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>
#include "grow.h"
#include "log.h"
#include "memory.h"
#include "stats.h"

#define WORD sizeof(long)

/* How many more /proc/PID/mem fds may stay open: half the fd limit, so that a tree of
   many processes never starves the store of fds. Past it, each read opens its own. */
static long mem_fds_left = -1;

/* An fd to read t's memory; *cached says whether it stays open for the next read. */
static int mem_fd(struct task *t, bool *cached)
{
	*cached = true;
	if (t->mm->mem_fd >= 0)
		return t->mm->mem_fd;
	if (mem_fds_left < 0) {
		struct rlimit rl;
		mem_fds_left = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (long)rl.rlim_cur / 2 : 512;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/mem", (int)t->tid);
	stats_tracer_call();
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	*cached = fd >= 0 && mem_fds_left > 0;
	if (*cached) {
		mem_fds_left--;
		t->mm->mem_fd = fd;
		t->mm->mem_fd_tid = t->tid;
	}
	return fd;
}

void mem_close(struct mm *mm)
{
	if (mm->mem_fd < 0)
		return;
	close(mm->mem_fd);
	mm->mem_fd = -1;
	mem_fds_left++;
}

/* Word-by-word fallback for kernels where /proc/PID/mem cannot be read. */
static size_t peek(pid_t tid, uint64_t addr, char *buf, size_t len, bool stop_at_nul)
{
	size_t done = 0;
	while (done < len) {
		uint64_t aligned = (addr + done) & ~(uint64_t)(WORD - 1);
		size_t skip = (size_t)(addr + done - aligned);
		errno = 0;
		stats_tracer_call();
		long word = ptrace(PTRACE_PEEKDATA, tid, aligned, 0);
		if (errno)
			break;
		size_t n = WORD - skip < len - done ? WORD - skip : len - done;
		memcpy(buf + done, (char *)&word + skip, n);
		done += n;
		if (stop_at_nul && memchr(buf + done - n, '\0', n))
			break;
	}
	return done;
}

/* gVisor has no process_vm_readv (ENOSYS). */
static bool no_vm_readv;

/* Reads up to len bytes; a short count means the rest is unreadable. */
static size_t read_some(struct task *t, uint64_t addr, char *buf, size_t len, bool stop_at_nul)
{
	/* process_vm_readv honours page protections as the kernel's own copy of the path
	   will (a PROT_NONE page faults); /proc/PID/mem and PEEKDATA read it anyway. */
	if (!no_vm_readv) {
		struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
		stats_tracer_call();
		ssize_t n = process_vm_readv(t->tid, &local, 1, &remote, 1, 0);
		if (n >= 0)
			return (size_t)n;
		if (errno == EFAULT)
			return 0;
		no_vm_readv = errno == ENOSYS;
	}
	bool cached;
	int fd = mem_fd(t, &cached);
	if (fd >= 0) {
		stats_tracer_call();
		ssize_t n = pread(fd, buf, len, (off_t)addr);
		if (!cached)
			close(fd);
		if (n > 0)
			return (size_t)n;
		/* Nothing at all means the fd lost its address space (an unmapped first byte
		   is an error): drop it and read word by word this time. */
		if (n == 0 && cached)
			mem_close(t->mm);
	}
	return peek(t->tid, addr, buf, len, stop_at_nul);
}

/* The first read of a path also takes the first word of the scratch area, in the same
   process_vm_readv, so that a redirect that follows at this stop needs no read of its
   own to know the area is still fakesys's (scratch_intact): one tracer call less per
   redirected call. */
static size_t read_path_start(struct task *t, uint64_t addr, char *buf, size_t len)
{
	uint64_t scratch = t->mm->scratch, word;
	if (no_vm_readv || !scratch)
		return read_some(t, addr, buf, len, true);
	struct iovec local[2] = { { buf, len }, { &word, sizeof word } };
	struct iovec remote[2] = { { (void *)(uintptr_t)addr, len }, { (void *)(uintptr_t)scratch, sizeof word } };
	stats_tracer_call();
	ssize_t n = process_vm_readv(t->tid, local, 2, remote, 2, 0);
	if (n < 0)
		return read_some(t, addr, buf, len, true); /* the errors, as a read of the path alone */
	if ((size_t)n == len + sizeof word)
		t->cookie_seen = (struct cookie_seen){ stats.stops, scratch, word };
	return (size_t)n < len ? (size_t)n : len;
}

long mem_read_string(struct task *t, uint64_t addr, char *buf, size_t size)
{
	size_t have = 0;
	while (have < size) {
		/* Stop at page ends: the next page may be unmapped, and one pread that
		   crosses into it would fail as a whole. Most paths need one read. */
		uint64_t at = addr + have;
		size_t to_page_end = 4096 - (size_t)(at & 4095);
		size_t want = size - have < to_page_end ? size - have : to_page_end;
		size_t got = have ? read_some(t, at, buf + have, want, true) : read_path_start(t, at, buf, want);
		char *nul = memchr(buf + have, '\0', got);
		if (nul)
			return nul - buf;
		have += got;
		if (got < want)
			return -1;
	}
	return -1;
}

int mem_read(struct task *t, uint64_t addr, void *buf, size_t len)
{
	return read_some(t, addr, buf, len, false) == len ? 0 : -1;
}

/* Writes whole words. In the scratch area, which belongs to fakesys, the last word is
   zero-padded; elsewhere (keep_tail) the bytes after len keep their value. */
static int poke(pid_t tid, uint64_t addr, const char *s, size_t len, bool keep_tail)
{
	for (size_t off = 0; off < len; off += WORD) {
		size_t n = len - off < WORD ? len - off : WORD;
		long word = 0;
		if (n < WORD && keep_tail) {
			errno = 0;
			stats_tracer_call();
			word = ptrace(PTRACE_PEEKDATA, tid, addr + off, 0);
			if (errno)
				return -1;
		}
		memcpy(&word, s + off, n);
		stats_tracer_call();
		if (ptrace(PTRACE_POKEDATA, tid, addr + off, word) < 0)
			return -1;
	}
	return 0;
}

int mem_write_result(struct task *t, uint64_t addr, const void *buf, size_t len)
{
	return poke(t->tid, addr, buf, len, true);
}

/* The first word of every scratch area: what fakesys finds there says the area is still
   its own. (Derived from the address, so a fork child's copy of an area that moved
   cannot pass for the new one.) */
static uint64_t cookie_of(uint64_t scratch) { return scratch ^ 0x66616b6573797321ULL; }

int scratch_adopt(struct task *t, uint64_t addr)
{
	uint64_t cookie = cookie_of(addr);
	if (poke(t->tid, addr, (const char *)&cookie, sizeof cookie, false) < 0)
		return -1;
	t->mm->scratch = addr;
	t->mm->table_used = SCRATCH_COOKIE_SIZE;
	return 0;
}

bool scratch_intact(struct task *t)
{
	struct mm *mm = t->mm;
	if (!mm->scratch)
		return false;
	uint64_t cookie;
	if (t->cookie_seen.stop == stats.stops && t->cookie_seen.scratch == mm->scratch) {
		if (t->cookie_seen.word == cookie_of(mm->scratch))
			return true;
	} else if (mem_read(t, mm->scratch, &cookie, sizeof cookie) == 0) {
		if (cookie == cookie_of(mm->scratch))
			return true;
	} else if (errno == ESRCH) {
		return true; /* the task is going away; the write that follows fails quietly */
	}
	/* Unmapped, mapped over by the program, or a fork child's copy that predates the
	   mapping: nothing in it is fakesys's any more. Slots stay assigned to their threads;
	   they lie at the same offsets in the next area. */
	mm->scratch = 0;
	mm->nstrings = 0;
	mm->table_used = 0;
	return false;
}

static int place_stable(struct task *t, const char *s, uint64_t *addr)
{
	struct mm *mm = t->mm;
	for (size_t i = 0; i < mm->nstrings; i++) {
		if (mm->strings[i].key == s) {
			*addr = mm->strings[i].addr;
			return 0;
		}
	}
	size_t len = strlen(s) + 1;
	size_t padded = (len + WORD - 1) & ~(WORD - 1);
	if (mm->table_used + padded > SCRATCH_TABLE_SIZE) {
		errno = ENOSPC;
		return -1;
	}
	uint64_t at = mm->scratch + mm->table_used;
	if (poke(t->tid, at, s, len, false) < 0)
		return -1;
	mm->strings = grow_for_one(mm->strings, mm->nstrings, &mm->cap, sizeof *mm->strings, 16);
	/* Entries are only appended and never rewritten, so threads that are still on
	   their way into the kernel with an older entry are never disturbed. */
	mm->strings[mm->nstrings++] = (struct scratch_string){ s, at };
	mm->table_used += padded;
	*addr = at;
	return 0;
}

static int place_in_slot(struct task *t, const char *s, uint64_t *addr)
{
	struct mm *mm = t->mm;
	if (t->slot < 0) {
		for (size_t i = 0; i < SCRATCH_SLOTS; i++) {
			if (!(mm->slot_used[i / 8] & (1u << (i % 8)))) {
				mm->slot_used[i / 8] |= (unsigned char)(1u << (i % 8));
				t->slot = (int)i;
				break;
			}
		}
		if (t->slot < 0) {
			errno = ENOSPC;
			return -1;
		}
	}
	uint64_t at = mm->scratch + SCRATCH_TABLE_SIZE + (uint64_t)t->slot * 4096;
	if (poke(t->tid, at, s, strlen(s) + 1, false) < 0)
		return -1;
	*addr = at;
	return 0;
}

int scratch_place(struct task *t, const char *s, bool stable, uint64_t *addr)
{
	return stable ? place_stable(t, s, addr) : place_in_slot(t, s, addr);
}
