/* Tracee memory: reading with one process_vm_readv, or where it is missing (gVisor) one
   pread of /proc/PID/mem (PEEKDATA as the last resort),
   writing only with POKEDATA (the one primitive that works in gVisor), and only
   inside the scratch mapping fakesys injected. */
#ifndef FAKESYS_MEMORY_H
#define FAKESYS_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tasks.h"

/* Reads a NUL-terminated string of at most size-1 bytes. Returns its length, or -1
   (unreadable memory, or no NUL within size). */
/* Closes the address space's cached /proc/PID/mem fd, if any. */
void mem_close(struct mm *mm);
long mem_read_string(struct task *t, uint64_t addr, char *buf, size_t size);
int mem_read(struct task *t, uint64_t addr, void *buf, size_t len);

/* Fills a syscall's output buffer, as the kernel would for the call fakesys answers
   itself (getcwd); the only write outside the scratch area. */
int mem_write_result(struct task *t, uint64_t addr, const void *buf, size_t len);

/* The mmap fakesys injected returned addr: it becomes t's scratch area, marked with a
   cookie. Returns 0, or -1 if the mark cannot be written. */
int scratch_adopt(struct task *t, uint64_t addr);
/* Whether t's address space still holds its scratch area, checked before every use: the
   program may have unmapped it or mapped over it (MAP_FIXED), and a fork child's copy
   may predate it. If it is gone, the record forgets it, so that a new one is injected. */
bool scratch_intact(struct task *t);

/* The tracee address of string s, written into the scratch mapping if needed.
   stable: s is a tracer string that never changes (a store path); it is written once
   per address space. Otherwise it goes into the calling thread's own slot.
   Returns 0, or -1 if it cannot be written (errno ESRCH: the task is going away).
   The mapping must be intact (scratch_intact). */
int scratch_place(struct task *t, const char *s, bool stable, uint64_t *addr);

#endif
