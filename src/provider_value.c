/* The value provider: a fake file whose value lives in the store. A write(2) at offset 0
   replaces the whole value, as procfs does; a sysctl value reads back the way the kernel
   prints it (surrounding blanks dropped, one "\n"). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "provider.h"

int value_write(struct store *s, const struct fake *f, const char *data, size_t len, long long off)
{
	const struct rule *r = f->rule;
	if (off != 0)
		return 0; /* sysctl_writes_strict: ignored, yet reported written */
	if (len > STORE_VALUE_MAX)
		len = STORE_VALUE_MAX;
	if (r->sysctl) {
		while (len && isspace((unsigned char)*data))
			data++, len--;
		while (len && isspace((unsigned char)data[len - 1]))
			len--;
		/* An all-blank write leaves a sysctl unchanged (the kernel parses nothing). */
		if (!len)
			return 0;
		char *line = malloc(len + 1);
		if (!line)
			die_oom();
		memcpy(line, data, len);
		line[len] = '\n';
		int rc = store_replace_value(s, r, line, len + 1);
		free(line);
		return rc;
	}
	return store_replace_value(s, r, data, len);
}

/* The filesystem a fake pretends to be on: the real /proc or /sys, whose device and
   owner stat reports, measured once per top-level directory. */
static const struct stat *real_fs(const char *path)
{
	static struct { const char *top; struct stat st; int state; } fs[] = {{"/proc", {0}, 0}, {"/sys", {0}, 0}};
	for (size_t i = 0; i < sizeof fs / sizeof *fs; i++) {
		size_t n = strlen(fs[i].top);
		if (strncmp(path, fs[i].top, n) || path[n] != '/')
			continue;
		if (!fs[i].state)
			fs[i].state = stat(fs[i].top, &fs[i].st) == 0 ? 1 : -1;
		return fs[i].state > 0 ? &fs[i].st : NULL;
	}
	return NULL;
}

/* procfs and sysfs files report size 0 (their content is made at read time) and mode
   0644 for a key that takes writes, as every fake does. Inode and times are the store
   file's, so a write shows as a new mtime. */
void procfs_file_stat(const char *path, struct stat *st)
{
	const struct stat *fs = real_fs(path);
	st->st_mode = S_IFREG | 0644;
	st->st_nlink = 1;
	st->st_size = 0;
	st->st_blocks = 0;
	st->st_blksize = 1024;
	st->st_uid = fs ? fs->st_uid : 0;
	st->st_gid = fs ? fs->st_gid : 0;
	if (fs)
		st->st_dev = fs->st_dev;
	st->st_rdev = 0;
}

int value_stat(struct store *s, const struct fake *f, struct stat *st)
{
	int rc = store_stat_value(s, f->rule, st);
	if (rc == 0)
		procfs_file_stat(f->path, st);
	if (rc == 0 && f->rule->read_only)
		st->st_mode = S_IFREG | 0444;
	return rc;
}

/* procfs's sysctl files and sysfs refuse to open a read-only file for writing, even
   for root. */
int value_open_write(struct store *s, const struct fake *f, int flags)
{
	(void)s, (void)flags;
	return f->rule->read_only ? -EACCES : 0;
}

static int value_read_target(struct store *s, const struct fake *f, const char **target, bool *stable)
{
	*target = store_value_path(s, f->rule);
	*stable = true;
	return *target ? 1 : -errno;
}

const struct provider provider_value = {
	.name = "value",
	.read_target = value_read_target,
	.open_write = value_open_write,
	.write = value_write,
	.stat = value_stat,
};
