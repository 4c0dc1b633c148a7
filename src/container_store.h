/* The store inside a container. After a pivot_root the store's path is gone from the
   container's root, so every redirect into it would fail. As fakesys emulates runc's
   pivot_root (pivot_chroot.h), it first has the caller bind the store onto
   NEW_ROOT/dev/.fakesys-store (runc's own tmpfs /dev of the container, made for it and
   gone with it), and redirects the calls of tasks whose root holds that bind there.

   Only onto a /dev that is a mount point of its own (runc's tmpfs), never through a
   symbolic link of the image. What this exposes: the container's processes can read and
   write the store's files there directly, that is the fake values (of this node too),
   not the node's real files; the store directory stays 0700 to its owner. A descriptor
   of the store kept in the container would have been simpler, and an escape from its
   root (openat(fd, "..")), as CVE-2024-21626's leaked descriptors were; runc closes
   every descriptor before it execs the container's program anyway. */
#ifndef FAKESYS_CONTAINER_STORE_H
#define FAKESYS_CONTAINER_STORE_H

#include <limits.h>
#include <stdbool.h>
#include "arch.h"
#include "store.h"
#include "tasks.h"

/* Where the bind goes in a new root, as the root's own tasks name it. */
#define CONTAINER_STORE "/dev/.fakesys-store"

/* The place for the bind below new_root (a path as t names it, a mount point), in out:
   false if new_root's /dev is not a mount point of its own. */
bool container_store_place(struct task *t, const char *new_root, char out[PATH_MAX]);
/* The registers of a mkdir of the place (its path at place_addr), then of the bind of
   the store (its path at store_addr) onto it, in place of the call in regs. */
void container_store_mkdir_call(arch_regs *regs, uint64_t place_addr);
void container_store_bind_call(arch_regs *regs, uint64_t store_addr, uint64_t place_addr);
/* target (a path in the store) as t reaches it in its root, in out, where t's root is
   not fakesys's and holds the bind. false: the target is used as it is. */
bool container_store_target(struct task *t, struct store *s, const char *target, char out[PATH_MAX]);

#endif
