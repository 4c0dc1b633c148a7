/* Which provider serves a rule; see provider.h. */
#include <stdio.h>
#include <string.h>
#include "provider.h"

extern const struct provider provider_value, provider_real_first;

const struct provider *provider_of(const struct rule *r)
{
	return r->policy == POLICY_REAL_FIRST ? &provider_real_first : &provider_value;
}

void provider_real_path(pid_t pid, const char *path, char out[PATH_MAX])
{
	if (!strncmp(path, "/proc/self", 10) && (path[10] == '/' || path[10] == '\0'))
		snprintf(out, PATH_MAX, "/proc/%d%s", (int)pid, path + 10);
	else
		snprintf(out, PATH_MAX, "%s", path);
}
