/* Which provider serves a rule; see provider.h. */
#include "provider.h"

extern const struct provider provider_value, provider_real_first;

const struct provider *provider_of(const struct rule *r)
{
	return r->policy == POLICY_REAL_FIRST ? &provider_real_first : &provider_value;
}
