#!/bin/bash
# The cpu topology files cAdvisor reads, for every cpu: one line per file; then what a
# write to one of them gets (sysfs refuses the open of a read-only attribute).
set -e
for d in /sys/devices/system/cpu/cpu[0-9]*; do
	for f in core_id physical_package_id die_id core_siblings core_siblings_list thread_siblings \
		thread_siblings_list core_cpus core_cpus_list package_cpus package_cpus_list; do
		echo "${d##*/} $f: $(cat "$d/topology/$f")"
	done
done
msg=$({ echo 1 >/sys/devices/system/cpu/cpu0/topology/core_id; } 2>&1) || true
echo "write cpu0 core_id: ${msg##*: }"
