/* The generator names a `generated` rule may use (provider_generated.c makes them); on
   their own, so that profile parsing needs nothing of the provider. */
#include <string.h>
#include "provider.h"

bool generator_known(const char *name)
{
	static const char *const names[] = {"cgroup",  "mountinfo", "mounts",       "diskstats",
	                                    "block",   "boot_id",   "product_uuid", "topology",
	                                    "proc_version", "cap_last_cap"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}
