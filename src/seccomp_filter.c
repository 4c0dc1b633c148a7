#include <errno.h>
#include <stdint.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include "seccomp_filter.h"
#include "syscalls.h"

static int load(int no_new_privs, bool trees, bool statfs, bool subreaper)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	int count, rc = 0;
	const struct traced_call *calls = syscall_traced(trees, statfs, subreaper, &count);
	/* Calls from a foreign ABI (x32, i386) are let through rather than killed. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	/* The kernel's own errno (EACCES without CAP_SYS_ADMIN), not libseccomp's ECANCELED. */
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, (uint32_t)no_new_privs);
	for (int i = 0; i < count && rc == 0; i++) {
		const struct traced_call *c = &calls[i];
		if (c->only_flags)
			rc = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), (int)c->nr, 1,
			                      SCMP_CMP((unsigned)c->flags_arg, SCMP_CMP_MASKED_EQ, c->only_flags, c->only_flags));
		else
			rc = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), (int)c->nr, 0);
	}
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

int seccomp_install(bool trees, bool statfs, bool subreaper)
{
	/* Without no_new_privs, setuid programs keep working under fakesys; that needs
	   CAP_SYS_ADMIN, so fall back to setting it. */
	int rc = load(0, trees, statfs, subreaper);
	if (rc == -EACCES || rc == -EPERM) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return -errno;
		rc = load(1, trees, statfs, subreaper);
	}
	return rc;
}
