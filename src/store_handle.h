/* A handle on the store inside a container. After a pivot_root the store's path is gone
   from the tracee's root, so every redirect into it would fail. Before the root moves,
   fakesys opens the store directory in the tracee (an injected openat, O_PATH), and
   redirects that tracee's calls through /proc/self/fd/N/... from then on. The fd is
   kept across exec (runc marks every fd close-on-exec before it execs the container's
   program), so the container's processes reach the fakes too.

   What this exposes: an O_PATH directory fd outside the container's root, from which
   openat(fd, "..") climbs out of the root; the store itself stays 0700 to its owner.
   It exists only where fakesys emulates pivot_root with chroot (pivot_chroot.h), whose
   root CAP_SYS_CHROOT can leave anyway: gVisor, where the sandbox is the boundary. */
#ifndef FAKESYS_STORE_HANDLE_H
#define FAKESYS_STORE_HANDLE_H

#include <limits.h>
#include <stdbool.h>
#include "arch.h"
#include "store.h"
#include "tasks.h"

/* The handle t's calls can use: its fd, or -1 if it has none or the fd no longer names
   the store (the program closed it or put another file there). One tracer call. */
int store_handle_fd(struct task *t, const struct store *s);
/* The registers of an openat of the store directory, whose path is at path_addr in the
   tracee, in place of the call in regs. */
void store_handle_open_call(arch_regs *regs, uint64_t path_addr);
/* At the exit stop of that openat: result is the fd, or -errno. */
void store_handle_opened(struct task *t, long result);
/* Whether t's handle is close-on-exec (it would be gone after the exec t is entering);
   then regs become an fcntl that clears the flag. */
bool store_handle_keep_call(struct task *t, const struct store *s, arch_regs *regs);
/* target (a path in the store) as t reaches it through its handle, in out. false: t has
   no handle, or target is not in the store; target is then used as it is. */
bool store_handle_target(struct task *t, const struct store *s, const char *target, char out[PATH_MAX]);

#endif
