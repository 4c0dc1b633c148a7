/* The kernel identity fakes; see kernel_identity.h. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "fsutil.h"
#include "kernel_identity.h"
#include "memory.h"
#include "provider.h"

bool identity_faked(const struct ruleset *rs)
{
	return rules_match(rs, IDENTITY_RELEASE_PATH).kind == MATCH_FILE ||
	       rules_match(rs, IDENTITY_VERSION_PATH).kind == MATCH_FILE;
}

/* The first line of the fake at path, as process pid would read it now (a write to
   the fake changes it); false if there is no such fake. */
static bool fake_line(struct store *s, const char *path, pid_t pid, char *out, size_t len)
{
	struct match m = rules_match(store_rules(s), path);
	if (m.kind != MATCH_FILE)
		return false;
	struct fake f = { .rule = m.rule, .path = path, .pid = pid };
	const char *target;
	bool stable;
	int rc = provider_of(m.rule)->read_target(s, &f, &target, &stable);
	if (rc < 0)
		return false;
	char text[256];
	if (fs_read_text(rc == 0 ? path : target, text, sizeof text) < 0) /* rc 0: the real file */
		return false;
	size_t n = strcspn(text, "\n");
	if (n >= len)
		n = len - 1; /* utsname fields are 65 bytes, as the kernel's */
	memcpy(out, text, n);
	out[n] = '\0';
	return true;
}

/* This kernel's utsname with the fakes' release and version. */
static void faked_utsname(struct store *s, pid_t pid, struct utsname *u)
{
	if (uname(u) < 0)
		memset(u, 0, sizeof *u);
	fake_line(s, IDENTITY_RELEASE_PATH, pid, u->release, sizeof u->release);
	fake_line(s, IDENTITY_VERSION_PATH, pid, u->version, sizeof u->version);
}

void identity_answer_uname(struct task *t, uint64_t buf, struct store *s)
{
	struct utsname u;
	faked_utsname(s, t->tgid, &u);
	/* Only the two fields: the rest is what the tracee's own kernel call wrote. */
	mem_write_result(t, buf + offsetof(struct utsname, release), u.release, sizeof u.release);
	mem_write_result(t, buf + offsetof(struct utsname, version), u.version, sizeof u.version);
}

void identity_proc_version(struct store *s, pid_t pid, char *out, size_t outlen)
{
	struct utsname real, u;
	if (uname(&real) < 0)
		memset(&real, 0, sizeof real);
	faked_utsname(s, pid, &u);
	char line[1024];
	/* "Linux version RELEASE (builder) (compiler) VERSION": the release is the third
	   word, and the version ends the line. */
	if (fs_read_text("/proc/version", line, sizeof line) < 0 || strncmp(line, "Linux version ", 14) != 0) {
		snprintf(out, outlen, "Linux version %s %s\n", u.release, u.version);
		return;
	}
	line[strcspn(line, "\n")] = '\0';
	const char *middle = line + 14 + strcspn(line + 14, " ");
	size_t mlen = strlen(middle), vlen = strlen(real.version);
	if (vlen <= mlen && !strcmp(middle + mlen - vlen, real.version))
		mlen -= vlen;
	snprintf(out, outlen, "Linux version %s%.*s%s\n", u.release, (int)mlen, middle, u.version);
}
