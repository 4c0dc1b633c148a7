#!/bin/sh
# The main job on the embedded default profile: kubelet's kernel tunables read and
# written the way kubelet does it, inside gVisor without and with fakesys, and on
# this host with fakesys (whose real values must stay untouched).
set -eu
cd "$(dirname "$0")/.."
make -s build/fakesys-static

# runsc shows the host's /tmp inside the sandbox.
dir=$(mktemp -d /tmp/fakesys-demo.XXXXXX)
trap 'rm -rf "$dir"' EXIT
cp build/fakesys-static "$dir/fakesys"

cat > "$dir/tunables.sh" <<'SCRIPT'
# kubelet's setupKernelTunables: read each key, write the wanted value if it differs.
status=0
for kv in vm/overcommit_memory=1 vm/panic_on_oom=0 kernel/panic=10 kernel/panic_on_oops=1 \
          kernel/keys/root_maxkeys=1000000 kernel/keys/root_maxbytes=25000000; do
	key=${kv%=*} want=${kv#*=}
	if ! have=$(cat /proc/sys/$key 2>&1); then
		echo "  $key: $have"; status=1; continue
	fi
	if [ "$have" != "$want" ] && ! { echo "$want" > /proc/sys/$key; } 2>/dev/null; then
		echo "  $key: write $want failed"; status=1; continue
	fi
	echo "  $key = $(cat /proc/sys/$key)"
done
echo "  ls /proc/sys/kernel/keys: $(ls /proc/sys/kernel/keys 2>&1 | tr '\n' ' ')"
[ $status = 0 ] && echo "  => kubelet's tunables are in place" || echo "  => kubelet would refuse to start"
SCRIPT

run_sandbox() { timeout 120 runsc --rootless --network=none do "$@" 2>&1 | cat; }

echo "== gVisor, without fakesys"
run_sandbox /bin/sh "$dir/tunables.sh"
echo "== gVisor, with fakesys (default profile)"
run_sandbox "$dir/fakesys" -- /bin/sh "$dir/tunables.sh"
echo "== this host, with fakesys (the host's real values are not touched)"
before=$(cat /proc/sys/vm/overcommit_memory /proc/sys/kernel/panic)
"$dir/fakesys" -- /bin/sh "$dir/tunables.sh"
after=$(cat /proc/sys/vm/overcommit_memory /proc/sys/kernel/panic)
[ "$before" = "$after" ] && echo "  host values unchanged: $(echo $after)"
