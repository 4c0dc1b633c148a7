#!/bin/bash
# Cgroup v1 cases, run on a real cgroup v1 tree (the oracle, recorded by tests/run) and on
# fakesys's tree: every line printed must be the same. Usage: cgroup_cases.sh BASE
# BASE is /sys/fs/cgroup; a child "fsk-oracle" is made in each controller and removed.
B=${1:?usage: cgroup_cases.sh BASE}
C=fsk-oracle
CTLS="cpu cpuacct cpuset memory pids devices freezer blkio"

err() { "$@" 2>&1 | sed -e 's/.*: //' ; echo "rc=${PIPESTATUS[0]}"; }
errno_of() { # the message of a failed command, reduced to its errno text
	sed -e 's/.*: //' <<<"$1"
}
contents() { # FILE: its lines joined by "|", or why it cannot be read (a file one kernel
	# lacks: the shell's message would name this script by the path it was run as)
	local out
	out=$( { tr '\n' '|' <"$1"; } 2>&1) || out="($(errno_of "$out"))"
	printf '%s' "$out"
}

for c in $CTLS; do
	mkdir "$B/$c/$C" 2>&1 || echo "mkdir $c: failed"
done

# Every file a new child has (memory.shown_ram_in_bytes is not upstream Linux: this
# machine's kernel adds it).
for c in $CTLS; do
	echo "files $c: $(ls "$B/$c/$C" | grep -v '^memory.shown_ram_in_bytes$' | tr '\n' ' ')"
done

# What a new child holds.
for f in cpu/cpu.shares cpu/cpu.cfs_period_us cpu/cpu.cfs_quota_us cpu/cpu.rt_runtime_us \
	memory/memory.limit_in_bytes memory/memory.soft_limit_in_bytes memory/memory.swappiness \
	memory/memory.use_hierarchy memory/memory.oom_control memory/memory.failcnt \
	pids/pids.max pids/pids.events cpuset/cpuset.cpus cpuset/cpuset.mems cpuset/cpuset.sched_load_balance \
	devices/devices.list freezer/freezer.state blkio/blkio.bfq.weight blkio/blkio.throttle.io_serviced \
	cpu/notify_on_release cpu/cgroup.clone_children; do
	echo "initial $f: $(contents "$B/${f%%/*}/$C/${f#*/}")"
done

# Modes, sizes, and the filesystem each is on.
for f in cpu/cpu.shares cpu/cpu.stat cpuacct/cpuacct.usage cpuacct/cpuacct.usage_percpu memory/memory.stat \
	memory/memory.force_empty devices/devices.allow devices/devices.list pids/pids.current cpu/cgroup.procs; do
	echo "stat $f: $(stat -c '%A %s' "$B/${f%%/*}/$C/${f#*/}") $(stat -f -c %T "$B/${f%%/*}/$C/${f#*/}")"
done
echo "stat hierarchy root: $(stat -c '%A' "$B/cpu") $(stat -f -c %T "$B/cpu")"
echo "stat child: $(stat -c '%A' "$B/cpu/$C") $(stat -f -c %T "$B/cpu/$C")"
echo "statfs base: $(stat -f -c %T "$B")"

