/* What the cgroup provider tells the generated files about its tree: the mounts that
   mountinfo shows and the membership /proc/PID/cgroup lists. */
#ifndef FAKESYS_PROVIDER_CGROUP_H
#define FAKESYS_PROVIDER_CGROUP_H

#include <stddef.h>
#include <sys/types.h>
#include "rules.h"

/* The mountinfo lines of tree (a RULE_TREE rule): the tmpfs at its path and one cgroup
   mount per controller below it, as children of mount parent_id. Appends to out (a
   NUL-terminated string in a buffer of outlen bytes); mounts: as /proc/mounts shows them. */
void cgroup_mount_lines(const struct rule *tree, int parent_id, char *out, size_t outlen, bool mounts);
/* /proc/PID/cgroup of pid: "ID:CONTROLLER:PATH" per hierarchy, highest id first. */
void cgroup_proc_lines(pid_t pid, char *out, size_t outlen);

#endif
