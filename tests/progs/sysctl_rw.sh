#!/bin/bash
# procps sysctl on a list of KEY=VALUE: one `sysctl -w` of all of them, then one `sysctl -n`
# of their keys, each output (stdout and stderr) followed by its exit status. Run under
# fakesys on a profile's keys, and natively on the keys that a fresh network namespace has
# (the kernel's answers); tests/progs/integration.sh, group profiles, checks both against
# the same expected lines.
# Usage: sysctl_rw.sh KEY=VALUE...
keys=()
for kv; do keys+=("${kv%%=*}"); done
sysctl -w "$@" 2>&1
echo "-w exit $?"
sysctl -n "${keys[@]}" 2>&1
echo "-n exit $?"
