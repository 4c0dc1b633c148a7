#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "memory.h"
#include "redirect.h"
#include "stats.h"

/* The directory a relative path starts from: the cwd, or the dirfd's target. */
static bool base_dir(struct task *t, int dirfd, char base[PATH_MAX])
{
	char link[64];
	const char *cwd = dirfd == AT_FDCWD ? mm_cwd(t) : NULL;
	if (cwd) {
		strcpy(base, cwd);
		return true;
	}
	if (dirfd == AT_FDCWD)
		snprintf(link, sizeof link, "/proc/%d/cwd", (int)t->tid);
	else
		snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)t->tid, dirfd);
	stats_tracer_call();
	ssize_t n = readlink(link, base, PATH_MAX - 1);
	if (n <= 0 || base[0] != '/')
		return false; /* a bad fd, or a pipe or socket: the kernel will fail the call */
	base[n] = '\0';
	if (dirfd == AT_FDCWD)
		mm_set_cwd(t, base);
	return true;
}

static uint64_t call_flags(struct task *t, const arch_regs *regs, const struct syscall_desc *d)
{
	uint64_t flags = 0;
	switch (d->flags_where) {
	case FLAGS_NONE:
		break;
	case FLAGS_OPEN:
	case FLAGS_AT:
		flags = arch_arg(regs, d->flags_arg);
		break;
	case FLAGS_OPEN_HOW:
		/* struct open_how starts with the u64 flags. */
		if (mem_read(t, arch_arg(regs, d->flags_arg), &flags, sizeof flags) < 0)
			flags = 0;
		break;
	}
	return flags;
}

static enum action file_action(const struct request *req)
{
	switch (req->desc->access) {
	case ACCESS_CREAT:
		return ACTION_WRITE;
	case ACCESS_TRUNCATE:
		return ACTION_SKIP;
	case ACCESS_OPEN:
		/* O_TRUNC counts as a write: it must never empty the stored value. */
		if ((req->flags & O_ACCMODE) != O_RDONLY || (req->flags & O_TRUNC))
			return ACTION_WRITE;
		return ACTION_READ;
	case ACCESS_INSPECT:
	case ACCESS_CHDIR:
		return ACTION_READ;
	case ACCESS_FCHDIR:
	case ACCESS_GETCWD:
		break;
	}
	return ACTION_PASS;
}

bool redirect_classify(struct task *t, const arch_regs *regs, const struct syscall_desc *d,
                       const struct ruleset *rules, const struct store *store, struct request *req)
{
	char path[PATH_MAX];
	if (mem_read_string(t, arch_arg(regs, d->path_arg), path, sizeof path) <= 0)
		return false; /* empty (AT_EMPTY_PATH), unreadable or too long: the kernel decides */

	char base[PATH_MAX], virt[PATH_MAX];
	bool through_mirror = false;
	const char *from = "/";
	int dirfd = AT_FDCWD;
	if (path[0] != '/') {
		dirfd = d->dirfd_arg < 0 ? AT_FDCWD : (int)arch_arg(regs, d->dirfd_arg);
		if (!base_dir(t, dirfd, base))
			return false;
		/* A cwd or dirfd inside a mirror stands for the virtual directory. */
		through_mirror = store_to_virtual(store, base, virt);
		from = through_mirror ? virt : base;
	}
	if (path_resolve(from, path, t->tgid, t->tid, &req->where) < 0)
		return false;

	req->desc = d;
	req->match = rules_match(rules, req->where.path);
	req->flags = call_flags(t, regs, d);
	req->through_mirror = through_mirror;
	req->error = 0;
	switch (req->match.kind) {
	case MATCH_NONE:
		req->action = through_mirror ? ACTION_REAL : ACTION_PASS;
		break;
	case MATCH_DIR:
		req->action = ACTION_DIR;
		break;
	case MATCH_FILE:
		req->action = file_action(req);
		break;
	}
	if (req->action == ACTION_PASS)
		return false;
	/* A dirfd that is not a directory (a real file, or a fake's own fd) fails with
	   ENOTDIR whatever the path: let the kernel say so. Checked only for calls that would
	   be redirected, so calls that match nothing pay nothing more. */
	if (dirfd != AT_FDCWD) {
		char link[64];
		struct stat st;
		snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)t->tid, dirfd);
		stats_tracer_call();
		if (stat(link, &st) < 0 || !S_ISDIR(st.st_mode))
			return false;
	}
	return true;
}

bool redirect_cwd_in_mirror(struct task *t, const struct store *store, char virt[PATH_MAX])
{
	char cwd[PATH_MAX];
	return base_dir(t, AT_FDCWD, cwd) && store_to_virtual(store, cwd, virt);
}