# Writes: the value, then what reads back.
w() { # CTL FILE VALUE... (devices.allow and deny cannot be read: devices.list shows them)
	local c=$1 f=$2 v back=$2
	shift 2
	case $f in devices.allow | devices.deny) back=devices.list ;; esac
	for v in "$@"; do
		local err rc
		err=$( { printf '%s' "$v" >"$B/$c/$C/$f"; } 2>&1)
		rc=$?
		[ $rc -ne 0 ] && err=" ($(errno_of "$err"))" || err=""
		echo "write $f [$v] rc=$rc$err -> $(contents "$B/$c/$C/$back")"
	done
}
w cpu cpu.shares 1 2 1000000 abc ' 512 ' -5 0x10 $'300\n' +7 512
w cpu cpu.cfs_quota_us -1 -5 0 999 1000 50000 abc
w cpu cpu.cfs_period_us 999 1000 1000000 1000001 100000
w memory memory.limit_in_bytes 1 4097 1k 1M 2G -1 abc 0x1000 ' 8M ' 104857600
w memory memory.soft_limit_in_bytes 1G -1
w memory memory.swappiness 0 100 200 201 60
w pids pids.max max 0 10 -1 4194304 4194305 abc ' 7 ' max
w cpu notify_on_release 0 1 2 0
w cpuset cpuset.mems 0 '' 0
w cpuset cpuset.cpus 0 '' 0-1 1 0-1023 0
w freezer freezer.state FROZEN THAWED FREEZING bad THAWED
w blkio blkio.bfq.weight 0 1 1000 1001 abc 100
w devices devices.deny a
w devices devices.allow 'c 1:3 rwm' 'c 1:5 r' 'b *:* m'
w devices devices.deny 'c 1:5 r' 'a *:* rwm'

# A hierarchy's root refuses what only children have (its own value written back, so a
# real root is never changed).
for f in cpu/cpu.shares cpu/cpu.cfs_period_us cpu/cpu.cfs_quota_us memory/memory.limit_in_bytes \
	cpuset/cpuset.cpus cpuset/cpuset.mems; do
	v=$(cat "$B/$f")
	e=$( { printf '%s' "$v" >"$B/$f"; } 2>&1) && echo "root write $f: rc=0" || echo "root write $f: $(errno_of "$e")"
done

# Opens for writing that are not a control file, and writes to a read-only one.
echo "create in a cgroup: $(err sh -c "echo x > $B/cpu/$C/newfile")"
echo "write a directory: $(err sh -c "echo x > $B/cpu/$C")"
echo "read a missing file: $(err cat "$B/cpu/$C/nonexist")"
echo "write a counter: $(err sh -c "echo x > $B/cpu/$C/cpu.stat")"

# Child cgroups: make, nest, refuse, remove.
echo "mkdir nested: $(err mkdir "$B/memory/$C/a")"
echo "mkdir nested again: $(err mkdir "$B/memory/$C/a")"
echo "mkdir missing parent: $(err mkdir "$B/memory/$C/x/y")"
echo "mkdir over a file: $(err mkdir "$B/memory/$C/memory.stat")"
echo "nested files: $(ls "$B/memory/$C/a" | grep -v '^memory.shown_ram_in_bytes$' | wc -l)"
echo "rmdir with a child: $(err rmdir "$B/memory/$C")"
echo "rmdir hierarchy root: $(err rmdir "$B/memory")"
echo "rmdir a file: $(err rmdir "$B/memory/$C/memory.stat")"
echo "rmdir nested: $(err rmdir "$B/memory/$C/a")"
echo "rmdir missing: $(err rmdir "$B/memory/$C/a")"

# cgroup.procs: a process moves in, is listed, keeps the cgroup busy, and is gone after it exits.
sleep 60 &
pid=$!
echo "move: $(err sh -c "echo $pid > $B/pids/$C/cgroup.procs")"
grep -qx "$pid" "$B/pids/$C/cgroup.procs" && echo "listed: yes" || echo "listed: no"
grep -q ":pids:.*/$C\$" "/proc/$pid/cgroup" && echo "proc cgroup: yes" || echo "proc cgroup: no"
echo "pids.current: $(cat "$B/pids/$C/pids.current")"
echo "move missing pid: $(err sh -c "echo 999999999 > $B/pids/$C/cgroup.procs")"
echo "move garbage: $(err sh -c "echo abc > $B/pids/$C/cgroup.procs")"
echo "rmdir populated: $(err rmdir "$B/pids/$C")"
kill $pid
wait $pid 2>/dev/null
echo "after exit: $(wc -l <"$B/pids/$C/cgroup.procs") $(cat "$B/pids/$C/pids.current")"

for c in $CTLS; do
	rmdir "$B/$c/$C" 2>&1 || echo "rmdir $c: failed"
done
echo "cleaned: $(ls -d "$B"/*/$C 2>/dev/null | wc -l)"
