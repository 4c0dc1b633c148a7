/* Which provider serves a rule, and what every fake shares; see provider.h. */
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include "provider.h"

extern const struct provider provider_value, provider_real_first, provider_generated, provider_cgroup;

const struct provider *provider_of(const struct rule *r)
{
	if (r->kind == RULE_TREE)
		return &provider_cgroup;
	if (r->generator)
		return &provider_generated;
	return r->policy == POLICY_REAL_FIRST ? &provider_real_first : &provider_value;
}

int providers_setup(struct store *s, const struct ruleset *rs, char *err, size_t errlen)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct provider *p = provider_of(&rs->rules[i]);
		if (p->setup && p->setup(s, &rs->rules[i], err, errlen) < 0)
			return -1;
	}
	return 0;
}

int readonly_open_write(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	unsigned real, effective = 1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "Uid: %u %u", &real, &effective) == 2)
			break;
	if (f)
		fclose(f);
	return effective == 0 ? 0 : -EACCES;
}

static bool below(const char *path, const char *top)
{
	size_t n = strlen(top);
	return !strncmp(path, top, n) && (path[n] == '/' || path[n] == '\0');
}

void provider_statfs(const struct match *m, const char *path, struct statfs *sf)
{
	/* What the kernel's procfs, sysfs, cgroupfs and tmpfs report: no blocks, no files,
	   4096-byte blocks, names up to 255 bytes. */
	memset(sf, 0, sizeof *sf);
	sf->f_bsize = 4096;
	sf->f_frsize = 4096;
	sf->f_namelen = 255;
	sf->f_flags = ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_RELATIME;
	if (m->kind == MATCH_TREE)
		sf->f_type = strcmp(path, m->rule->path) ? CGROUP_SUPER_MAGIC : TMPFS_MAGIC;
	else if (below(path, "/proc"))
		sf->f_type = PROC_SUPER_MAGIC;
	else if (below(path, "/sys"))
		sf->f_type = SYSFS_MAGIC;
	else
		sf->f_type = TMPFS_MAGIC;
}
