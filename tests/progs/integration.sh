#!/bin/bash
# Integration tests for fakesys: one group per invocation. tests/run calls this on the host
# (build/fakesys, build/asan/fakesys) and inside gVisor (build/fakesys-static, one
# `runsc do` per group), and counts the verdict lines.
#
# Usage: integration.sh KIND LABEL FAKESYS BINDIR GROUP [EXTRA FAKESYS OPTIONS...]
#   KIND   host | gvisor   (what the tests may expect from the kernel underneath)
#   LABEL  prefix of every verdict, e.g. host, asan, gvisor, host-noseccomp
#   BINDIR the test programs built by tests/run (tunables, rodata, concur, fsops, sighelper, fsshare,
#          orphans, kubecg, statfs, learnme, ...)
# Every check prints "PASS LABEL:group:name" or "FAIL LABEL:group:name: reason".
# Everything runs under `timeout`; nothing here writes outside a private mktemp dir.

set -u
KIND=$1 LABEL=$2 FS=$3 BIN=$4 GROUP=$5
shift 5
XOPT=("$@")
PROGS=$(cd "$(dirname "$0")" && pwd)
TMO=60
ulimit -c 0 2>/dev/null

W=$(mktemp -d "${TMPDIR:-/tmp}/fakesys-it.XXXXXX") || { echo "FAIL $LABEL:$GROUP: mktemp failed"; exit 1; }
chmod 755 "$W"
BGPIDS=()
cleanup() {
	local p
	for p in "${BGPIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT

K=/proc/sys/kernel
KK=/proc/sys/kernel/keys
MAXKEYS=$KK/root_maxkeys
MAXBYTES=$KK/root_maxbytes
BB=$(command -v busybox || echo /bin/busybox)

pass() { echo "PASS $LABEL:$GROUP:$1"; }
fail() { echo "FAIL $LABEL:$GROUP:$1: $2"; }
show() {
	local s=$1
	s=${s//$'\n'/\\n}
	[ ${#s} -gt 500 ] && s="${s:0:500}..."
	printf '"%s"' "$s"
}

# runc CMD...: run with a timeout, stdin from /dev/null; sets OUT, ERR, RC.
runc() {
	OUT=$(timeout -k 5 "$TMO" "$@" 2>"$W/.stderr" </dev/null)
	RC=$?
	ERR=$(head -c 4000 "$W/.stderr")
}
# fsr ARGS...: fakesys with the extra options of this run.
fsr() { runc "$FS" "${XOPT[@]}" "$@"; }

# have_oracle FILE [HOW]: whether the kernel's answers tests/run recorded (HOW: how it
# records them) are there; a failed check if not.
have_oracle() {
	[ -s "$1" ] && return 0
	fail "kernel-oracle" "$1 is missing (tests/run records it ${2:-on the host})"
	return 1
}

ctx() { echo "exit $RC; stdout $(show "$OUT"); stderr $(show "$ERR")"; }

# want NAME RC STDOUT: exact exit status and stdout of the last run.
want() {
	if [ "$RC" != "$2" ]; then
		fail "$1" "exit $RC, want $2; stdout $(show "$OUT"); stderr $(show "$ERR")"
	elif [ "$OUT" != "$3" ]; then
		fail "$1" "stdout $(show "$OUT"), want $(show "$3"); stderr $(show "$ERR")"
	else
		pass "$1"
	fi
}
# want_rc NAME RC
want_rc() {
	if [ "$RC" != "$2" ]; then fail "$1" "exit $RC, want $2; stdout $(show "$OUT"); stderr $(show "$ERR")"; else pass "$1"; fi
}
# has_lines TEXT LINE...: every LINE is a whole line of TEXT
has_lines() {
	local text=$1 l
	shift
	for l in "$@"; do
		printf '%s\n' "$text" | grep -qxF -- "$l" || return 1
	done
	return 0
}
# want_lines NAME RC LINE...: exit status, and stdout contains each LINE as a whole line
want_lines() {
	local n=$1 rc=$2
	shift 2
	if [ "$RC" != "$rc" ]; then
		fail "$n" "exit $RC, want $rc; stdout $(show "$OUT"); stderr $(show "$ERR")"
	elif ! has_lines "$OUT" "$@"; then
		fail "$n" "stdout $(show "$OUT") lacks one of: $*; stderr $(show "$ERR")"
	else
		pass "$n"
	fi
}
# wait_for FILE REGEX SECONDS
wait_for() {
	local i=0 n=$(($3 * 10))
	while [ $i -lt $n ]; do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# watchdog PID SECONDS: kill PID after SECONDS (every background fakesys gets one)
watchdog() {
	(
		sleep "$2"
		kill -KILL "$1" 2>/dev/null
	) >/dev/null 2>&1 &
	BGPIDS+=($!)
	disown $!
}
# ended_within PID SECONDS: whether background job PID ends within SECONDS (then RC is
# its status); one that does not is killed.
ended_within() {
	local i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt $(($2 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1"
		wait "$1"
		return 1
	fi
	wait "$1"
	RC=$?
}
# start_bg_cmd OUTFILE CMD...: start CMD in the background with default signal
# dispositions (a non-interactive shell ignores SIGINT/SIGQUIT in background jobs).
start_bg_cmd() {
	local out=$1
	shift
	env --default-signal "$@" >"$out" 2>"$out.err" </dev/null &
	BGPID=$!
	BGPIDS+=($BGPID)
	watchdog "$BGPID" "$TMO"
}
# start_bg OUTFILE ARGS...: start fakesys so.
start_bg() {
	local out=$1
	shift
	start_bg_cmd "$out" "$FS" "${XOPT[@]}" "$@"
}
# await_bg SECONDS TEST...: wait up to SECONDS for TEST to succeed while the background
# job BGPID runs; whether it did.
await_bg() {
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		kill -0 "$BGPID" 2>/dev/null || break
		sleep 0.1
	done
	"$@"
}

# ---------------------------------------------------------------------------------------
group_go() {
	local forced=(-s vm.overcommit_memory=0 -s kernel.panic=0 -s kernel.keys.root_maxkeys=5)
	local wrote=$'wrote vm.overcommit_memory\nwrote kernel.panic\nwrote kernel.keys.root_maxkeys'
	if [ "$KIND" = gvisor ]; then
		# The test must be able to fail: without fakesys, gVisor lacks the keys.
		runc "$BIN/tunables" once
		if [ "$RC" != 0 ] && printf '%s' "$ERR" | grep -q 'kernel/panic: no such file or directory' &&
			printf '%s' "$ERR" | grep -q 'root_maxkeys: no such file or directory'; then
			pass "tunables-once-fails-without-fakesys"
		else
			fail "tunables-once-fails-without-fakesys" "expected kubelet's ENOENT errors; $(ctx)"
		fi
		local m
		for m in goroutines child readdir; do
			runc "$BIN/tunables" $m
			if [ "$RC" != 0 ]; then pass "tunables-$m-fails-without-fakesys"; else
				fail "tunables-$m-fails-without-fakesys" "passed without fakesys; $(ctx)"; fi
		done
	fi
	fsr -- "$BIN/tunables" once
	want "tunables-once" 0 "ok once"
	fsr "${forced[@]}" -- "$BIN/tunables" once
	want "tunables-once-writes" 0 "$wrote"$'\nok once'
	fsr "${forced[@]}" -- "$BIN/tunables" goroutines
	want "tunables-16-goroutines" 0 "ok goroutines"
	fsr "${forced[@]}" -- "$BIN/tunables" child
	want "tunables-child-process" 0 "$wrote"$'\nok check\nok child'
	fsr -- "$BIN/tunables" readdir
	if [ "$KIND" = gvisor ]; then
		# gVisor has no /proc/sys/kernel/keys: exactly the two fakes.
		want_lines "tunables-readdir-stat" 0 "ok readdir" "readdir /proc/sys/kernel/keys: root_maxbytes root_maxkeys"
	elif [ "$RC" = 0 ] && has_lines "$OUT" "ok readdir" &&
		printf '%s\n' "$OUT" | grep '^readdir /proc/sys/kernel/keys:' | grep -qw root_maxkeys &&
		printf '%s\n' "$OUT" | grep '^readdir /proc/sys/kernel/keys:' | grep -qw root_maxbytes; then
		pass "tunables-readdir-stat"
	else
		fail "tunables-readdir-stat" "$(ctx)"
	fi
	if [ "$KIND" = gvisor ]; then
		# /proc/sys/kernel is real in gVisor and lacks panic: the listing is the union.
		if printf '%s\n' "$OUT" | grep '^readdir /proc/sys/kernel:' | grep -qw hostname &&
			printf '%s\n' "$OUT" | grep '^readdir /proc/sys/kernel:' | grep -qw panic; then
			pass "tunables-readdir-union-real-and-fake"
		else
			fail "tunables-readdir-union-real-and-fake" "want hostname and panic; $(ctx)"
		fi
	fi
}

group_sysctl() {
	fsr -s vm.overcommit_memory=0 -- "$BB" sh -c \
		"$BB sysctl vm.overcommit_memory; $BB sysctl -w vm.overcommit_memory=1; $BB sysctl vm.overcommit_memory"
	want "busybox-sysctl-w" 0 $'vm.overcommit_memory = 0\nvm.overcommit_memory = 1\nvm.overcommit_memory = 1'
	fsr -- "$BB" sh -c "$BB sysctl -w kernel.keys.root_maxkeys=1 >/dev/null; $BB sysctl kernel.keys.root_maxkeys; $BB cat $MAXKEYS"
	want "busybox-sysctl-1-over-1000000" 0 $'kernel.keys.root_maxkeys = 1\n1'
	fsr -- sh -c "$BIN/fsops write $MAXKEYS 1 notrunc && cat $MAXKEYS"
	want "write-1-over-1000000-without-O_TRUNC" 0 $'ok\n1'
	fsr -- sh -c "echo 1 > $MAXKEYS && cat $MAXKEYS && echo 1000000 > $MAXKEYS && $BB cat $MAXKEYS"
	want "shell-redirect-writes" 0 $'1\n1000000'
	fsr -- cat $MAXKEYS
	want "fresh-store-per-run" 0 "1000000"
	# A value written by one process is what another process reads later.
	fsr -- sh -c "$BB sh -c 'echo 4242 > $MAXBYTES'; cat $MAXBYTES; $BB cat $MAXBYTES"
	want "write-seen-by-other-processes" 0 $'4242\n4242'
}

# Write semantics against the kernel: tests/run records tests/progs/write_cases.sh on a real
# per-netns key (unshare -n, net.ipv4.ip_default_ttl) into $BIN/../oracle/writes; the same
# cases on a fake must print the same. On the host the fake is that very key inside a
# fresh netns, whose real value must stay untouched; in gVisor it is kernel.panic.
group_writes() {
	local oracle=$BIN/../oracle/writes
	have_oracle "$oracle" "with unshare -n" || return
	local want_out
	want_out=$(cat "$oracle")
	if [ "$KIND" = host ]; then
		local k=/proc/sys/net/ipv4/ip_default_ttl
		runc unshare -n bash -c "before=\$(cat $k); $FS ${XOPT[*]} -s net.ipv4.ip_default_ttl=64 -- bash $PROGS/write_cases.sh $k; echo \"real: \$before -> \$(cat $k)\""
		local real=${OUT##*$'\n'}
		OUT=${OUT%$'\n'*}
		want "same-as-kernel" 0 "$want_out"
		case "$real" in
		"real: "*" -> "*) [ "${real#real: }" = "${real##* -> } -> ${real##* -> }" ] && pass "real-key-untouched" ||
			fail "real-key-untouched" "$real" ;;
		*) fail "real-key-untouched" "no report: $(show "$real")" ;;
		esac
	else
		fsr -s kernel.panic=64 -- bash "$PROGS/write_cases.sh" /proc/sys/kernel/panic
		want "same-as-kernel" 0 "$want_out"
	fi
	# procps refuses a key whose mode says read-only before it opens it (gVisor's real
	# net.ipv4.ip_forward is 0444 although it takes writes): the fake's stat must say 0644.
	fsr -p k3s -- sh -c "sysctl -w net.ipv4.ip_forward=1 && sysctl -n net.ipv4.ip_forward"
	want "procps-sysctl-w-real-first" 0 $'net.ipv4.ip_forward = 1\n1'
}

group_cat() {
	fsr -- /bin/cat $MAXKEYS
	want "glibc-cat-root_maxkeys" 0 "1000000"
	fsr -- "$BB" cat $MAXKEYS
	want "busybox-cat-root_maxkeys" 0 "1000000"
	# A value the host surely does not have proves the read was redirected.
	fsr -s kernel.keys.root_maxkeys=424242 -- /bin/cat $MAXKEYS
	want "glibc-cat-sysctl-override" 0 "424242"
	fsr -s kernel.keys.root_maxkeys=424242 -- "$BB" cat $MAXKEYS
	want "busybox-cat-sysctl-override" 0 "424242"
	fsr -- /bin/cat $K/panic $K/panic_on_oops /proc/sys/vm/panic_on_oom /proc/sys/vm/overcommit_memory $MAXBYTES
	want "glibc-cat-all-defaults" 0 $'10\n1\n0\n1\n25000000'
	OUT=$(echo hello-stdin | timeout -k 5 "$TMO" "$FS" "${XOPT[@]}" -- cat 2>"$W/.stderr")
	RC=$? ERR=$(cat "$W/.stderr")
	want "stdin-stdout-pass-through" 0 "hello-stdin"
	# Non-fake files are untouched.
	local real
	real=$(cat /etc/hostname 2>&1)
	fsr -- cat /etc/hostname
	want "non-fake-file-untouched" 0 "$real"
}

group_ls() {
	fsr -- ls $KK
	want_lines "glibc-ls-keys" 0 root_maxkeys root_maxbytes
	fsr -- ls -l $KK
	if [ "$RC" = 0 ] && printf '%s\n' "$OUT" | grep -q ' root_maxkeys$' && printf '%s\n' "$OUT" | grep -q ' root_maxbytes$'; then
		pass "glibc-ls-l-keys"
	else fail "glibc-ls-l-keys" "$(ctx)"; fi
	fsr -- "$BB" ls $KK
	want_lines "busybox-ls-keys" 0 root_maxkeys root_maxbytes
	fsr -- "$BIN/fsops" ls $KK
	want_lines "glibc-readdir-keys" 0 root_maxkeys root_maxbytes
	fsr -- find /proc/sys -name 'root_max*'
	want_lines "find-proc-sys" 0 $MAXKEYS $MAXBYTES
	fsr -- "$BB" find /proc/sys/kernel -name 'root_max*'
	want_lines "busybox-find" 0 $MAXKEYS $MAXBYTES
	# A real directory that gains fakes lists both.
	fsr -- ls $K
	want_lines "glibc-ls-kernel-union" 0 hostname panic panic_on_oops keys
	fsr -- "$BB" ls $K
	want_lines "busybox-ls-kernel-union" 0 hostname panic panic_on_oops keys
	fsr -- ls /proc/sys/vm
	want_lines "glibc-ls-vm-union" 0 overcommit_memory panic_on_oom
	# A custom rule under a real directory, and one in a directory that exists nowhere.
	printf '# custom\nkernel.fakesys_test = 7\nfakesys_newdir.sub.x = 3\n' >"$W/custom.conf"
	fsr -p default -p "$W/custom.conf" -- sh -c "ls $K; echo ---; cat $K/fakesys_test; cat $K/panic"
	want_lines "custom-rule-lists-with-real" 0 hostname fakesys_test panic keys --- 7 10
	fsr -p default -p "$W/custom.conf" -- "$BB" ls /proc/sys
	want_lines "custom-new-dir-listed" 0 kernel vm fakesys_newdir
	fsr -p default -p "$W/custom.conf" -- sh -c "ls /proc/sys/fakesys_newdir; ls /proc/sys/fakesys_newdir/sub; cat /proc/sys/fakesys_newdir/sub/x"
	want "custom-new-dir-contents" 0 $'sub\nx\n3'
	# coreutils ls -l also asks for each entry's ACL and label (getxattr, listxattr): of a
	# directory that exists nowhere, as of a real one, with no error.
	fsr -p default -p "$W/custom.conf" -- ls -la /proc/sys/fakesys_newdir/sub
	if [ "$RC" = 0 ] && [ -z "$ERR" ] && printf '%s\n' "$OUT" | grep -q ' x$'; then pass "glibc-ls-la-new-dir-no-errors"; else
		fail "glibc-ls-la-new-dir-no-errors" "$(ctx)"; fi
	fsr -p default -p "$W/custom.conf" -- "$BB" ls -l $K
	if [ "$RC" = 0 ] && printf '%s\n' "$OUT" | grep -q ' fakesys_test$' && printf '%s\n' "$OUT" | grep -q ' hostname$'; then
		pass "busybox-ls-l-custom"
	else fail "busybox-ls-l-custom" "$(ctx)"; fi
	# (coreutils ls passes AT_NO_AUTOMOUNT, which gVisor refuses with EINVAL for every path
	# it serves itself, so in gVisor this uses busybox ls.)
	local lsmiss=ls
	[ "$KIND" = gvisor ] && lsmiss="$BB ls"
	fsr -- $lsmiss /proc/sys/kernel/keys/no_such_entry
	if [ "$RC" != 0 ] && printf '%s' "$ERR" | grep -q 'No such file'; then pass "ls-missing-entry-ENOENT"; else
		fail "ls-missing-entry-ENOENT" "$(ctx)"; fi
	# cd into a directory that lists fakes, then list "."
	fsr -- sh -c "cd $K && ls && cd keys && $BB ls ."
	want_lines "ls-dot-after-cd" 0 hostname panic keys root_maxkeys root_maxbytes
}

group_forks() {
	fsr -- dash -c "i=0; while [ \$i -lt 200 ]; do cat $K/panic; i=\$((i+1)); done"
	local n ok
	n=$(printf '%s\n' "$OUT" | grep -c .)
	ok=$(printf '%s\n' "$OUT" | grep -cx 10)
	if [ "$RC" = 0 ] && [ "$n" = 200 ] && [ "$ok" = 200 ]; then pass "200-forked-children"; else
		fail "200-forked-children" "exit $RC, $n lines, $ok of them \"10\"; stderr $(show "$ERR")"; fi
	# busybox xargs starts each child with vfork.
	fsr -s kernel.panic=37 -- sh -c "seq 200 | sed 's|.*|$K/panic|' | $BB xargs -n1 $BB cat"
	n=$(printf '%s\n' "$OUT" | grep -c .)
	ok=$(printf '%s\n' "$OUT" | grep -cx 37)
	if [ "$RC" = 0 ] && [ "$n" = 200 ] && [ "$ok" = 200 ]; then pass "200-vforked-children"; else
		fail "200-vforked-children" "exit $RC, $n lines, $ok of them \"37\"; stderr $(show "$ERR")"; fi
	# Threads: 16 goroutines on several threads, each reading and writing the fakes.
	fsr -s kernel.panic=0 -s vm.overcommit_memory=0 -- "$BIN/tunables" goroutines
	want "goroutine-threads" 0 "ok goroutines"
	# execve from a thread that is not the leader; the new program is still traced.
	fsr -- "$BIN/threadexec" /bin/cat $K/panic
	want "exec-from-non-leader-thread" 0 "10"
	fsr -s kernel.panic=12 -- "$BIN/threadexec" "$BB" sh -c "cat $K/panic; $BB cat $MAXKEYS"
	want "exec-from-non-leader-thread-then-fork" 0 $'12\n1000000'
	# Children whose creator dies before its clone event is reported (a thread forks
	# while the main thread calls _exit) must run, not be held for ever.
	local TMO=30
	fsr -- "$BIN/orphans" -w 100 -f $K/panic -e $'10\n'
	want "orphans-of-dying-creators-run" 0 "orphans 100 workers, bad reads 0"
	# Threads born into a dying group: with exit stops asked for (the child-subreaper
	# fix-up), such a thread's first stop is its exit, and its group's death waits for it.
	fsr --fixup child-subreaper -- "$BIN/orphans" -w 100 -t
	want "threads-born-into-dying-groups-exit" 0 "orphans 100 workers, bad reads 0"
	# The same without it: run with --no-seccomp, threads made in a loop stop so often
	# that a tracer taking the newest report first never resumed the main thread.
	fsr --no-fixup child-subreaper -- "$BIN/orphans" -w 100 -t
	want "thread-making-loops-do-not-starve-their-process" 0 "orphans 100 workers, bad reads 0"
	TMO=60
	# A deep chain of processes: each level reads the fake, then forks the next level.
	printf '#!/bin/sh\ncat %s/panic_on_oops\nif [ "$1" -gt 0 ]; then sh "$0" $(($1 - 1)); fi\ntrue\n' "$K" >"$W/chain.sh"
	fsr -- sh "$W/chain.sh" 20
	n=$(printf '%s\n' "$OUT" | grep -cx 1)
	if [ "$RC" = 0 ] && [ "$n" = 21 ]; then pass "deep-process-chain"; else
		fail "deep-process-chain" "want 21 lines \"1\", got $n; $(ctx)"; fi
	# A fork and an exec cost at most two tracer calls of their own (the clone event's
	# new tid and clone flags) besides those of the intercepted calls (two each, as for
	# any path that matches nothing): 20 more rounds of dash's vfork and exec of
	# /bin/true. (It was four: the creator's pid namespace read at every clone, and the
	# exec event's former tid asked for a lone leader too.) On Linux only: in gVisor the
	# child-subreaper fix-up stops at the waits and exits, and a round stops once more;
	# and with seccomp: --no-seccomp stops twice at every syscall.
	[ "$KIND" = host ] || return 0
	case " ${XOPT[*]} " in *" --no-seccomp "*) return 0 ;; esac
	local rounds counts=()
	for rounds in 5 25; do
		fsr --stats -- dash -c "i=0; while [ \$i -lt $rounds ]; do /bin/true; i=\$((i+1)); done"
		counts+=($(printf '%s\n' "$ERR" | sed -n 's/.*stats: .*tracer_calls=\([0-9]*\) intercepted=\([0-9]*\).*/\1 \2/p'))
	done
	local c5=${counts[0]:-} i5=${counts[1]:-} c25=${counts[2]:-} i25=${counts[3]:-}
	if [ -n "$i5" ] && [ -n "$i25" ] && [ "$i25" -gt "$i5" ] &&
		[ $(((c25 - 2 * i25) - (c5 - 2 * i5))) -le 40 ]; then pass "fork-exec-event-calls"; else
		fail "fork-exec-event-calls" "5 rounds: calls $c5, intercepted $i5; 25 rounds: calls $c25, intercepted $i25"; fi
}

group_concur() {
	local rounds=2000
	[ "$KIND" = gvisor ] && rounds=150
	case "$LABEL" in asan*) rounds=1000 ;; esac
	fsr -- "$BIN/concur" "$rounds"
	if [ "$RC" = 0 ] && has_lines "$OUT" "bad reads: 0" "sequential failures: 0"; then
		pass "16-threads-write-read-$rounds-rounds"
	else
		fail "16-threads-write-read-$rounds-rounds" "$(ctx)"
	fi
}

group_rodata() {
	fsr -- "$BIN/rodata"
	want "rodata-default" 0 $'path=/proc/sys/kernel/panic\nvalue=10\nok'
	fsr -s kernel.panic=77 -- "$BIN/rodata" 77
	want "rodata-override" 0 $'path=/proc/sys/kernel/panic\nvalue=77\nok'
	# The scratch area: threads racing into their first redirect leave one area, not one
	# each; a program that maps over it or unmaps it keeps its own data, and its next
	# redirects go to a new area.
	fsr -- "$BIN/scratch" race 32
	want "scratch-race-32-threads-one-area" 0 "areas 1"
	fsr -- "$BIN/scratch" overmap
	[ -z "$ERR" ] || RC="$RC (stderr)"
	want "scratch-mapped-over-by-program" 0 $'reads 10 1\npage intact'
	fsr -- "$BIN/scratch" unmap
	[ -z "$ERR" ] || RC="$RC (stderr)"
	want "scratch-unmapped-by-program" 0 "reads 10 1"
	# A fork child's copy of the address space may predate the area its parent's record
	# already knows (another thread was mapping it): the child gets one of its own.
	local n=300
	[ "$KIND" = gvisor ] && n=100
	fsr -- "$BIN/scratch" forkrace $n
	[ -z "$ERR" ] || RC="$RC (stderr)"
	want "scratch-fork-while-mapping-$n" 0 "bad reads 0"
}

# Every exit status, and death by every signal whose default action ends the process.
group_matrix() {
	local n s bad=""
	for n in $(seq 0 255); do
		fsr -- "$BIN/sighelper" exit "$n"
		[ "$RC" = "$n" ] || bad="$bad $n->$RC"
	done
	if [ -z "$bad" ]; then pass "exit-status-0-to-255"; else fail "exit-status-0-to-255" "mismatches:$bad"; fi
	bad=""
	for s in $(seq 1 31); do
		case $(kill -l "$s") in STOP | TSTP | TTIN | TTOU | CONT | CHLD | URG | WINCH) continue ;; esac
		fsr -- "$BIN/sighelper" die "$s"
		[ "$RC" = $((128 + s)) ] || bad="$bad $(kill -l "$s")->$RC"
	done
	if [ -z "$bad" ]; then pass "death-by-each-signal-128+N"; else fail "death-by-each-signal-128+N" "mismatches:$bad"; fi
}

group_signals() {
	local n s num
	for n in 0 1 2 42 255; do
		fsr -- sh -c "exit $n"
		want_rc "exit-$n" "$n"
	done
	for s in TERM KILL SEGV INT HUP USR1; do
		num=$(kill -l "$s")
		fsr -- sh -c "kill -$s \$\$"
		want_rc "self-kill-$s" $((128 + num))
	done
	fsr -- "$BIN/sighelper" crash
	want_rc "segfault" 139
	fsr -- "$BIN/sighelper" abort
	want_rc "abort" 134
	# A traced program that uses ptrace itself gets EPERM (its children are already traced
	# by fakesys): a clear error, not a hang.
	fsr -- strace -f -o /dev/null true
	if [ "$RC" = 1 ] && printf '%s\n' "$ERR" | grep -q 'PTRACE_TRACEME.*Operation not permitted'; then
		pass "strace-under-fakesys-gets-EPERM"
	else fail "strace-under-fakesys-gets-EPERM" "want exit 1 and strace's EPERM; $(ctx)"; fi
	fsr -- sh -c '(sleep 0.3; exit 3) & exit 5'
	want_rc "exit-status-of-cmd-not-grandchild" 5
	fsr -- /nonexistent/fakesys-no-such-program
	want_rc "not-found-path" 127
	fsr -- fakesys-no-such-command-xyz
	want_rc "not-found-PATH" 127
	printf '#!/bin/sh\necho should-not-run\n' >"$W/notexec"
	chmod 0644 "$W/notexec"
	fsr -- "$W/notexec"
	want_rc "not-executable-0644" 126
	mkdir -p "$W/adir"
	fsr -- "$W/adir"
	want_rc "not-executable-directory" 126
	# CMD gets the signal dispositions and mask that it would get without fakesys.
	local base
	base=$(timeout 10 "$BIN/sighelper" dispositions 2>&1 </dev/null)
	fsr -- "$BIN/sighelper" dispositions
	want "cmd-gets-same-signal-state" 0 "$base"

	# fakesys cannot trace when it is itself traced (strace -f follows its child): 125.
	if [ "$KIND" = host ]; then
		# (LeakSanitizer cannot run under ptrace; the leak check is off for this one run.)
		runc env ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -o /dev/null "$FS" "${XOPT[@]}" -- \
			sh -c "touch $W/traced-marker"
		if [ "$RC" = 125 ] && [ ! -e "$W/traced-marker" ] && [ -n "$ERR" ]; then pass "cannot-trace-125"; else
			fail "cannot-trace-125" "want exit 125, a message, CMD not run; $(ctx)"; fi
	fi

	# Signals sent to fakesys reach the traced program.
	for s in TERM INT HUP QUIT USR1; do
		num=$(kill -l "$s")
		start_bg "$W/trap.$s" -- "$BIN/sighelper" trap
		if ! wait_for "$W/trap.$s" '^ready' 20; then
			fail "signal-$s-to-fakesys-trapped" "program never became ready: $(show "$(cat "$W/trap.$s" "$W/trap.$s.err")")"
			continue
		fi
		kill -"$s" "$BGPID"
		wait "$BGPID"
		RC=$? OUT=$(cat "$W/trap.$s") ERR=$(head -c 2000 "$W/trap.$s.err")
		if [ "$RC" = $((100 + num)) ] && has_lines "$OUT" "got $num"; then pass "signal-$s-to-fakesys-trapped"; else
			fail "signal-$s-to-fakesys-trapped" "want exit $((100 + num)) and \"got $num\"; $(ctx)"; fi
	done
	for s in TERM INT HUP QUIT; do
		num=$(kill -l "$s")
		start_bg "$W/die.$s" -- "$BIN/sighelper" wait
		if ! wait_for "$W/die.$s" '^ready' 20; then
			fail "signal-$s-to-fakesys-kills-cmd" "program never became ready: $(show "$(cat "$W/die.$s" "$W/die.$s.err")")"
			continue
		fi
		kill -"$s" "$BGPID"
		wait "$BGPID"
		RC=$? OUT=$(cat "$W/die.$s") ERR=$(head -c 2000 "$W/die.$s.err")
		want_rc "signal-$s-to-fakesys-kills-cmd" $((128 + num))
	done

	# Once CMD has exited, a request to end is passed on to the daemonised descendants
	# still traced, so fakesys ends at once and removes its private store (made by the
	# read of a fake).
	mkdir -p "$W/td"
	env --default-signal TMPDIR="$W/td" "$FS" "${XOPT[@]}" -- sh -c "cat $K/panic >/dev/null; setsid sleep 30 & echo started" \
		>"$W/daemon.out" 2>"$W/daemon.out.err" </dev/null &
	BGPID=$!
	BGPIDS+=($BGPID)
	watchdog "$BGPID" "$TMO"
	if wait_for "$W/daemon.out" '^started' 20; then
		sleep 0.5
		local stores=("$W/td"/fakesys.*) store=""
		[ -d "${stores[0]}" ] && store=${stores[0]}
		kill -TERM "$BGPID"
		if ! ended_within "$BGPID" 5; then
			fail "sigterm-after-cmd-exited-ends-daemons" "fakesys still ran 5 s after SIGTERM"
		else
			OUT=$(cat "$W/daemon.out") ERR=$(head -c 2000 "$W/daemon.out.err")
			if [ "$RC" = 0 ] && [ -n "$store" ] && [ ! -e "$store" ]; then pass "sigterm-after-cmd-exited-ends-daemons"; else
				fail "sigterm-after-cmd-exited-ends-daemons" "want exit 0 and the store \"$store\" gone: $(ctx)"; fi
		fi
	else
		fail "sigterm-after-cmd-exited-ends-daemons" "never started: $(show "$(cat "$W/daemon.out" "$W/daemon.out.err")")"
	fi

	# CMD stops itself (nobody else asked, no terminal): fakesys must not stop too, so
	# that SIGCONT to CMD lets it go on. (A session of its own, without a terminal,
	# whoever runs the tests; a job-control shell puts fakesys in a process group of its
	# own, so that the stop is not discarded as in an orphaned group.)
	setsid bash -c 'set -m; "$@" & wait $!' bash env --default-signal "$FS" "${XOPT[@]}" -- \
		sh -c 'echo pid $$; kill -TSTP $$; echo resumed' >"$W/tstp.out" 2>"$W/tstp.out.err" </dev/null &
	BGPID=$!
	BGPIDS+=($BGPID)
	watchdog "$BGPID" "$TMO"
	local cpid="" st="" j=0
	if wait_for "$W/tstp.out" '^pid ' 20; then
		cpid=$(sed -n 's/^pid \([0-9]*\)$/\1/p' "$W/tstp.out")
		while [ $j -lt 50 ]; do
			st=$(sed 's/.*) \(.\).*/\1/' "/proc/$cpid/stat" 2>/dev/null)
			case "$st" in T | t) break ;; esac
			sleep 0.1
			j=$((j + 1))
		done
		sleep 0.3
		kill -CONT "$cpid" 2>/dev/null
	fi
	if ! ended_within "$BGPID" 5; then
		fail "cmd-stops-itself-sigcont-resumes" "fakesys still ran 5 s after SIGCONT to CMD (state was \"$st\"): $(show "$(cat "$W/tstp.out")")"
	else
		OUT=$(cat "$W/tstp.out") ERR=$(head -c 2000 "$W/tstp.out.err")
		want "cmd-stops-itself-sigcont-resumes" 0 "pid $cpid"$'\nresumed'
	fi

	# SIGSTOP / SIGCONT sent to the traced program.
	start_bg "$W/tick" -- "$BIN/sighelper" ticker 60
	if wait_for "$W/tick" '^tick 3$' 20; then
		local tpid c1 c2 st
		tpid=$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$W/tick")
		kill -STOP "$tpid"
		sleep 0.6
		c1=$(grep -c '^tick' "$W/tick")
		st=$(sed 's/.*) \(.\).*/\1/' "/proc/$tpid/stat" 2>/dev/null)
		sleep 0.8
		c2=$(grep -c '^tick' "$W/tick")
		kill -CONT "$tpid"
		wait "$BGPID"
		RC=$? OUT=$(cat "$W/tick") ERR=$(head -c 2000 "$W/tick.err")
		local total
		total=$(grep -c '^tick' "$W/tick")
		if [ "$c1" != "$c2" ]; then
			fail "sigstop-sigcont-traced-program" "ticks went on while stopped ($c1 -> $c2; state $st)"
		elif [ "$RC" != 0 ] || [ "$total" != 60 ]; then
			fail "sigstop-sigcont-traced-program" "after SIGCONT: exit $RC, $total of 60 ticks; stderr $(show "$ERR")"
		else
			pass "sigstop-sigcont-traced-program"
		fi
		case "$st" in
		T | t) pass "sigstop-state-stopped" ;;
		*) fail "sigstop-state-stopped" "/proc/PID/stat state \"$st\" while stopped, want T or t" ;;
		esac
	else
		fail "sigstop-sigcont-traced-program" "no ticks: $(show "$(cat "$W/tick" "$W/tick.err")")"
		wait "$BGPID" 2>/dev/null
	fi
}

group_k3s() {
	local nf=/proc/sys/net/netfilter/nf_conntrack_max ipf=/proc/sys/net/ipv4/ip_forward real
	fsr -p k3s -- sh -c "cat /sys/module/nf_conntrack/parameters/hashsize $nf /proc/sys/kernel/pid_max $K/panic"
	want "k3s-profile-values" 0 $'32768\n131072\n4194304\n10'
	fsr -p k3s -- "$BB" ls /proc/sys/net/netfilter
	want_lines "k3s-profile-listing" 0 nf_conntrack_max nf_conntrack_tcp_be_liberal
	# real-first: the real value is served until something writes; then the store's.
	real=$(cat $ipf 2>&1)
	fsr -p k3s -- sh -c "cat $ipf; echo 1 > $ipf; cat $ipf"
	want "k3s-real-first-ip_forward" 0 "$real"$'\n1'
	if [ "$(cat $ipf 2>&1)" = "$real" ]; then pass "k3s-real-ip_forward-untouched"; else
		fail "k3s-real-ip_forward-untouched" "real $ipf changed from $real to $(cat $ipf)"; fi
	# kube-proxy raises nf_conntrack_max only when lower.
	fsr -p k3s -- sh -c "v=\$(cat $nf); if [ \$v -lt 262144 ]; then echo 262144 > $nf; fi; cat $nf"
	want "k3s-raise-conntrack-max" 0 "262144"
}

# ---------------------------------------------------------------------------------------
# Every sysctl of every embedded profile takes procps `sysctl -w` at the profile's value and
# at a second valid value, and `sysctl -n` prints each back. On the host the kernel is the
# oracle: the keys that a fresh network namespace has, writable (a veth pair there is
# named eth0 and eth1; eth0 stands for `*` in pattern rules), must give the same lines
# natively. The real keys must be unchanged afterwards, on the host and in gVisor.
PATTERN_IFACE=eth0

# profile_sysctls PROFILE: KEY=VALUE per sysctl of PROFILE (from --print-profile), `*`
# replaced by $PATTERN_IFACE. A sysctl printed as a `file` rule (content that KEY = VALUE
# cannot give) is printed as "UNPARSED line", for the caller to fail on.
profile_sysctls() {
	local line
	"$FS" -p "$1" --print-profile | while IFS= read -r line; do
		line=${line#real-first }
		case $line in
		'#'* | '' | 'read-only '*) ;; # read-only keys refuse writes (groups identity, kernelchecks)
		'file /proc/sys/'*) printf 'UNPARSED %s\n' "$line" ;;
		file\ * | dir\ * | generated\ * | cgroupfs\ *) ;;
		*' = '*) printf '%s=%s\n' "${line%% = *}" "${line#* = }" ;;
		*) printf 'UNPARSED %s\n' "$line" ;;
		esac
	done | sed "s/\*/$PATTERN_IFACE/g"
}
# second_value VALUE: another value the kernel accepts for the same key: the first field,
# an integer, one lower (one higher at 0); the other fields kept.
second_value() {
	local first=${1%%[[:space:]]*}
	case $first in
	'' | *[!0-9]*) return 1 ;;
	0) printf '%s' "$((first + 1))${1#"$first"}" ;;
	*) printf '%s' "$((first - 1))${1#"$first"}" ;;
	esac
}
# expected_rw KEY=VALUE...: what tests/progs/sysctl_rw.sh prints when every write works.
expected_rw() {
	local kv
	for kv; do printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"; done
	echo "-w exit 0"
	for kv; do printf '%s\n' "${kv#*=}"; done
	echo "-n exit 0"
}
# real_values KEY=VALUE...: the real value of each key, as this kernel has it.
real_values() {
	local kv k
	for kv; do
		k=${kv%%=*}
		printf '%s: %s\n' "$k" "$(cat "/proc/sys/${k//.//}" 2>&1)"
	done
}
# kernel_rw FILE: sysctl_rw.sh natively in a fresh network namespace with a veth pair
# eth0/eth1, on the pairs of FILE (one a line) whose key is under net (only those belong
# to the namespace: kernel.* and vm.* there are the host's own) and which the namespace
# has and lets root write (net.netfilter.nf_conntrack_max is read-only there).
kernel_rw() {
	runc unshare -n bash -c '
		ip link add eth0 type veth peer name eth1 || exit 3
		mapfile -t all <"$1"
		has=()
		for kv in "${all[@]}"; do
			k=${kv%%=*}
			case $k in net.*) [ -w "/proc/sys/${k//.//}" ] && has+=("$kv") ;; esac
		done
		: >"$1.kernel"
		[ ${#has[@]} = 0 ] || { printf "%s\n" "${has[@]}" >"$1.kernel" && bash "$2" "${has[@]}"; }' _ "$1" "$PROGS/sysctl_rw.sh"
}

group_profiles() {
	local p kv v want before n
	local -a pairs first_set second_set kernel_set
	if [ "$KIND" = gvisor ]; then
		# Without fakesys, procps cannot write even the key gVisor takes writes on: its
		# statx fails (EINVAL); under fakesys the cni, k3s and kubeadm runs below write it.
		runc sysctl -w net.ipv4.ip_forward=1
		if [[ $ERR == *'"net.ipv4.ip_forward": Invalid argument'* ]]; then pass "native-sysctl-w-ip_forward-fails"
		else fail "native-sysctl-w-ip_forward-fails" "$(ctx)"; fi
	fi
	for p in $("$FS" --list-profiles | cut -f1); do
		mapfile -t pairs < <(profile_sysctls "$p")
		first_set=() second_set=()
		for kv in "${pairs[@]}"; do
			case $kv in UNPARSED\ *)
				fail "$p:parse" "$kv"
				continue 2 ;;
			esac
			first_set+=("$kv")
			if ! v=$(second_value "${kv#*=}"); then
				fail "$p:second-value" "no second value for $kv"
				continue 2
			fi
			second_set+=("${kv%%=*}=$v")
		done
		if [ ${#first_set[@]} = 0 ]; then
			# cgroups (a tree and generated files) and runc (a generated file): no sysctl
			# to write; their own groups test them.
			"$FS" -p "$p" --print-profile | grep -qE '^(cgroupfs|generated) ' && pass "$p:no-sysctls" ||
				fail "$p:no-sysctls" "profile $p has neither a sysctl, a cgroup tree nor a generated file"
			continue
		fi
		before=$(real_values "${first_set[@]}")
		for n in first second; do
			local -n set=${n}_set
			want=$(expected_rw "${set[@]}")
			fsr -p "$p" -- bash "$PROGS/sysctl_rw.sh" "${set[@]}"
			OUT="$OUT$ERR"
			want "$p:sysctl-w-$n-values(${#set[@]})" 0 "$want"
			[ "$KIND" = host ] || continue
			printf '%s\n' "${set[@]}" >"$W/pairs"
			kernel_rw "$W/pairs"
			mapfile -t kernel_set <"$W/pairs.kernel"
			# Global keys only (kernel.*, vm.*): no namespace to ask without touching the host's.
			[ ${#kernel_set[@]} = 0 ] && continue
			OUT="$OUT$ERR"
			want "$p:same-as-kernel-$n-values(${#kernel_set[@]})" 0 "$(expected_rw "${kernel_set[@]}")"
		done
		if [ "$(real_values "${first_set[@]}")" = "$before" ]; then pass "$p:real-keys-unchanged"; else
			fail "$p:real-keys-unchanged" "$(show "$(diff <(printf '%s\n' "$before") <(real_values "${first_set[@]}"))")"
		fi
	done
}

# fuse-overlayfs needs kernel.overflowuid and overflowgid, which gVisor lacks. In gVisor it
# exits on the first without fakesys; under -p fuse-overlayfs it gets past every kernel
# file, to gVisor's FUSE, which refuses the capabilities it asks for (or, on a gVisor that
# grants them, it mounts: -f keeps it in the foreground until the timeout). On the host it
# mounts under fakesys: a file written through the mount lands in the upper directory.
group_fuse() {
	local d=$W/ovl ovl
	mkdir -p "$d/lower" "$d/upper" "$d/work" "$d/merged" && echo lower >"$d/lower/a"
	ovl=(fuse-overlayfs -o "lowerdir=$d/lower,upperdir=$d/upper,workdir=$d/work" "$d/merged")
	if [ "$KIND" = gvisor ]; then
		runc "${ovl[0]}" -f "${ovl[@]:1}"
		if [ "$RC" != 0 ] && [[ $ERR == *"can't open /proc/sys/kernel/overflowuid"* ]]; then
			pass "without-fakesys-no-overflowuid"
		else fail "without-fakesys-no-overflowuid" "$(ctx)"; fi
		runc timeout 20 "$FS" "${XOPT[@]}" -p fuse-overlayfs -- "${ovl[0]}" -f "${ovl[@]:1}"
		if [[ $ERR == *"can't open"* || $ERR == *"can't parse"* || $ERR == *"/proc/sys"* ]]; then
			fail "past-kernel-files" "$(ctx)"
		elif [ "$RC" = 124 ] ||
			[[ $ERR == *"filesystem requested capabilities 0x40 that are not supported by kernel"* ]]; then
			pass "past-kernel-files"
		else fail "past-kernel-files" "neither mounted nor gVisor's FUSE refusal: $(ctx)"; fi
		return
	fi
	fsr -p fuse-overlayfs -- sh -c "${ovl[*]} && cat $d/merged/a && echo upper >$d/merged/b &&
		cat $d/upper/b && fusermount3 -u $d/merged && ls $d/merged | wc -l"
	want "mount-write-unmount" 0 $'lower\nupper\n0'
	# statfs and fstatfs of a file on a FUSE mount whose daemon is traced, with the
	# statfs-enosys fix-up forced on (as in gVisor): fakesys must not ask the kernel
	# itself, which waits for the daemon while the daemon waits for fakesys (two statfs
	# entry checks that did hung here: 0a95de9, 315eb49). The answers are the kernel's
	# (the same, natively).
	local sf="${ovl[*]} && stat -f -c %T $d/merged/a && python3 -c 'import os; print(os.fstatvfs(os.open(\"$d/merged/a\", os.O_RDONLY)).f_bsize > 0)' && fusermount3 -u $d/merged"
	runc sh -c "$sf"
	local native=$OUT
	if [ "$RC" = 0 ] && [ "$native" = $'fuseblk\nTrue' ]; then
		# That deadlock outlives SIGKILL (the statfs waits uninterruptibly once sent):
		# a watchdog aborts the FUSE connections after 25 s so that the test can fail.
		local TMO=30 watchdog fusectl=/sys/fs/fuse/connections
		mountpoint -q "$fusectl" || mount -t fusectl fusectl "$fusectl" 2>/dev/null
		(sleep 25 && for c in "$fusectl"/*/abort; do [ -e "$c" ] && echo 1 >"$c"; done) &
		watchdog=$!
		fsr --fixup statfs-enosys -p fuse-overlayfs -- sh -c "$sf"
		kill "$watchdog" 2>/dev/null
		want "statfs-fixup-on-fuse-as-kernel" 0 "$native"
		fusermount3 -u -z "$d/merged" 2>/dev/null
		# Where a mount fix-up traces mount(2) (as in gVisor), fakesys asks its own
		# statfs at the entry, to spare the exit stop; never once a traced process has
		# mounted a FUSE filesystem (mount-strictatime changes nothing here).
		(sleep 25 && for c in "$fusectl"/*/abort; do [ -e "$c" ] && echo 1 >"$c"; done) &
		watchdog=$!
		fsr --fixup statfs-enosys --fixup mount-strictatime -p fuse-overlayfs -- sh -c "$sf"
		kill "$watchdog" 2>/dev/null
		want "statfs-entry-check-stays-off-fuse" 0 "$native"
		fusermount3 -u -z "$d/merged" 2>/dev/null
	else
		fail "statfs-fixup-on-fuse-as-kernel" "natively: $(ctx)"
	fi
}

group_jobctl() {
	# Job control under a pty (interactive bash, ^Z, fg). The baseline proves the
	# harness works without fakesys; then the same with fakesys.
	runc /usr/bin/python3 "$PROGS/jobctl.py"
	if [ "$RC" != 0 ]; then
		fail "pty-job-control-baseline" "without fakesys: $(ctx)"
		return
	fi
	runc /usr/bin/python3 "$PROGS/jobctl.py" "$FS" "${XOPT[@]}" --
	want "pty-job-control-ctrl-z-fg" 0 "jobctl: ok"
	# CMD takes the terminal for a group of its own and stops: fakesys, no longer the
	# terminal's foreground, must not stop itself, so SIGCONT to CMD is enough.
	runc /usr/bin/python3 "$PROGS/jobctl.py" --newpgrp "$BIN/sighelper"
	if [ "$RC" != 0 ]; then
		fail "pty-newpgrp-baseline" "without fakesys: $(ctx)"
		return
	fi
	runc /usr/bin/python3 "$PROGS/jobctl.py" --newpgrp "$BIN/sighelper" "$FS" "${XOPT[@]}" --
	want "pty-cmd-stops-in-own-pgrp-fakesys-runs-on" 0 "jobctl: ok"
}

group_paths() {
	local host
	host=$(cat $K/hostname)
	fsr -- sh -c "cd $K && cat panic"
	want "relative-in-real-dir" 0 "10"
	fsr -- sh -c "cd $KK && cat root_maxkeys && cat ../panic && $BB cat ./root_maxbytes"
	want "relative-in-fake-dir" 0 $'1000000\n10\n25000000'
	fsr -- sh -c "cd /proc/sys && cat kernel/keys/../panic && cd kernel/keys && cat ../../vm/panic_on_oom"
	want "relative-with-dotdot" 0 $'10\n0'
	fsr -- cat /proc/sys/kernel/../kernel/panic //proc//sys///kernel/panic /proc/./sys/kernel/./panic /proc/sys/vm/../kernel/keys/../panic
	want "dotdot-double-slash-dot" 0 $'10\n10\n10\n10'
	fsr -- "$BIN/fsops" cat $K/panic/
	want "trailing-slash-on-file-ENOTDIR" 1 "ERR ENOTDIR"
	fsr -- "$BIN/fsops" stat $KK/
	want "trailing-slash-on-fake-dir" 0 "dir"
	fsr -- "$BIN/fsops" stat $KK//.
	want "fake-dir-dot" 0 "dir"
	fsr -- "$BIN/fsops" openat $KK root_maxkeys
	want "openat-dirfd-fake-dir" 0 "1000000"
	fsr -- "$BIN/fsops" openat $KK ../panic
	want "openat-dirfd-fake-dir-dotdot" 0 "10"
	fsr -- "$BIN/fsops" openat $K panic
	want "openat-dirfd-real-dir" 0 "10"
	fsr -- "$BIN/fsops" openat /proc/sys kernel/keys/root_maxbytes
	want "openat-dirfd-multi-component" 0 "25000000"
	fsr -- "$BIN/fsops" openat $K hostname
	want "openat-dirfd-real-entry" 0 "$host"
	fsr -- "$BIN/fsops" openat $KK no_such_key
	want "openat-missing-in-fake-dir-ENOENT" 1 "ERR ENOENT"
	fsr -- "$BIN/fsops" emptypath $K/panic
	want "AT_EMPTY_PATH-on-fake-fd" 0 $'reg reg reg\n10'
	# Real entries of a directory that lists fakes stay reachable, relative to the cwd too.
	fsr -- sh -c "cd $K && cat hostname && cat keys/root_maxkeys"
	want "cwd-in-union-dir-real-entry" 0 "$host"$'\n1000000'
	# getcwd after chdir into such directories names the directory, not the store.
	fsr -- "$BIN/fsops" cwd $K
	want "getcwd-in-union-dir" 0 "$K"
	fsr -- "$BIN/fsops" cwd $KK
	want "getcwd-in-fake-dir" 0 "$KK"
	# Bad path arguments keep their kernel errors.
	fsr -- "$BIN/fsops" efault x
	want "bad-path-pointer-EFAULT" 1 "ERR EFAULT"
	local long
	long=$(printf 'a%.0s' $(seq 5000))
	fsr -- "$BIN/fsops" cat "$K/$long"
	want "path-too-long-ENAMETOOLONG" 1 "ERR ENAMETOOLONG"
	fsr -- "$BIN/fsops" cat ""
	want "empty-path-ENOENT" 1 "ERR ENOENT"
	# One raw syscall each.
	fsr -- "$BIN/fsops" cat $K/panic_on_oops
	want "sys-open" 0 "1"
	local op
	for op in stat lstat fstatat statx; do
		fsr -- "$BIN/fsops" $op $K/panic
		want "sys-$op-file" 0 "reg"
		fsr -- "$BIN/fsops" $op $KK
		want "sys-$op-dir" 0 "dir"
		fsr -- "$BIN/fsops" $op $KK/no_such_key
		want "sys-$op-missing-ENOENT" 1 "ERR ENOENT"
	done
	for op in access faccessat faccessat2; do
		fsr -- "$BIN/fsops" $op $MAXKEYS r
		want "sys-$op-read" 0 "ok"
		fsr -- "$BIN/fsops" $op $MAXKEYS w
		want "sys-$op-write" 0 "ok"
		fsr -- "$BIN/fsops" $op $KK/no_such_key f
		want "sys-$op-missing-ENOENT" 1 "ERR ENOENT"
	done
	fsr -- "$BIN/fsops" readlink $K/panic
	want "sys-readlink-on-fake-EINVAL" 1 "ERR EINVAL"
	fsr -- "$BIN/fsops" readlinkat $K/panic
	want "sys-readlinkat-on-fake-EINVAL" 1 "ERR EINVAL"
	fsr -- sh -c "$BIN/fsops creat $K/panic 42 && cat $K/panic"
	want "sys-creat" 0 $'ok\n42'
	# truncate(2) on a sysctl file succeeds and changes nothing (proc_sys_setattr).
	fsr -- sh -c "$BIN/fsops truncate $MAXKEYS 0 && cat $MAXKEYS"
	want "sys-truncate-keeps-value" 0 $'ok\n1000000'
	fsr -- "$BIN/fsops" chdir $KK root_maxbytes
	want "sys-chdir-fake-dir" 0 "25000000"
	fsr -- "$BIN/fsops" chdir $K panic
	want "sys-chdir-real-dir" 0 "10"
	runc "$BIN/fsops" openat2 /etc/hostname
	if [ "$OUT" = "ERR ENOSYS" ]; then
		fsr -- "$BIN/fsops" openat2 $K/panic
		want "sys-openat2-ENOSYS-kept" 1 "ERR ENOSYS"
	else
		fsr -- "$BIN/fsops" openat2 $K/panic
		want "sys-openat2" 0 "10"
	fi
	# Symbolic links themselves are untouched. (Following a link elsewhere to a fake is a
	# documented limit: paths are resolved lexically.)
	ln -s $K/panic "$W/link"
	fsr -- "$BIN/fsops" readlink "$W/link"
	want "readlink-of-link-untouched" 0 "$K/panic"
	fsr -- "$BIN/fsops" lstat "$W/link"
	want "lstat-of-link-untouched" 0 "lnk"
}

# Every other name of a fake reaches the fake, never the real kernel file (docs/security.md).
# The kernel is the oracle: the writes go to a real per-network-namespace key, which on the
# host belongs to a throwaway `unshare -n` namespace (gVisor's whole netstack is the
# sandbox's own, and its unshare -n does not isolate), and its real value must be unchanged
# afterwards, in that same namespace.
group_aliases() {
	local key=ip_default_ttl per
	[ "$KIND" = gvisor ] && key=tcp_recovery # gVisor has no ip_default_ttl; this one takes any integer
	local d=/proc/sys/net/ipv4
	local kp=$d/$key skey=net.ipv4.$key netns=(unshare -n)
	[ "$KIND" = gvisor ] && netns=()
	# keyed.sh KEYPATH REALFILE CMD...: runs CMD (with /proc bound on $BIND_PROC meanwhile,
	# if set) with OUTSIDE set to its own pid, and writes the real value of KEYPATH before
	# and after CMD into REALFILE. (gVisor's mounts are sandbox-wide: hence the umount.)
	printf '%s\n' 'kp=$1 realfile=$2' 'shift 2' \
		'if [ -n "${BIND_PROC:-}" ]; then mount --bind /proc "$BIND_PROC" || exit 99; fi' \
		'before=$(cat "$kp")' 'OUTSIDE=$$ "$@"' 'rc=$?' 'echo "$before $(cat "$kp")" >"$realfile"' \
		'if [ -n "${BIND_PROC:-}" ]; then umount "$BIND_PROC"; fi' 'exit $rc' >"$W/keyed.sh"
	# via NAME WANT SCRIPT [FAKESYS OPTIONS...]: SCRIPT runs in sh under fakesys with $fake
	# (KEY=99), in the throwaway namespace; its stdout must be WANT ("*": anything) and the
	# real KEY unchanged.
	local fake="-s $skey=99"
	via() {
		local name=$1 want=$2 script=$3 real
		shift 3
		: >"$W/real"
		runc "${netns[@]}" bash "$W/keyed.sh" "$kp" "$W/real" "$FS" "${XOPT[@]}" $fake "$@" -- sh -c "$script"
		read -r -a real <"$W/real"
		if [ "${#real[@]}" != 2 ] || [ "${real[0]}" != "${real[1]}" ]; then
			fail "$name" "the real $kp changed: before and after $(show "$(cat "$W/real")"); $(ctx)"
		elif [ "$want" != "*" ] && [ "$OUT" != "$want" ]; then
			fail "$name" "stdout $(show "$OUT"), want $(show "$want"); $(ctx)"
		else
			pass "$name"
		fi
	}
	# Magic links, and the links that lead to them.
	via "write-proc-self-fd-dir" 31 "exec 3<$d; echo 31 > /proc/self/fd/3/$key; cat $kp"
	via "write-dev-fd-dir" 32 "exec 3<$d; echo 32 > /dev/fd/3/$key; cat $kp"
	via "write-proc-self-root" 33 "echo 33 > /proc/self/root$kp; cat $kp"
	via "write-proc-thread-self-root" 34 "echo 34 > /proc/thread-self/root$kp; cat $kp"
	via "write-proc-self-cwd" 35 "cd /proc/sys/net; echo 35 > /proc/self/cwd/ipv4/$key; cat $kp"
	via "write-proc-pid-fd-dir" 36 "exec 3<$d; echo 36 > /proc/\$\$/fd/3/$key; cat $kp"
	via "write-proc-parent-root" 37 "sh -c 'echo 37 > /proc/\$PPID/root$kp'; cat $kp"
	via "write-proc-self-task-fd-dir" 38 "exec 3<$d; echo 38 > /proc/self/task/\$\$/fd/3/$key; cat $kp"
	via "write-dev-stdin-dir" 39 "exec 0<$d; echo 39 > /dev/stdin/$key; cat $kp"
	via "write-thread-self-dotdot" 40 "echo 40 > /proc/thread-self/../../../sys/net/ipv4/$key; cat $kp"
	via "read-fake-through-every-alias" $'99\n99\n99\n99\n99\n99' "exec 3<$d; cat /proc/self/fd/3/$key /dev/fd/3/$key \
/proc/self/root$kp /proc/thread-self/root$kp; read v </proc/self/task/\$\$/fd/3/$key; echo \$v; cd $d; cat /proc/self/cwd/$key"
	# A directory that lacks a fake entry is served from a mirror: a magic link into the
	# mirror stands for the directory, fakes and real entries alike.
	local fwd
	fwd=$(cat $d/ip_forward 2>&1)
	via "magic-link-into-mirror" $'41\n'"$fwd" "exec 3<$d; echo 41 > /proc/self/fd/3/$key; cat $kp /proc/self/fd/3/ip_forward" \
		-s net.ipv4.fakesys_extra=1
	# A real-first fake gives readers the real file; reopening that fd for writing must not.
	printf 'real-first %s = 99\n' "$skey" >"$W/realfirst.conf"
	fake="" via "reopen-real-first-fd-for-writing" 42 "exec 3<$kp; echo 42 > /proc/self/fd/3; cat $kp" -p "$W/realfirst.conf"
	# Links to pipes are left alone.
	via "dev-stdout-pipe-untouched" ok "echo ok > /dev/stdout"
	# Ordinary symbolic links anywhere, to the key or a directory above it, absolute or
	# relative, chained, followed before "..": a write goes to the fake, never the real key.
	rm -rf "$W/links" && mkdir -p "$W/links/sub"
	ln -s "$kp" "$W/links/key" && ln -s "$d" "$W/links/dir" && ln -s key "$W/links/chain" &&
		ln -s "../dir/$key" "$W/links/sub/relative"
	via "write-symlink-to-key" 43 "echo 43 > $W/links/key; cat $kp"
	via "write-symlink-to-dir" 44 "echo 44 > $W/links/dir/$key; cat $kp"
	via "write-symlink-chain" 45 "echo 45 > $W/links/chain; cat $kp"
	via "write-relative-symlink" 46 "cd $W/links/sub && echo 46 > relative; cat $kp"
	via "write-symlink-then-dotdot" 47 "echo 47 > $W/links/dir/../ipv4/$key; cat $kp"
	# A name relative to a dirfd: the fake, whether the directory was opened under fakesys
	# or inherited from outside it (fakesys skips the dirfd's lookup only in a process
	# that holds no fd leading to a fake).
	local atfd="import os, sys; fd = int(sys.argv[1]) if len(sys.argv) > 1 else os.open('$d', os.O_RDONLY)
print(os.read(os.open('$key', os.O_RDONLY, dir_fd=fd), 64).decode().strip())"
	via "read-fake-via-dirfd" 99 "python3 -c \"$atfd\""
	runc "${netns[@]}" sh -c 'exec 3<"$1"; shift; exec "$@"' sh "$d" "$FS" "${XOPT[@]}" $fake -- python3 -c "$atfd" 3
	if [ "$RC" = 0 ] && [ "$OUT" = 99 ]; then pass "read-fake-via-inherited-dirfd"; else
		fail "read-fake-via-inherited-dirfd" "want 99; $(ctx)"; fi
	# find: a name relative to a dirfd that leads to no fake costs no lookup of the dirfd.
	local i
	rm -rf "$W/find" && for i in 0 1 2 3 4 5 6 7 8 9; do mkdir -p "$W/find/$i/d" && touch "$W/find/$i/d/"{a,b,c,d,e,f,g,h,i,j}; done
	# (the calls and intercepted syscalls beyond those of a find of an empty directory,
	# which has fakesys's start-up and find's own)
	local calls='s/.*tracer_calls=\([0-9]*\) intercepted=\([0-9]*\).*/\1 \2/p' empty
	mkdir -p "$W/find-empty"
	fsr --stats -- find "$W/find-empty" -type f
	empty=$(printf '%s\n' "$ERR" | sed -n "$calls")
	fsr --stats -- find "$W/find" -type f
	per=$(printf '%s\n' "$ERR" | sed -n "$calls")
	if [ "$RC" = 0 ] && [ "$(printf '%s\n' "$OUT" | wc -l)" = 100 ] &&
		awk -v p="$per" -v e="$empty" 'BEGIN { split(p, a, " "); split(e, b, " ");
			exit !(a[2] >= b[2] + 50 && (a[1] - b[1]) / (a[2] - b[2]) <= 2.0) }'; then
		pass "find-costs-no-dirfd-lookup"
	else fail "find-costs-no-dirfd-lookup" "tracer calls and intercepted syscalls: $(show "$per"), of an empty dir $(show "$empty"): want at most 2 calls per syscall beyond those; $(ctx)"; fi
	# A redirected open costs 3 tracer calls: the registers, the path (with the scratch
	# area's first word in the same process_vm_readv) and the registers again; beyond
	# python's own (which vary by a few: hence the quarter of a call to spare). gVisor
	# has no process_vm_readv: the word is a read of its own there.
	local opens="import os, sys
for _ in range(int(sys.argv[1])): os.close(os.open('$kp', os.O_RDONLY))" few many per_open=3
	[ "$KIND" = gvisor ] && per_open=4
	calls='s/.*tracer_calls=\([0-9]*\) intercepted=\([0-9]*\) redirected=\([0-9]*\).*/\1 \2 \3/p'
	fsr --stats $fake -- python3 -c "$opens" 10
	few=$(printf '%s\n' "$ERR" | sed -n "$calls")
	fsr --stats $fake -- python3 -c "$opens" 310
	many=$(printf '%s\n' "$ERR" | sed -n "$calls")
	if [ "$RC" = 0 ] && awk -v m="$many" -v f="$few" 'BEGIN { split(m, a, " "); split(f, b, " ");
		exit !(a[3] - b[3] == 300 && a[2] - b[2] == 300 && (a[1] - b[1]) / 300 < '$per_open' + 0.25) }'; then
		pass "redirect-costs-$per_open-calls"
	else fail "redirect-costs-$per_open-calls" "tracer calls, intercepted and redirected syscalls of 310 opens of $kp: $(show "$many"), of 10: $(show "$few"): want 300 more of each and at most $per_open calls each; $(ctx)"; fi

	# A per-process rule matches however the process's file is reached.
	printf 'file /proc/self/mounts = fake-mounts\\n\nfile /proc/self/net/dev = fake-dev\\n\nfile /proc/self/comm = fake\\n\n' \
		>"$W/self.conf"
	via "proc-mounts-and-net-symlinks" $'fake-mounts\nfake-dev' "cat /proc/mounts /proc/net/dev" -p "$W/self.conf"
	via "proc-task-and-thread-self" $'fake-mounts\nfake-mounts' \
		"read m </proc/self/task/\$\$/mounts; echo \$m; read m </proc/thread-self/mounts; echo \$m" -p "$W/self.conf"
	# comm is writable: the real one (field 2 of stat, which is not faked) must not change.
	# (gVisor refuses to write a real comm with EIO: stderr goes to stdout to show it.)
	via "write-comm-through-task-dirs" $'c3\n(sh)' "exec 2>&1; echo c1 > /proc/thread-self/comm; echo c2 > /proc/self/task/\$\$/comm; \
echo c3 > /proc/\$\$/comm; read c </proc/self/comm; echo \$c; read s </proc/\$\$/stat; set -- \$s; echo \$2" -p "$W/self.conf"

	# The cwd belongs to the fs_struct: tasks that do not share it resolve against their own.
	# (Each case writes its own value: gVisor's real key keeps what an earlier case wrote.)
	local m want v=60
	for m in unshare noclonefs clonefs; do
		v=$((v + 1))
		mkdir -p "$W/fs-$m"
		want="mover read: $v"$'\nstayer read: stayer'
		[ $m = clonefs ] && want="mover read: $v"
		via "relative-write-$m" "$want" "cd $W/fs-$m && $BIN/fsshare $m $d $key $v"
	done

	# chroot (with /proc bound into the new root): the cwd and dirfds are named from that
	# root; what lies outside it has no name there, so a write through it fails (fakes are
	# unreachable too: the store lies outside the root).
	local r=$W/chroot
	mkdir -p "$r/proc" && cp "$BB" "$r/busybox"
	[ "$KIND" = host ] && netns=(unshare -n -m)
	BIND_PROC=$r/proc via "chroot-relative-write" "" "chroot $r /busybox sh -c 'cd $d && echo 51 > $key; true'"
	BIND_PROC=$r/proc via "chroot-absolute-write" "" "chroot $r /busybox sh -c 'echo 52 > $kp; true'"
	BIND_PROC=$r/proc via "chroot-escape-via-proc-pid-root" "" \
		"chroot $r /busybox sh -c 'echo 53 > /proc/\$OUTSIDE/root$kp; true'"
	if printf '%s' "$ERR" | grep -q 'Permission denied'; then pass "chroot-escape-EACCES"; else
		fail "chroot-escape-EACCES" "want EACCES for a write fakesys cannot resolve; $(ctx)"; fi
	[ "$KIND" = host ] && netns=(unshare -n)

	# An ordinary path that matches no rule costs one stop and two tracer calls (registers,
	# path); so does a relative one once the cwd is known. (--no-seccomp stops twice.)
	case " ${XOPT[*]} " in *" --no-seccomp "*) return ;; esac
	fsr --stats -- "$BB" sh -c 'cd /etc; i=0; while [ $i -lt 2000 ]; do [ -e /etc/hostname ]; [ -e hostname ]; i=$((i+1)); done'
	per=$(printf '%s\n' "$ERR" | sed -n 's/.*per intercepted syscall: \([0-9.]*\) stops, \([0-9.]*\) tracer calls.*/\1 \2/p')
	if [ "$RC" = 0 ] && awk -v p="$per" 'BEGIN { split(p, a, " "); exit !(a[1] != "" && a[1] <= 1.01 && a[2] <= 2.01) }'; then
		pass "non-matching-path-costs-1-stop-2-calls"
	else fail "non-matching-path-costs-1-stop-2-calls" "per intercepted syscall: $(show "$per"); $(ctx)"; fi
}

group_badinput() {
	local m="$W/marker"
	fsr --bogus-option -- sh -c "touch $m.0"
	if [ "$RC" = 2 ] && [ ! -e "$m.0" ] && [ "$(printf '%s\n' "$ERR" | head -1 | grep -c -- '--bogus-option')" = 1 ] &&
		printf '%s\n' "$ERR" | sed -n 2p | grep -qi '^usage'; then
		pass "unknown-option"
	else fail "unknown-option" "want exit 2, one line naming the option, then usage; $(ctx)"; fi
	fsr
	want_rc "no-arguments" 2
	fsr --
	want_rc "missing-cmd" 2
	fsr -v
	want_rc "options-without-cmd" 2
	fsr sh -c "touch $m.1"
	if [ "$RC" = 2 ] && [ ! -e "$m.1" ]; then pass "missing-double-dash"; else
		fail "missing-double-dash" "want exit 2 and CMD not run; marker $([ -e "$m.1" ] && echo created || echo absent); $(ctx)"; fi
	printf '# comment\nvm.panic_on_oom = 0\nthis line is not valid\n' >"$W/bad.conf"
	fsr -p "$W/bad.conf" -- sh -c "touch $m.2"
	if [ "$RC" = 2 ] && [ ! -e "$m.2" ] && printf '%s' "$ERR" | grep -qF "$W/bad.conf:3:"; then
		pass "malformed-profile-line"
	else fail "malformed-profile-line" "want exit 2, \"$W/bad.conf:3:\", CMD not run; $(ctx)"; fi
	printf 'kernel.panic\n' >"$W/bad2.conf"
	fsr -p default -p "$W/bad2.conf" -- sh -c "touch $m.3"
	if [ "$RC" = 2 ] && [ ! -e "$m.3" ] && printf '%s' "$ERR" | grep -qF "$W/bad2.conf:1:"; then
		pass "profile-key-without-value"
	else fail "profile-key-without-value" "$(ctx)"; fi
	fsr -p no-such-profile-xyz -- sh -c "touch $m.4"
	if [ "$RC" = 2 ] && [ ! -e "$m.4" ]; then pass "unknown-profile-name"; else fail "unknown-profile-name" "$(ctx)"; fi
	fsr -p "$W/does-not-exist.conf" -- sh -c "touch $m.5"
	if [ "$RC" = 2 ] && [ ! -e "$m.5" ]; then pass "missing-profile-file"; else fail "missing-profile-file" "$(ctx)"; fi
	fsr -s kernel.panic -- sh -c "touch $m.6"
	if [ "$RC" = 2 ] && [ ! -e "$m.6" ]; then pass "sysctl-without-value"; else fail "sysctl-without-value" "$(ctx)"; fi
	mkdir -m 700 "$W/realstore"
	ln -s "$W/realstore" "$W/storelink"
	fsr --store "$W/storelink" -- sh -c "touch $m.7"
	if [ "$RC" = 2 ] && [ ! -e "$m.7" ]; then pass "store-symlink-refused"; else fail "store-symlink-refused" "$(ctx)"; fi
	mkdir "$W/ww"
	chmod 0777 "$W/ww"
	fsr --store "$W/ww" -- sh -c "touch $m.8"
	if [ "$RC" = 2 ] && [ ! -e "$m.8" ]; then pass "store-world-writable-refused"; else fail "store-world-writable-refused" "$(ctx)"; fi
	mkdir "$W/gr"
	chmod 0750 "$W/gr"
	fsr --store "$W/gr" -- sh -c "touch $m.9"
	if [ "$RC" = 2 ] && [ ! -e "$m.9" ]; then pass "store-group-accessible-refused"; else fail "store-group-accessible-refused" "$(ctx)"; fi
	: >"$W/afile"
	fsr --store "$W/afile" -- sh -c "touch $m.10"
	if [ "$RC" = 2 ] && [ ! -e "$m.10" ]; then pass "store-regular-file-refused"; else fail "store-regular-file-refused" "$(ctx)"; fi
	fsr --version
	if [ "$RC" = 0 ] && [ -n "$OUT" ]; then pass "version"; else fail "version" "$(ctx)"; fi
	fsr -h
	if [ "$RC" = 0 ] && printf '%s' "$OUT" | grep -qi 'usage' && printf '%s' "$OUT" | grep -q -- '--profile'; then
		pass "help"; else fail "help" "$(ctx)"; fi
	fsr --list-profiles
	if [ "$RC" = 0 ] && printf '%s\n' "$OUT" | grep -qw default && printf '%s\n' "$OUT" | grep -qw k3s; then
		pass "list-profiles"; else fail "list-profiles" "$(ctx)"; fi
	fsr --print-profile
	want_lines "print-profile-default" 0 "vm.overcommit_memory = 1" "vm.panic_on_oom = 0" "kernel.panic = 10" \
		"kernel.panic_on_oops = 1" "kernel.keys.root_maxkeys = 1000000" "kernel.keys.root_maxbytes = 25000000"
	fsr -s kernel.panic=3 --print-profile
	want_lines "print-profile-sysctl-override" 0 "kernel.panic = 3"
}

group_audit() {
	fsr -v -- cat $K/panic
	if [ "$RC" = 0 ] && [ "$OUT" = 10 ] && printf '%s' "$ERR" | grep -qF "$K/panic"; then pass "verbose-prints-redirection"; else
		fail "verbose-prints-redirection" "$(ctx)"; fi
	fsr -v -- cat /etc/hostname
	if [ "$RC" = 0 ] && ! printf '%s' "$ERR" | grep -qF "/etc/hostname"; then pass "verbose-quiet-for-non-fakes"; else
		fail "verbose-quiet-for-non-fakes" "$(ctx)"; fi
	local log="$W/audit.log"
	fsr --log "$log" -- sh -c "cat $K/panic >/dev/null; $BB cat $MAXKEYS >/dev/null; echo 1 > /proc/sys/vm/overcommit_memory; cat /etc/hostname >/dev/null"
	if [ "$RC" != 0 ]; then fail "log-json-lines" "$(ctx)"; else
		local py
		py=$(/usr/bin/python3 - "$log" <<'EOF' 2>&1
import json, sys
fields = ["time", "pid", "tid", "syscall", "path", "action", "target", "result"]
recs = []
with open(sys.argv[1]) as f:
    for i, line in enumerate(f, 1):
        try:
            r = json.loads(line)
        except Exception as e:
            sys.exit("line %d is not JSON: %r (%s)" % (i, line, e))
        if not isinstance(r, dict):
            sys.exit("line %d is not an object" % i)
        miss = [k for k in fields if k not in r]
        if miss:
            sys.exit("line %d lacks %s: %r" % (i, miss, line))
        for k in ("pid", "tid"):
            if not isinstance(r[k], int) or r[k] <= 0:
                sys.exit("line %d: %s is not a positive integer: %r" % (i, k, line))
        recs.append(r)
if not recs:
    sys.exit("empty log")
def find(path, calls):
    return [r for r in recs if r["path"] == path and r["syscall"] in calls]
for path in ("/proc/sys/kernel/panic", "/proc/sys/kernel/keys/root_maxkeys", "/proc/sys/vm/overcommit_memory"):
    rs = find(path, ("open", "openat"))
    if not rs:
        sys.exit("no open/openat record for %s in %r" % (path, recs))
    for r in rs:
        if not isinstance(r["target"], str) or not r["target"].startswith("/") or r["target"] == path:
            sys.exit("record for %s has no store target: %r" % (path, r))
if any(r["path"] == "/etc/hostname" for r in recs):
    sys.exit("non-fake /etc/hostname was logged as a redirection")
print("ok %d" % len(recs))
EOF
		)
		case "$py" in ok*) pass "log-json-lines" ;; *) fail "log-json-lines" "$py" ;; esac
		local n1 n2
		n1=$(wc -l <"$log")
		fsr --log "$log" -- cat $K/panic
		n2=$(wc -l <"$log")
		if [ "$RC" = 0 ] && [ "$n2" -gt "$n1" ] && [ "$(head -c 1 "$log")" = "{" ]; then pass "log-appends"; else
			fail "log-appends" "lines $n1 -> $n2; $(ctx)"; fi
	fi
	fsr --stats -- cat $K/panic
	if [ "$RC" = 0 ] && [ "$OUT" = 10 ] && printf '%s' "$ERR" | grep -q '[0-9]'; then pass "stats"; else fail "stats" "$(ctx)"; fi
}

# The store directory of a running fakesys, from its --log: target = STORE/root/<path>.
store_of_log() {
	/usr/bin/python3 - "$1" "$2" <<'EOF' 2>/dev/null
import json, sys
for line in open(sys.argv[1]):
    try:
        r = json.loads(line)
    except Exception:
        continue
    t = r.get("target") or ""
    suffix = "/root" + sys.argv[2]
    if r.get("path") == sys.argv[2] and t.endswith(suffix):
        print(t[: -len(suffix)])
        break
EOF
}

group_store() {
	# Concurrent runs: each one's private store is born with its run locked, so no other
	# run's reaping ever takes it (it did between mkdtemp and flock: exit 2, "store ...:
	# No such file or directory").
	local i round bad=0
	for round in 1 2 3 4 5; do
		for i in $(seq 30); do
			(timeout -k 5 "$TMO" "$FS" "${XOPT[@]}" -- sh -c 'exit 7' >/dev/null 2>"$W/conc.$round.$i"
			 echo $? >"$W/conc.$round.$i.rc") &
		done
		wait
	done
	for i in "$W"/conc.*.rc; do [ "$(cat "$i")" = 7 ] || bad=$((bad + 1)); done
	[ $bad = 0 ] && pass "150-concurrent-runs-keep-their-stores" ||
		fail "150-concurrent-runs-keep-their-stores" "$bad of 150 did not exit 7: $(show "$(cat "$W"/conc.*.[0-9]* 2>/dev/null | sort | uniq -c | head -n 3)")"
	rm -f "$W"/conc.*
	local log="$W/store.log" store mode owner
	start_bg "$W/st.out" --log "$log" -- sh -c "cat $K/panic; echo 5 > $MAXKEYS; sleep 3; echo finished"
	if ! wait_for "$log" "root_maxkeys" 20; then
		fail "private-store-0700" "no log record: $(show "$(cat "$log" "$W/st.out.err" 2>&1)")"
		wait "$BGPID"
		return
	fi
	store=$(store_of_log "$log" $K/panic)
	if [ -z "$store" ]; then
		fail "private-store-0700" "cannot find STORE/root$K/panic among the log's targets: $(show "$(cat "$log")")"
	else
		mode=$("$BB" stat -c %a "$store" 2>&1)
		owner=$("$BB" stat -c %u "$store" 2>&1)
		if [ "$mode" = 700 ] && [ "$owner" = "$(id -u)" ] && [ ! -L "$store" ]; then pass "private-store-0700"; else
			fail "private-store-0700" "$store: mode $mode owner $owner"; fi
		local loose
		loose=$(find "$store" -perm -o+w ! -type l 2>/dev/null | head -3)
		if [ -z "$loose" ]; then pass "store-nothing-world-writable"; else
			fail "store-nothing-world-writable" "$loose"; fi
	fi
	wait "$BGPID"
	RC=$? OUT=$(cat "$W/st.out") ERR=$(head -c 2000 "$W/st.out.err")
	want "store-run-output" 0 $'10\nfinished'
	if [ -n "$store" ]; then
		if [ ! -e "$store" ]; then pass "private-store-removed-after-run"; else
			fail "private-store-removed-after-run" "$store still exists: $(ls -la "$store" 2>&1 | head -5)"; fi
	fi
	# Removed too when fakesys is told to stop by SIGTERM.
	log="$W/store2.log"
	start_bg "$W/st2.out" --log "$log" -- sh -c "cat $K/panic; exec $BIN/sighelper wait"
	if wait_for "$W/st2.out" '^ready' 20 && wait_for "$log" "panic" 5; then
		store=$(store_of_log "$log" $K/panic)
		kill -TERM "$BGPID"
		wait "$BGPID"
		RC=$?
		if [ -n "$store" ] && [ ! -e "$store" ] && [ "$RC" = 143 ]; then pass "private-store-removed-after-SIGTERM"; else
			fail "private-store-removed-after-SIGTERM" "exit $RC, store \"$store\" $([ -e "$store" ] && echo exists)"; fi
	else
		fail "private-store-removed-after-SIGTERM" "never ready: $(show "$(cat "$W/st2.out" "$W/st2.out.err" 2>&1)")"
		kill -KILL "$BGPID" 2>/dev/null
		wait "$BGPID"
	fi
	# A persistent store keeps values between runs and is created 0700.
	fsr --store "$W/pstore" -- sh -c "echo 31337 > $MAXBYTES"
	want_rc "persistent-store-write" 0
	fsr --store "$W/pstore" -- cat $MAXBYTES
	want "persistent-store-value-kept" 0 "31337"
	mode=$("$BB" stat -c %a "$W/pstore" 2>&1)
	if [ "$mode" = 700 ]; then pass "persistent-store-created-0700"; else fail "persistent-store-created-0700" "mode $mode"; fi
	fsr -- cat $MAXBYTES
	want "private-store-ignores-persistent" 0 "25000000"
	# Precedence: a stored value persists until its profile (or -s) value changes.
	fsr --store "$W/pstore" -s kernel.keys.root_maxbytes=25000000 -- cat $MAXBYTES
	want "persistent-store-same-profile-value-keeps-written" 0 "31337"
	fsr --store "$W/pstore" -s kernel.keys.root_maxbytes=5 -- cat $MAXBYTES
	want "persistent-store-changed-s-value-wins" 0 "5"
	fsr --store "$W/pstore" -s kernel.keys.root_maxbytes=5 -- sh -c "echo 6 > $MAXBYTES"
	fsr --store "$W/pstore" -s kernel.keys.root_maxbytes=5 -- cat $MAXBYTES
	want "persistent-store-write-over-new-value-kept" 0 "6"
	# Two runs sharing a store at the same time see each other's writes at their next read.
	start_bg "$W/share.out" --store "$W/pstore" -- sh -c "echo 111 > $MAXBYTES; echo wrote; \
		while [ \"\$(cat $MAXBYTES)\" != 222 ]; do sleep 0.1; done; echo saw-222"
	if wait_for "$W/share.out" '^wrote' 20; then
		fsr --store "$W/pstore" -- sh -c "cat $MAXBYTES; echo 222 > $MAXBYTES"
		want "shared-store-reads-other-runs-write" 0 "111"
		wait_for "$W/share.out" '^saw-222' 20
		wait "$BGPID"
		RC=$? OUT=$(cat "$W/share.out") ERR=$(head -c 2000 "$W/share.out.err")
		want "shared-store-other-run-sees-write" 0 $'wrote\nsaw-222'
	else
		fail "shared-store-reads-other-runs-write" "never wrote: $(show "$(cat "$W/share.out" "$W/share.out.err" 2>&1)")"
		kill -KILL "$BGPID" 2>/dev/null
		wait "$BGPID"
	fi
	# SIGKILL leaves a private store behind; the next run removes it.
	log="$W/store3.log"
	start_bg "$W/st3.out" --log "$log" -- sh -c "cat $K/panic; exec $BIN/sighelper wait"
	if wait_for "$W/st3.out" '^ready' 20 && wait_for "$log" "panic" 5; then
		store=$(store_of_log "$log" $K/panic)
		kill -KILL "$BGPID"
		wait "$BGPID"
		if [ -n "$store" ] && [ -e "$store" ]; then
			fsr -- cat $K/panic
			if [ "$RC" = 0 ] && [ ! -e "$store" ]; then pass "killed-runs-store-reaped"; else
				fail "killed-runs-store-reaped" "exit $RC; $store $([ -e "$store" ] && echo 'still exists')"; fi
		else
			fail "killed-runs-store-reaped" "no store left by SIGKILL to reap: \"$store\""
		fi
	else
		fail "killed-runs-store-reaped" "never ready: $(show "$(cat "$W/st3.out" "$W/st3.out.err" 2>&1)")"
		kill -KILL "$BGPID" 2>/dev/null
		wait "$BGPID"
	fi
	# A new private store is made and removed without the syscalls it does not need (each
	# ~50 us in gVisor; the k3s profile's tree has hundreds of files and directories): no
	# open that fails before a mkdir, no rename of a value no tracee reads yet, no dup of
	# a directory, and an empty file is a mknod alone. strace
	# follows fakesys alone, in a TMPDIR of its own (no other store to reap).
	mkdir -p "$W/lean-tmp"
	# fakesys_straced TRACE CALLS ARGS...: fakesys ARGS under strace -e trace=CALLS, into
	# $W/TRACE.
	fakesys_straced() {
		local trace=$1 calls=$2
		shift 2
		runc env TMPDIR="$W/lean-tmp" ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -qq \
			-e trace="$calls" -o "$W/$trace" "$FS" "${XOPT[@]}" "$@"
	}
	fakesys_straced lean.trace openat,mkdirat,mknodat,renameat,fcntl -p cgroups -- true
	local lean_waste lean_mknods
	lean_waste=$(grep -E '^openat\([0-9]+, .* = -1 ENOENT|^renameat|F_DUPFD' "$W/lean.trace" | head -n 3)
	lean_mknods=$(grep -c '^mknodat(.* = 0$' "$W/lean.trace")
	if [ "$RC" = 0 ] && [ -z "$lean_waste" ] && [ "$lean_mknods" -gt 0 ]; then pass "store-made-without-waste"; else
		fail "store-made-without-waste" "$lean_mknods mknods; $(show "$lean_waste"); $(ctx)"; fi
	# A private store makes a value file (and a directory mirror) at its first use, not at
	# its start: each costs a create and a removal, ~0.1 ms on a disk's /tmp mounted with
	# discard and several syscalls of ~50 us in gVisor. A run that touches no fake makes
	# none, nor the store's directory; one that stats a fake and reads another makes those
	# two, and sees their values.
	local lazy_made
	# profile_value KEY: the default profile's value of sysctl KEY, as fakesys prints it.
	profile_value() { "$FS" --print-profile default | sed -n "s/^$1 = //p"; }
	# made_names TRACE: the names of the files and store directories it shows made.
	made_names() {
		grep -E '^openat\(.*O_CREAT|^mknodat|^mkdir.*fakesys\.2\.' "$W/$1" | grep -o '"[^"]*"' | tr '\n' ' '
	}
	fakesys_straced lazy0.trace openat,mknodat,mkdir,mkdirat -- true
	lazy_made=$(made_names lazy0.trace)
	if [ "$RC" = 0 ] && [ -z "$lazy_made" ]; then pass "values-made-at-first-use: none for a run that uses none"; else
		fail "values-made-at-first-use: none for a run that uses none" "made $(show "$lazy_made"); $(ctx)"; fi
	fakesys_straced lazy1.trace openat,mknodat -- sh -c "stat -c %F $K/keys/root_maxkeys && cat $K/keys/root_maxkeys $K/panic"
	lazy_made=$(made_names lazy1.trace)
	if [ "$RC" = 0 ] && [ "$lazy_made" = '"root_maxkeys" "panic" ' ] &&
		[ "$OUT" = "$(printf 'regular empty file\n%s\n%s' "$(profile_value kernel.keys.root_maxkeys)" "$(profile_value kernel.panic)")" ]; then
		pass "values-made-at-first-use: the two a run uses"
	else
		fail "values-made-at-first-use: the two a run uses" "made $(show "$lazy_made"); $(ctx)"
	fi
	# A value that cannot be made at its first use fails the tracee's open with the errno
	# the kernel gives a create in the full filesystem, and the run goes on. Host only: it
	# mounts a small tmpfs for TMPDIR, in a mount namespace of its own.
	if [ "$KIND" = host ]; then
		mkdir -p "$W/full-tmp"
		runc unshare -m sh -c 'mount -t tmpfs -o size=8k tmpfs "$0" && exec env TMPDIR="$0" "$@"' \
			"$W/full-tmp" "$FS" "${XOPT[@]}" -- sh -c 'head -c 64k /dev/zero >"$TMPDIR/fill" 2>/dev/null
cat /proc/sys/kernel/panic; echo "cat exit $?"
head -c 1 /dev/zero >"$TMPDIR/more" || true'
		local kernel_says
		kernel_says=$(printf '%s\n' "$ERR" | sed -n 's/^head: [^:]*error[^:]*: \(.*\)$/\1/p' | head -n 1)
		if [ "$RC" = 0 ] && [ "$OUT" = "cat exit 1" ] && [ -n "$kernel_says" ] &&
			printf '%s\n' "$ERR" | grep -qx "cat: /proc/sys/kernel/panic: $kernel_says"; then
			pass "value-that-cannot-be-made-fails-its-open"
		else
			fail "value-that-cannot-be-made-fails-its-open" "the kernel says $(show "$kernel_says"); $(ctx)"
		fi
	fi
	# A tracee's mount on a store directory (made through /proc/self/fd/N of a fake
	# directory, which names the store's) stays out of the store's removal at exit: the
	# files of the mounted real directory survive, and the store is kept. Host only:
	# gVisor (runsc 20221219) mounts on the magic link itself, in procfs, not on the store.
	[ "$KIND" = host ] || return
	local point
	mkdir -p "$W/victim" && echo kept >"$W/victim/file"
	printf 'kernel.fakesys_mnt.key = 1\n' >"$W/mnt.conf"
	fsr -p "$W/mnt.conf" -- python3 -c 'import ctypes, os, sys
fd = os.open("/proc/sys/kernel/fakesys_mnt", os.O_RDONLY | os.O_DIRECTORY)
ok = ctypes.CDLL(None).mount(sys.argv[1].encode(), b"/proc/self/fd/%d" % fd, None, 4096, None) == 0
print("mounted" if ok else "not mounted")' "$W/victim"
	point=$(awk '$5 ~ "/root/proc/sys/kernel/fakesys_mnt$" {print $5}' /proc/self/mountinfo)
	[ -n "$point" ] && umount "$point"
	if [ "$OUT" = mounted ] && [ "$(cat "$W/victim/file" 2>&1)" = kept ] &&
		grep -q '^fakesys: store .* kept: a program mounted on a directory in it$' <<<"$ERR"; then
		pass "removal-stays-out-of-mounts"
	else
		fail "removal-stays-out-of-mounts" "$(ctx); victim holds $(show "$(ls -A "$W/victim")")"
	fi
	[ -n "$point" ] && rm -rf "${point%/root/proc/sys/kernel/fakesys_mnt}"
}

# ---------------------------------------------------------------------------------------
# cgroups (fakesys issue 8): kubecg, kubelet 1.26's cgroup steps and cAdvisor's reads on
# Debian's real runc 1.1.5 libcontainer (tests/progs/kubecg). The kernel is the oracle:
# kubecg compares every value it reads back with what Linux prints.
#
# kubecg refuses to create cgroups unless KUBECG_ALLOW_CREATE=1. This group sets it only
# where /sys/fs/cgroup is a sandbox's or fakesys's: inside gVisor, and on the host inside a
# private mount namespace whose /sys/fs/cgroup is an empty tmpfs. The one run on the host's
# own /sys/fs/cgroup (host-tree) happens only after the private-namespace run passed, and
# checks the real tree while kubecg's cgroups exist.

KCG=()
# kcg_ok NAME: the last run was a kubecg check/concurrent that passed (exit 0, no FAIL line,
# and what it must have done: destroyed kubepods).
kcg_ok() {
	local first
	first=$(printf '%s\n' "$OUT" | grep -m1 '^FAIL ')
	if [ "$RC" = 0 ] && [ -z "$first" ] && printf '%s\n' "$OUT" | grep -q '^ok destroy:/kubepods$'; then
		pass "$1"
		return 0
	fi
	fail "$1" "exit $RC; first failure: $(show "${first:-none}"); stdout $(show "$(printf '%s\n' "$OUT" | tail -n 12)"); stderr $(show "$ERR")"
	return 1
}
# kcg_must_fail NAME: the last run was a kubecg check that failed cleanly (exit 1 and a FAIL
# line: a crash, panic or timeout is not the expected failure).
kcg_must_fail() {
	local first
	first=$(printf '%s\n' "$OUT" | grep -m1 '^FAIL ')
	if [ "$RC" = 1 ] && [ -n "$first" ] && ! printf '%s\n%s\n' "$OUT" "$ERR" | grep -q '^panic:'; then
		pass "$1 (fails as expected: ${first:0:200})"
	else
		fail "$1" "want a clean failure (exit 1 with a FAIL line); exit $RC; stdout $(show "$OUT"); stderr $(show "$ERR")"
	fi
}

# ls_r_paths DIR: `ls -R DIR` (coreutils) turned into one path per line, DIR itself first.
ls_r_paths() {
	local dir=$1
	set -o pipefail
	ls -R -- "$dir" 2>&1 | awk -v root="$dir" '
		BEGIN { print root }
		/^$/ { next }
		/:$/ { cur = substr($0, 1, length($0) - 1); next }
		{ print (cur == "" ? root : cur) "/" $0 }'
}
# listings NAME PREFIX...: coreutils ls -R, busybox find and kubecg readdir list the same set
# of paths under /sys/fs/cgroup, run through PREFIX (e.g. fakesys -p kubelet --), and it has
# $LISTING_WANT (cpu/cpu.shares memory/memory.stat unless set).
listings() {
	local name=$1 d=/sys/fs/cgroup f missing=""
	shift
	runc "$@" bash -c "$(declare -f ls_r_paths); ls_r_paths $d"
	printf '%s\n' "$OUT" | sort >"$W/ls.paths"
	local rc1=$RC
	runc "$@" "$BB" find $d
	printf '%s\n' "$OUT" | sort >"$W/find.paths"
	local rc2=$RC
	runc "$@" "${KCG[@]}" readdir $d
	printf '%s\n' "$OUT" | sort >"$W/readdir.paths"
	local rc3=$RC
	if [ "$rc1$rc2$rc3" != 000 ]; then
		fail "$name" "exit ls $rc1, busybox find $rc2, kubecg readdir $rc3; stderr $(show "$ERR")"
	elif ! cmp -s "$W/ls.paths" "$W/find.paths" || ! cmp -s "$W/find.paths" "$W/readdir.paths"; then
		fail "$name" "listings differ: ls-vs-find $(show "$(diff "$W/ls.paths" "$W/find.paths" | head -n 8)"); find-vs-readdir $(show "$(diff "$W/find.paths" "$W/readdir.paths" | head -n 8)")"
	fi
	for f in ${LISTING_WANT:-cpu/cpu.shares memory/memory.stat}; do
		grep -qx "$d/$f" "$W/find.paths" || missing="$missing $d/$f"
	done
	if [ "$rc1$rc2$rc3" != 000 ] || ! cmp -s "$W/ls.paths" "$W/find.paths" || ! cmp -s "$W/find.paths" "$W/readdir.paths"; then
		:
	elif [ -n "$missing" ]; then
		fail "$name" "the same $(wc -l <"$W/find.paths") paths, but without$missing: $(show "$(head -n 20 "$W/find.paths")")"
	else
		pass "$name ($(wc -l <"$W/find.paths") paths)"
	fi
}

# The host's real cgroup state this group must leave alone: the hierarchies, their root
# files and root values, /proc/cgroups without its counts, our own /proc/self/cgroup.
# (Not the whole tree: the machine's own services create and remove cgroups meanwhile.)
host_cg_snapshot() {
	find /sys/fs/cgroup -maxdepth 1 | sort
	find /sys/fs/cgroup -mindepth 2 -maxdepth 2 ! -type d | sort
	awk '{print $1, $2, $4}' /proc/cgroups
	cat /proc/self/cgroup
	local f
	for f in cpu/cpu.shares cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us memory/memory.limit_in_bytes \
		cpuset/cpuset.cpus cpuset/cpuset.mems devices/devices.list; do
		[ -e "/sys/fs/cgroup/$f" ] && printf '%s=%s\n' "$f" "$(cat "/sys/fs/cgroup/$f" 2>&1)"
	done
}
# host_kubepods: kubelet cgroups in the host's real tree (there must never be any).
host_kubepods() {
	find /sys/fs/cgroup -mindepth 2 \( -name 'kubepods*' -o -name 'pod*kcg*' \) -type d 2>/dev/null | sort
}
# host_kubepods_remove: remove such cgroups, deepest first (only ever ones this group's
# kubecg made: empty cgroups), so that a failing fakesys does not leave them behind.
host_kubepods_remove() {
	host_kubepods | awk '{ print length($0) "\t" $0 }' | sort -rn | cut -f2- | while IFS= read -r d; do
		rmdir "$d" 2>/dev/null
	done
}
# privns CMD...: CMD in a private mount namespace whose /sys/fs/cgroup is an empty tmpfs
# (the host's real hierarchies are unmounted there, so nothing there can reach them by path).
privns() {
	runc unshare -m --propagation private bash -c \
		'umount -R -l /sys/fs/cgroup 2>/dev/null; mount -t tmpfs -o mode=755 kubecg /sys/fs/cgroup || exit 99; exec "$@"' \
		privns "$@"
}

# Cgroup semantics against the kernel: tests/run records tests/progs/cgroup_cases.sh on a
# real cgroup v1 tree (this host's /sys/fs/cgroup) into $BIN/../oracle/cgroups; the same
# cases on fakesys's tree (host and gVisor) must print the same, and the real tree must
# be as it was.
group_cgroupfs() {
	local oracle=$BIN/../oracle/cgroups
	have_oracle "$oracle" "on the host's real cgroup v1 tree" || return
	# The real tree's directories, but those of gVisor sandboxes that other runs on this
	# host start or end meanwhile (runsc makes runsc-PID in each hierarchy).
	real_cgroup_dirs() { find /sys/fs/cgroup -maxdepth 3 -type d 2>/dev/null | grep -Ev '/runsc-[0-9]+(/|$)' | sort; }
	local before=""
	[ "$KIND" = host ] && before=$(real_cgroup_dirs)
	fsr -p cgroups -- bash "$PROGS/cgroup_cases.sh" /sys/fs/cgroup
	want "same-as-kernel" 0 "$(cat "$oracle")"
	if [ "$KIND" = host ]; then
		local after
		after=$(real_cgroup_dirs)
		[ "$before" = "$after" ] && pass "real-tree-untouched" ||
			fail "real-tree-untouched" "$(show "$(diff <(echo "$before") <(echo "$after") | head -n 5)")"
	fi
	# Making the tree reads no process: what the kernel computes is written at each open.
	# (Making it once read every /proc/PID/stat per computed file: 30,000 syscalls on a
	# host of 70 processes, 0.3 s of gVisor's start-up.) strace follows fakesys alone
	# (LeakSanitizer cannot run under ptrace).
	runc env ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -qq -e trace=open,openat -o "$W/tree-setup.trace" \
		"$FS" "${XOPT[@]}" -p cgroups -- true
	local stat_reads
	stat_reads=$(grep -cE '"/proc/[0-9]+/stat"' "$W/tree-setup.trace")
	if [ "$RC" = 0 ] && [ -s "$W/tree-setup.trace" ] && [ "$stat_reads" = 0 ]; then pass "tree-setup-reads-no-process"; else
		fail "tree-setup-reads-no-process" "$stat_reads reads of /proc/PID/stat; $(ctx)"; fi
	# inotify on a cgroup directory sees child cgroups come and go (cAdvisor's raw watcher).
	fsr -p cgroups -- python3 "$PROGS/cg_inotify.py" /sys/fs/cgroup/memory
	want "inotify-mkdir-rmdir" 0 $'IN_CREATE|IN_ISDIR fsk-watch\nIN_DELETE|IN_ISDIR fsk-watch'
	# Generated files: mountinfo keeps every real line and adds the tree's mounts.
	fsr -p cgroups -- sh -c 'cat /proc/self/mountinfo'
	local fake_mi=$OUT
	local real_mi
	real_mi=$(sh -c 'cat /proc/self/mountinfo')
	local missing
	missing=$(comm -23 <(printf '%s\n' "$real_mi" | cut -d' ' -f1,5 | sort) <(printf '%s\n' "$fake_mi" | cut -d' ' -f1,5 | sort))
	[ -z "$missing" ] && pass "mountinfo-keeps-real-lines" || fail "mountinfo-keeps-real-lines" "$(show "$missing")"
	[ "$(printf '%s\n' "$fake_mi" | grep -c ' - cgroup cgroup ')" -ge 9 ] && pass "mountinfo-has-cgroup-mounts" ||
		fail "mountinfo-has-cgroup-mounts" "$(show "$fake_mi")"
	# stat's device of a cgroup file is the one mountinfo gives its mount.
	fsr -p cgroups -- sh -c 'd=$(stat -c "%Hd:%Ld" /sys/fs/cgroup/memory/memory.stat); grep -c " $d / /sys/fs/cgroup/memory " /proc/self/mountinfo'
	want "stat-dev-matches-mountinfo" 0 "1"
	# statfs and fstatfs say what the kernel says of the filesystem each stands in for: this
	# host's real cgroup v1 files, procfs and sysfs are the oracle (recorded natively here,
	# where every path is real); in gVisor, fstatfs of its real procfs is ENOSYS without the
	# fix-up.
	local sf_paths="/sys/fs/cgroup/memory/memory.stat /sys/fs/cgroup/cpu /sys/fs/cgroup /proc/sys/kernel/panic /proc/self/stat /sys/devices/system/cpu/cpu0/topology/core_id"
	fsr -p kubelet -- "$BIN/statfs" $sf_paths
	local sf_oracle=$BIN/../oracle/statfs
	if [ -s "$sf_oracle" ]; then want "statfs-as-kernel" 0 "$(cat "$sf_oracle")"; else
		fail "statfs-as-kernel" "$sf_oracle is missing (tests/run records it)"; fi
	# statfs and fstatfs of plain files say what the kernel says (the same program run
	# natively here), also in gVisor, where the statfs-enosys fix-up watches every one.
	local plain="/tmp /etc/passwd / /dev/null"
	runc "$BIN/statfs" $plain
	local sf_native=$OUT
	fsr -p kubelet -- "$BIN/statfs" $plain
	want "statfs-plain-as-kernel" 0 "$sf_native"
	# A statfs or fstatfs of a file whose filesystem has statfs costs one stop, also where
	# the statfs-enosys fix-up watches each one (gVisor): fakesys's own statfs at the
	# entry says the call cannot fail with ENOSYS, so no exit stop is taken (it took
	# three stops a call in gVisor, which reports an entry stop too). Ten more paths: 50
	# more intercepted calls, as many more stops. The path a statfs names is read once,
	# for the rules and the fix-up: per path at most 15 tracer calls, a register read and
	# one more each (a read of the path, or of the fd's link) for open, stat and the fstat
	# syscall; for statfs, fstatfs and glibc's fstat, which is newfstatat(fd, ""), a
	# third (fakesys's own statfs in gVisor; the fd's link for glibc's fstat).
	local one=() eleven=() i st1 st11
	for i in 1 2 3 4 5 6 7 8 9 10 11; do eleven+=(/tmp); done
	one=(/tmp)
	fsr --stats -p kubelet -- "$BIN/statfs" "${one[@]}"
	st1=$(printf '%s\n' "$ERR" | sed -n 's/.*stats: tasks=[0-9]* stops=\([0-9]*\) tracer_calls=\([0-9]*\) intercepted=\([0-9]*\) .*/\1 \3 \2/p')
	fsr --stats -p kubelet -- "$BIN/statfs" "${eleven[@]}"
	st11=$(printf '%s\n' "$ERR" | sed -n 's/.*stats: tasks=[0-9]* stops=\([0-9]*\) tracer_calls=\([0-9]*\) intercepted=\([0-9]*\) .*/\1 \3 \2/p')
	local more_stops more_calls more_tracer
	read -r more_stops more_calls more_tracer < <(paste -d' ' <(echo "$st11") <(echo "$st1") |
		awk 'NF == 6 {print $1 - $4, $2 - $5, $3 - $6}')
	if [ -n "$more_stops" ] && [ "$more_stops" = "$more_calls" ] && [ "$more_calls" -ge 40 ]; then
		pass "statfs-costs-one-stop"; else
		fail "statfs-costs-one-stop" "stops, intercepted calls and tracer calls: $st1 for one path, $st11 for eleven"; fi
	if [ -n "$more_tracer" ] && [ "$more_tracer" -le 150 ]; then pass "statfs-path-read-once"; else
		fail "statfs-path-read-once" "ten more paths cost $more_tracer tracer calls, want at most 150 (stops, intercepted calls and tracer calls: $st1 for one path, $st11 for eleven)"; fi
	# Machine files cAdvisor reads. diskstats: a line of 14 or more fields for the root
	# filesystem's device (fs/fs.go getDiskStatsMap skips shorter lines).
	fsr -p cgroups -- sh -c 'set -- $(stat -c "%Hd %Ld" /); awk -v M=$1 -v m=$2 "\$1 == M && \$2 == m && NF >= 14 { n++ } END { print n + 0 }" /proc/diskstats'
	want "diskstats-root-device" 0 "1"
	fsr -p cgroups -- sh -c 'a=$(cat /proc/sys/kernel/random/boot_id); b=$(cat /proc/sys/kernel/random/boot_id); [ "$a" = "$b" ] && echo "$a" | grep -cE "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"'
	want "boot-id-stable-uuid" 0 "1"
	fsr -p cgroups -- sh -c 'grep -cE "^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$" /sys/class/dmi/id/product_uuid'
	want "product-uuid" 0 "1"
	# The root filesystem's disk in /sys/block, as cAdvisor's GetBlockDeviceInfo
	# (utils/sysinfo/sysinfo.go) reads it: one disk whose dev is /'s major:minor, a size in
	# sectors and a scheduler its regexp parses or "none". The host's is real (no rule is
	# made for it); gVisor's /sys/block is empty.
	fsr -p cgroups -- sh -c 'set -- $(stat -c "%Hd %Ld" /); for d in /sys/block/*; do [ "$(cat $d/dev)" = "$1:$2" ] && echo "$(grep -cE "^[0-9]+$" $d/size) $(cat $d/queue/scheduler)"; done; :'
	if [ "$RC" = 0 ] && printf '%s\n' "$OUT" | grep -qxE '1 (none|.*\[[a-z-]+\].*)' && [ "$(printf '%s\n' "$OUT" | wc -l)" = 1 ]; then
		pass "sys-block-root-disk"; else fail "sys-block-root-disk" "want one disk of /'s major:minor; $(ctx)"; fi
	if [ "$KIND" = host ]; then
		runc "$FS" -p cgroups --print-profile
		if [ "$RC" = 0 ] && ! grep -q /sys/block <<<"$OUT"; then pass "sys-block-real-disk-not-shadowed"; else
			fail "sys-block-real-disk-not-shadowed" "the host's real /sys/block has / 's disk: no rule should be made; $(ctx)"; fi
	fi
	# The cpu topology: on the host the real files are served; in gVisor, which has none,
	# the generated ones must read as this host's kernel prints its own (recorded by
	# tests/run; this host has one core per cpu in one package, which is what fakesys
	# generates).
	local oracle_topo=$BIN/../oracle/topology
	fsr -p cgroups -- bash "$PROGS/topology.sh"
	if [ -s "$oracle_topo" ]; then want "cpu-topology-as-kernel" 0 "$(cat "$oracle_topo")"; else
		fail "cpu-topology-as-kernel" "$oracle_topo is missing (tests/run records it)"; fi
}

group_cgroups() {
	KCG=("$BIN/kubecg")
	if [ ! -x "$BIN/kubecg" ]; then
		fail "kubecg-built" "$BIN/kubecg was not built (see build:kubecg)"
		return
	fi
	local allow=(env KUBECG_ALLOW_CREATE=1)
	if [ "$KIND" = gvisor ]; then
		# (a) gVisor without fakesys: kubelet's steps must fail (no cgroup mounts at all).
		runc "${KCG[@]}" check
		kcg_must_fail "gvisor-without-fakesys-fails"
		# (b) under fakesys -p kubelet, on the plain sandbox: everything passes.
		fsr -p kubelet -- "${allow[@]}" "${KCG[@]}" check
		kcg_ok "fakesys-kubelet-check"
		# (d) concurrency and (e) listings under fakesys.
		fsr -p kubelet -- "${allow[@]}" "${KCG[@]}" concurrent 3
		kcg_ok "fakesys-kubelet-concurrent"
		listings "fakesys-kubelet-listings" "$FS" "${XOPT[@]}" -p kubelet --
		# Now as sandbox root with gVisor's own cgroupfs mounted (this stays for the rest of
		# the group: gVisor's unshare -m does not isolate mounts).
		local c got=""
		if mount -t tmpfs -o mode=755 none /sys/fs/cgroup; then
			for c in cpu cpuacct cpuset memory pids; do
				mkdir -p "/sys/fs/cgroup/$c" && mount -t cgroup -o "$c" none "/sys/fs/cgroup/$c" && got="$got $c"
			done
		fi
		if [ "$got" != " cpu cpuacct cpuset memory pids" ]; then
			fail "gvisor-cgroupfs-mounts" "mounted only:$got"
		else
			pass "gvisor-cgroupfs-mounts"
			# Without fakesys runc refuses every cgroupfs file here (fstatfs ENOSYS) and
			# devices, freezer, blkio, hugetlb cannot be mounted.
			runc "${allow[@]}" "${KCG[@]}" check
			kcg_must_fail "gvisor-cgroupfs-without-fakesys-fails"
			# (No listing comparison on gVisor's own cgroupfs without fakesys: coreutils ls
			# cannot even start there, statx(2) of a sandbox-mounted tmpfs or cgroupfs root is
			# EINVAL in runsc 20221219.)
			fsr -p kubelet -- "${allow[@]}" "${KCG[@]}" check
			kcg_ok "gvisor-cgroupfs-fakesys-kubelet-check"
			fsr -p kubelet -- "${allow[@]}" "${KCG[@]}" concurrent 3
			kcg_ok "gvisor-cgroupfs-fakesys-kubelet-concurrent"
		fi
		return
	fi

	# Host. The kernel oracle for the listing comparison itself: the three tools agree on
	# the host's real tree (read only).
	runc bash -c "$(declare -f ls_r_paths); ls_r_paths /sys/fs/cgroup/cpu" && printf '%s\n' "$OUT" | sort >"$W/k.ls"
	runc "$BB" find /sys/fs/cgroup/cpu && printf '%s\n' "$OUT" | sort >"$W/k.find"
	runc "${KCG[@]}" readdir /sys/fs/cgroup/cpu && printf '%s\n' "$OUT" | sort >"$W/k.readdir"
	if [ -s "$W/k.find" ] && cmp -s "$W/k.ls" "$W/k.find" && cmp -s "$W/k.find" "$W/k.readdir"; then
		pass "kernel-oracle:listings-agree ($(wc -l <"$W/k.find") paths of the real /sys/fs/cgroup/cpu)"
	elif [ ! -d /sys/fs/cgroup/cpu ]; then
		pass "kernel-oracle:listings-agree (no real v1 cpu hierarchy on this host: nothing to compare)"
	else
		fail "kernel-oracle:listings-agree" "$(show "$(diff "$W/k.ls" "$W/k.find" | head -n 5; diff "$W/k.find" "$W/k.readdir" | head -n 5)")"
	fi

	local before after
	before=$(host_cg_snapshot)
	if [ -n "$(host_kubepods)" ]; then
		fail "host-no-kubepods-before" "the host's real tree already has kubelet cgroups: $(show "$(host_kubepods)")"
		return
	fi
	# (c1) under fakesys in a private mount namespace with an empty /sys/fs/cgroup.
	privns "$FS" "${XOPT[@]}" -p kubelet -- "${allow[@]}" "${KCG[@]}" check
	local privok=0
	kcg_ok "privns-fakesys-kubelet-check" && privok=1
	privns "$FS" "${XOPT[@]}" -p kubelet -- "${allow[@]}" "${KCG[@]}" concurrent 3
	kcg_ok "privns-fakesys-kubelet-concurrent"
	listings "privns-fakesys-kubelet-listings" unshare -m --propagation private bash -c \
		'umount -R -l /sys/fs/cgroup 2>/dev/null; mount -t tmpfs -o mode=755 kubecg /sys/fs/cgroup || exit 99; exec "$@"' \
		privns "$FS" "${XOPT[@]}" -p kubelet --

	# (c2) under fakesys on the host's own /sys/fs/cgroup: only once (c1) showed that fakesys
	# serves the whole tree. While kubecg's cgroups exist (KUBECG_SYNC_DIR), the real tree
	# must have none of them.
	if [ $privok = 1 ]; then
		local sync="$W/sync" mid
		mkdir -p "$sync"
		start_bg "$W/hosttree.out" -p kubelet -- env KUBECG_ALLOW_CREATE=1 KUBECG_SYNC_DIR="$sync" "${KCG[@]}" check
		if await_bg 50 [ -e "$sync/applied" ]; then
			mid=$(host_kubepods)
		else
			mid="(kubecg never reached the sync point)"
		fi
		touch "$sync/go"
		wait "$BGPID"
		RC=$?
		OUT=$(cat "$W/hosttree.out")
		ERR=$(head -c 4000 "$W/hosttree.out.err")
		kcg_ok "host-tree-fakesys-kubelet-check"
		if [ -z "$mid" ]; then pass "host-tree-real-cgroups-untouched-while-running"; else
			fail "host-tree-real-cgroups-untouched-while-running" "while kubecg ran under fakesys, the real tree had: $(show "$mid")"
		fi
	else
		fail "host-tree-fakesys-kubelet-check" "not run: privns-fakesys-kubelet-check failed, so fakesys may not serve the whole tree; refusing to run kubelet's steps where they could reach the host's real cgroups"
	fi

	# (c) the host's real cgroups are unchanged.
	after=$(host_cg_snapshot)
	local left
	left=$(host_kubepods)
	if [ -n "$left" ]; then
		host_kubepods_remove
		fail "host-real-cgroups-no-kubepods" "kubelet cgroups appeared in the real tree (removed): $(show "$left")"
	else
		pass "host-real-cgroups-no-kubepods"
	fi
	if [ "$before" = "$after" ]; then pass "host-real-cgroups-unchanged"; else
		fail "host-real-cgroups-unchanged" "$(show "$(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | head -n 20)")"
	fi
}

# Pattern rules (net.ipv4.conf.*.forwarding): every interface name gets a fake of its own.
# The cases of tests/progs/pattern_cases.sh print what the kernel prints for two real
# interfaces (tests/run records it inside unshare -n, with lo and a veth, into
# $BIN/../oracle/patterns); on fakes of any two names they must print the same. On the
# host they also run in a fresh netns on its real lo and veth, whose real keys must stay.
group_patterns() {
	local c=/proc/sys/net/ipv4/conf p=$W/patterns.conf oracle=$BIN/../oracle/patterns
	printf '%s\n' '# per-interface keys' 'net.ipv4.conf.*.forwarding = 0' 'net/ipv4/conf/*/arp_notify = 0' \
		'real-first net.ipv4.conf.*.route_localnet = 0' 'net.ipv6.conf.*.accept_ra = 1' \
		'file /proc/sys/net/ipv6/conf/*/accept_dad = 1\n' >"$p"
	if [ ! -s "$oracle" ]; then
		fail "kernel-oracle" "$oracle is missing (tests/run records it with unshare -n)"
	else
		fsr -p "$p" -- bash "$PROGS/pattern_cases.sh" eth0 veth1234abcd
		want "same-as-kernel" 0 "$(cat "$oracle")"
	fi
	fsr -p "$p" -- sh -c "sysctl -w net.ipv4.conf.eth0.forwarding=1 >/dev/null; sysctl -n net.ipv4.conf.eth0.forwarding net.ipv4.conf.cni0.forwarding net.ipv4.conf.all.forwarding net.ipv4.conf.default.forwarding"
	want "procps-two-interfaces-independent-all-default-untouched" 0 $'1\n0\n0\n0'
	printf '%s\n' 'net.ipv4.conf.all.forwarding = 1' "include $p" 'net.ipv4.conf.default.forwarding = 2' >"$W/literal.conf"
	fsr -p "$W/literal.conf" -- sh -c "cat $c/all/forwarding $c/default/forwarding $c/eth0/forwarding; echo 3 > $c/all/forwarding; cat $c/all/forwarding $c/eth0/forwarding"
	want "literal-rule-wins-either-order" 0 $'1\n2\n0\n3\n0'
	fsr -p "$p" -s 'net.ipv4.conf.*.forwarding=5' -- cat $c/cni0/forwarding $c/eth0/arp_notify
	want "sysctl-option-pattern" 0 $'5\n0'
	fsr -p "$p" --print-profile
	want_lines "print-profile-pattern" 0 "net.ipv4.conf.*.forwarding = 0" "net.ipv4.conf.*.arp_notify = 0" \
		"real-first net.ipv4.conf.*.route_localnet = 0" "net.ipv6.conf.*.accept_dad = 1"

	# Listings: the real entries plus the instances made so far, whether or not the real
	# directory exists (gVisor has no net/ipv4/conf, nor net/ipv6).
	local real keys
	real=$(ls $c 2>/dev/null)
	fsr -p "$p" -- sh -c "cat $c/cni0/forwarding $c/zz9/arp_notify >/dev/null; ls $c"
	want "ls-conf-real-plus-instances" 0 "$(printf '%s\n' $real cni0 zz9 | sort -u)"
	keys=$(ls $c/eth0 2>/dev/null)
	fsr -p "$p" -- sh -c "cat $c/eth0/forwarding >/dev/null; ls $c/eth0"
	want "ls-instance-dir" 0 "$(printf '%s\n' $keys arp_notify forwarding route_localnet | sort -u)"
	fsr -p "$p" -- sh -c "ls -d $c/xq1 && ls $c | grep -x xq1; stat -c %F /proc/sys/net/ipv6/conf/xq1 /proc/sys/net/ipv6/conf/xq1/accept_ra"
	want "missing-dirs-as-for-literal-rules" 0 "$c/xq1"$'\nxq1\ndirectory\nregular empty file'
	fsr -p "$p" -- sh -c "cat $c/eth0/rp_filter 2>/dev/null || echo absent-or-real; test -e $c/eth0/forwarding/x || echo no-child"
	if [ "$RC" = 0 ] && [ "$(printf '%s\n' "$OUT" | tail -1)" = no-child ] &&
		{ [ -e $c/eth0/rp_filter ] || [ "$(printf '%s\n' "$OUT" | head -1)" = absent-or-real ]; }; then
		pass "other-keys-not-faked"
	else fail "other-keys-not-faked" "$(ctx)"; fi

	# A persistent store keeps each instance's value, across runs and between runs at once.
	local st=$W/store
	fsr -p "$p" --store "$st" -- sh -c "sysctl -q -w net.ipv4.conf.eth0.forwarding=1 net.ipv4.conf.cni0.arp_notify=1"
	fsr -p "$p" --store "$st" -- sh -c "cat $c/eth0/forwarding $c/cni0/forwarding $c/cni0/arp_notify; ls $c | grep -x -e eth0 -e cni0"
	want "persistent-store-per-instance" 0 $'1\n0\n1\ncni0\neth0'
	start_bg "$W/bg.out" -p "$p" --store "$st" -- sh -c \
		"cat $c/vx1/forwarding; while [ ! -e $W/go ]; do sleep 0.1; done; cat $c/vx1/forwarding"
	local bg=$BGPID
	wait_for "$W/bg.out" '^0$' 30
	fsr -p "$p" --store "$st" -- sh -c "echo 7 > $c/vx1/forwarding"
	touch "$W/go"
	ended_within "$bg" 30
	if [ "$RC" = 0 ] && [ "$(cat "$W/bg.out")" = $'0\n7' ]; then pass "shared-store-instance-seen-by-other-run"; else
		fail "shared-store-instance-seen-by-other-run" "exit $RC; $(show "$(cat "$W/bg.out" "$W/bg.out.err")")"; fi

	# A bad pattern: FILE:LINE, exit 2, nothing run.
	printf '%s\n' 'net.ipv4.conf.*.forwarding = 0' 'file /proc/sys/net/ipv4/conf/eth*/forwarding = 1\n' >"$W/bad.conf"
	fsr -p "$W/bad.conf" -- touch "$W/ran"
	if [ "$RC" = 2 ] && [ ! -e "$W/ran" ] && printf '%s' "$ERR" | grep -qF "$W/bad.conf:2: bad pattern"; then
		pass "bad-pattern-file-line-exit-2"
	else fail "bad-pattern-file-line-exit-2" "$(ctx)"; fi
	printf 'dir /proc/sys/net/*/conf\n' >"$W/bad2.conf"
	fsr -p "$W/bad2.conf" -- touch "$W/ran"
	if [ "$RC" = 2 ] && [ ! -e "$W/ran" ] && printf '%s' "$ERR" | grep -qF "$W/bad2.conf:1: bad pattern"; then
		pass "pattern-in-dir-rule-refused"
	else fail "pattern-in-dir-rule-refused" "$(ctx)"; fi

	# A path that matches no rule costs what it costs without patterns.
	case " ${XOPT[*]} " in *" --no-seccomp "*) ;; *)
		fsr -p "$p" --stats -- "$BB" sh -c 'i=0; while [ $i -lt 2000 ]; do [ -e /proc/sys/net/ipv4/ip_forward ]; [ -e /proc/sys/net/ipv4/conf/eth0/rp_filter ]; i=$((i+1)); done'
		local per
		per=$(printf '%s\n' "$ERR" | sed -n 's/.*per intercepted syscall: \([0-9.]*\) stops, \([0-9.]*\) tracer calls.*/\1 \2/p')
		if [ "$RC" = 0 ] && awk -v p="$per" 'BEGIN { split(p, a, " "); exit !(a[1] != "" && a[1] <= 1.01 && a[2] <= 2.01) }'; then
			pass "non-matching-path-costs-1-stop-2-calls"
		else fail "non-matching-path-costs-1-stop-2-calls" "per intercepted syscall: $(show "$per"); $(ctx)"; fi
		;;
	esac

	[ "$KIND" = host ] || return
	# On the host's real interfaces, in a fresh netns: the cases on lo and a veth through
	# the fakes leave every real key as it was; real-first serves the real value until
	# the first write.
	local keys4='forwarding arp_notify route_localnet' snap
	snap="for i in lo d0; do for k in $keys4; do cat $c/\$i/\$k; done; cat /proc/sys/net/ipv6/conf/\$i/accept_ra /proc/sys/net/ipv6/conf/\$i/accept_dad; done | tr '\n' ' '"
	runc unshare -n bash -c "ip link add d0 type veth peer name d1 || exit 9; echo 1 > $c/lo/route_localnet
		before=\$($snap); $FS ${XOPT[*]} -p $p -- sh -c 'cat $c/lo/route_localnet; echo 0 > $c/lo/route_localnet; cat $c/lo/route_localnet' || exit 8
		$FS ${XOPT[*]} -p $p -- bash $PROGS/pattern_cases.sh lo d0 >/dev/null || exit 7
		after=\$($snap); echo \"real: \$before-> \$after\"; cat $c/lo/route_localnet"
	want_lines "host-real-first-served-until-written" 0 1 0
	local real_line
	real_line=$(printf '%s\n' "$OUT" | grep '^real: ')
	if [ "$RC" = 0 ] && [ -n "$real_line" ] && [ "${real_line#real: }" = "${real_line##*-> }-> ${real_line##*-> }" ] &&
		[ "$(printf '%s\n' "$OUT" | tail -1)" = 1 ]; then
		pass "host-real-keys-untouched"
	else fail "host-real-keys-untouched" "$(ctx)"; fi
}

# ---------------------------------------------------------------------------------------
# tools/fakesys-k3s, the k3s launcher. The commands it runs are written once, in
# docs/k3s.md; --dry-run must print them, and a stand-in k3s must receive exactly them,
# under fakesys. In gVisor, Debian's containerd runs under `fakesys-k3s exec`.
LAUNCHER=$(cd "$PROGS/../.." && pwd)/tools/fakesys-k3s
K3SDOC=$(cd "$PROGS/../.." && pwd)/docs/k3s.md

# launcher ARGS...: the launcher with this run's fakesys; sets OUT, ERR, RC.
launcher() { runc "$LAUNCHER" --fakesys "$FS" "$@"; }

# doc_command MODE: the line of docs/k3s.md's launcher-commands block for agent, server
# or exec (the one that ends in CMD).
doc_command() {
	local pat=" -- K3S $1 "
	[ "$1" = exec ] && pat=' -- CMD$'
	awk '/^<!-- launcher-commands/ { on = 1; next } on && /^```/ { if (n++) exit; next } on' "$K3SDOC" | grep -- "$pat"
}

# expected_words MODE DATA K3S OPTS EXTRA: the doc's command for MODE as one word per line,
# with its placeholders filled in, the fakesys options OPTS (one word a line) before its
# "--", and the words EXTRA (one a line) at the end.
expected_words() {
	local line w done=0
	line=$(doc_command "$1")
	[ -n "$line" ] && [[ $line != *$'\n'* ]] || return 1
	line=${line//DATA_DIR/$2}
	line=${line//FAKESYS/$FS}
	line=${line//K3S/$3}
	for w in $line; do
		w=${w//\$PATH/$PATH}
		[ "$w" = CMD ] && continue
		if [ "$w" = -- ] && [ $done = 0 ]; then
			[ -n "$4" ] && printf '%s\n' "$4"
			done=1
		fi
		printf '%s\n' "$w"
	done
	[ -n "$5" ] && printf '%s\n' "$5"
	return 0
}

# dry_words ARGS...: the words the launcher's --dry-run prints, one a line (the line is
# shell syntax: quoting is undone by the shell, as it would be when pasted).
dry_words() {
	launcher --dry-run "$@"
	[ "$RC" = 0 ] || return 1
	local -a w
	eval "w=($OUT)"
	printf '%s\n' "${w[@]}"
}

group_launcher() {
	local d=$W/k3sdata sd=$W/standin.out child w mode
	child=fakesys-launcher-$(basename "$W")
	# The stand-in k3s: its argv, environment and what it sees of the kernel files.
	cat >"$W/k3s" <<-EOF
		#!/bin/sh
		{
		for a in "\$@"; do printf 'arg %s\n' "\$a"; done
		printf 'path %s\n' "\$PATH"
		printf 'invocation_id %s\n' "\${INVOCATION_ID-unset}"
		printf 'other %s\n' "\${LAUNCHER_TEST_VAR-unset}"
		printf 'maxkeys %s\n' "\$(cat /proc/sys/kernel/keys/root_maxkeys 2>&1)"
		printf 'pid_max %s\n' "\$(cat /proc/sys/kernel/pid_max 2>&1)"
		printf 'cpu.shares %s\n' "\$(cat /sys/fs/cgroup/cpu/cpu.shares 2>&1)"
		mkdir /sys/fs/cgroup/cpu/$child && ls /sys/fs/cgroup/cpu | grep -x '$child' && rmdir /sys/fs/cgroup/cpu/$child && echo 'child cgroup made and removed'
		} >"$sd" 2>&1
		exit 7
	EOF
	chmod 755 "$W/k3s"
	printf 'kernel.pid_max = 777\n' >"$W/site.conf"

	launcher --help
	if [ "$RC" = 0 ] && has_lines "$OUT" "usage: fakesys-k3s [OPTIONS] agent|server [-- K3S_ARGS...]" &&
		printf '%s' "$OUT" | grep -q -- '--dry-run'; then pass "help"; else fail "help" "$(ctx)"; fi

	# The doc's commands, with the defaults: exactly what --dry-run prints.
	local opts extra
	for mode in agent server exec; do
		local -a a=()
		[ $mode = exec ] && a=(-- "$W/k3s")
		if ! expected_words $mode "$d" "$W/k3s" "" "$([ $mode = exec ] && echo "$W/k3s")" >"$W/want.$mode"; then
			fail "doc-command-$mode" "not one '$mode' line in the launcher-commands block of $K3SDOC"
			continue
		fi
		if dry_words --k3s "$W/k3s" --data-dir "$d" $mode "${a[@]}" >"$W/dry.$mode" && cmp -s "$W/want.$mode" "$W/dry.$mode"; then
			pass "dry-run-is-doc-command-$mode"
		else
			fail "dry-run-is-doc-command-$mode" "$(show "$(diff "$W/want.$mode" "$W/dry.$mode")"); $(ctx)"
		fi
	done
	# The default data directory is k3s's own, and FAKESYS_K3S_DATA_DIR replaces it.
	w=$(dry_words --k3s "$W/k3s" agent | grep -- '^--data-dir=')
	[ "$w" = --data-dir=/var/lib/rancher/k3s ] && pass "default-data-dir" || fail "default-data-dir" "$(show "$w")"
	w=$(FAKESYS_K3S_DATA_DIR=$W/envdir dry_words --k3s "$W/k3s" agent | grep -- '^--data-dir=')
	[ "$w" = "--data-dir=$W/envdir" ] && pass "data-dir-from-environment" || fail "data-dir-from-environment" "$(show "$w")"
	FAKESYS_K3S_BIN=$W/k3s runc "$LAUNCHER" --fakesys "$FS" --dry-run agent
	case " $OUT " in *" -- $W/k3s agent "*) pass "k3s-from-environment" ;; *) fail "k3s-from-environment" "$(ctx)" ;; esac

	# A real run of each mode: the stand-in gets exactly the doc's command (plus -s, -p and
	# the arguments after --), runs under fakesys, and its exit status comes back.
	opts=$'-s\nkernel.keys.root_maxkeys=4242\n-p\n'"$W/site.conf"
	extra=$'--node-ip=127.0.0.1\nit\'s two words'
	for mode in agent server exec; do
		local -a a=(-- --node-ip=127.0.0.1 "it's two words")
		[ $mode = exec ] && a=(-- "$W/k3s" --node-ip=127.0.0.1 "it's two words")
		rm -f "$sd"
		expected_words $mode "$d" "$W/k3s" "$opts" "$([ $mode = exec ] && echo "$W/k3s")"$'\n'"$extra" >"$W/want.$mode"
		sed -i '/^$/d' "$W/want.$mode"
		dry_words --k3s "$W/k3s" --data-dir "$d" -s kernel.keys.root_maxkeys=4242 -p "$W/site.conf" $mode "${a[@]}" >"$W/dry.$mode"
		cmp -s "$W/want.$mode" "$W/dry.$mode" && pass "dry-run-with-options-$mode" ||
			fail "dry-run-with-options-$mode" "$(show "$(diff "$W/want.$mode" "$W/dry.$mode")")"
		OUT=$(INVOCATION_ID=from-systemd LAUNCHER_TEST_VAR=kept timeout -k 5 "$TMO" "$LAUNCHER" --fakesys "$FS" --k3s "$W/k3s" \
			--data-dir "$d" -s kernel.keys.root_maxkeys=4242 -p "$W/site.conf" $mode "${a[@]}" 2>"$W/.stderr" </dev/null)
		RC=$?
		ERR=$(head -c 4000 "$W/.stderr")
		[ "$RC" = 7 ] && pass "exit-status-passed-on-$mode" || fail "exit-status-passed-on-$mode" "want 7 (the stand-in's); $(ctx)"
		# The stand-in's argv is everything after the k3s word (exec: after CMD's).
		local got want_args
		got=$(sed -n 's/^arg //p' "$sd" 2>/dev/null)
		want_args=$(sed '1,/^--$/d' "$W/want.$mode" | sed 1d)
		[ -n "$want_args" ] && [ "$got" = "$want_args" ] && pass "argv-$mode" ||
			fail "argv-$mode" "got $(show "$got"), want $(show "$want_args")"
		local want_state
		want_state="path $d/data/current/bin:/usr/lib/cni:$PATH
invocation_id unset
other kept
maxkeys 4242
pid_max 777
cpu.shares 1024
$child
child cgroup made and removed"
		got=$(grep -v '^arg ' "$sd" 2>/dev/null)
		[ "$got" = "$want_state" ] && pass "environment-and-fakes-$mode" ||
			fail "environment-and-fakes-$mode" "got $(show "$got"), want $(show "$want_state")"
	done
	# The child cgroup was the fake tree's, never the host's.
	if [ -e "/sys/fs/cgroup/cpu/$child" ]; then
		rmdir "/sys/fs/cgroup/cpu/$child"
		fail "real-cgroups-untouched" "/sys/fs/cgroup/cpu/$child was made in the real tree (removed)"
	else pass "real-cgroups-untouched"; fi

	# Bad usage: exit 2, one line on stderr naming the problem, nothing run.
	local bad
	while IFS='|' read -r name want_rc want_msg bad; do
		rm -f "$sd"
		local -a a
		eval "a=($bad)"
		runc "$LAUNCHER" "${a[@]}"
		if [ "$RC" = "$want_rc" ] && [ ! -e "$sd" ] && [ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ] &&
			printf '%s' "$ERR" | grep -qF -- "$want_msg"; then
			pass "bad-usage-$name"
		else fail "bad-usage-$name" "want exit $want_rc and one line with $(show "$want_msg"), stand-in not run; $(ctx)"; fi
	done <<-EOF
		no-command|2|no command|--fakesys "$FS" --k3s "$W/k3s"
		unknown-command|2|unknown command 'agnet'|--fakesys "$FS" --k3s "$W/k3s" agnet
		unknown-option|2|unknown option '--bogus'|--fakesys "$FS" --k3s "$W/k3s" --bogus agent
		k3s-args-without-double-dash|2|unknown option '--server'|--fakesys "$FS" --k3s "$W/k3s" agent --server https://x:6443
		two-commands|2|'server' after 'agent'|--fakesys "$FS" --k3s "$W/k3s" agent server
		exec-without-command|2|exec needs a command|--fakesys "$FS" exec --
		option-without-value|2|option '--data-dir' needs a value|--fakesys "$FS" --k3s "$W/k3s" agent --data-dir
		relative-data-dir|2|must be an absolute path|--fakesys "$FS" --k3s "$W/k3s" --data-dir rel agent
		k3s-not-found|127|no-such-k3s: not found on PATH|--fakesys "$FS" --k3s no-such-k3s agent
		fakesys-not-found|127|$W/none: not an executable file|--fakesys "$W/none" --k3s "$W/k3s" agent
	EOF

	if [ "$KIND" = gvisor ]; then launcher_gvisor; else launcher_install; fi
}

# make install and uninstall, into a DESTDIR; the installed launcher finds the installed
# fakesys through --fakesys and runs under it; both man pages render without warnings.
launcher_install() {
	local root dest=$W/dest f missing="" left=""
	root=$(cd "$PROGS/../.." && pwd)
	runc make -s -C "$root" install DESTDIR="$dest" PREFIX=/opt/fsk
	want_rc "make-install" 0
	for f in bin/fakesys:755 bin/fakesys-k3s:755 share/man/man1/fakesys.1:644 share/man/man1/fakesys-k3s.1:644; do
		[ "$(stat -c %a "$dest/opt/fsk/${f%:*}" 2>/dev/null)" = "${f#*:}" ] || missing="$missing ${f%:*}"
	done
	[ -z "$missing" ] && pass "install-files-and-modes" || fail "install-files-and-modes" "missing or wrong mode:$missing"
	runc "$dest/opt/fsk/bin/fakesys-k3s" --fakesys "$dest/opt/fsk/bin/fakesys" -s kernel.keys.root_maxkeys=4242 exec -- \
		cat /proc/sys/kernel/keys/root_maxkeys
	want "installed-launcher-runs" 0 4242
	for f in fakesys.1 fakesys-k3s.1; do
		runc groff -man -Tutf8 -ww -z "$dest/opt/fsk/share/man/man1/$f"
		[ "$RC" = 0 ] && [ -z "$ERR" ] && pass "man-page-renders-$f" || fail "man-page-renders-$f" "$(ctx)"
	done
	runc make -s -C "$root" uninstall DESTDIR="$dest" PREFIX=/opt/fsk
	left=$(find "$dest" -type f 2>/dev/null)
	[ "$RC" = 0 ] && [ -z "$left" ] && pass "make-uninstall" || fail "make-uninstall" "$(ctx); left: $(show "$left")"
}

# The snapshotter choice and containerd, in gVisor, as sandbox root.
launcher_gvisor() {
	local d=$W/k3sdata c=$W/ctd
	# k3s's check for overlayfs (containerd's overlayutils.Supported): an overlay with two
	# lower directories, mounted in the snapshot root DATA_DIR/agent/containerd.
	local t=$d/agent/containerd/multiple-lowerdir-check
	mkdir -p "$t"/{lower1,lower2,upper,work,merged}
	echo one >"$t/lower1/f1"
	echo two >"$t/lower2/f2"
	runc "$LAUNCHER" --fakesys "$FS" --data-dir "$d" exec -- sh -c \
		"mount -t overlay overlay -o lowerdir=$t/lower2:$t/lower1,upperdir=$t/upper,workdir=$t/work $t/merged && cat $t/merged/f1 $t/merged/f2 && umount $t/merged"
	want "overlayfs-k3s-check-in-data-dir" 0 $'one\ntwo'
	# The kubelet-like programs of the core and cgroup issues pass under the launcher:
	# kubelet's kernel tunables, and its cgroup steps on Debian's runc libcontainer.
	runc "$LAUNCHER" --fakesys "$FS" exec -- "$BIN/tunables" once
	want "kubelet-tunables-under-launcher" 0 "ok once"
	runc "$LAUNCHER" --fakesys "$FS" exec -- env KUBECG_ALLOW_CREATE=1 "$BIN/kubecg" check
	kcg_ok "kubelet-cgroups-under-launcher"
	# fuse-overlayfs, the other candidate, cannot mount here (even with overflowuid/gid).
	mkdir -p "$W/fo"/{l,u,w,m}
	runc "$LAUNCHER" --fakesys "$FS" -s kernel.overflowuid=65534 -s kernel.overflowgid=65534 exec -- \
		fuse-overlayfs -f -o "lowerdir=$W/fo/l,upperdir=$W/fo/u,workdir=$W/fo/w" "$W/fo/m"
	if [ "$RC" != 0 ] && printf '%s' "$ERR" | grep -qF 'filesystem requested capabilities 0x40 that are not supported by kernel'; then
		pass "fuse-overlayfs-fails-as-documented"
	else fail "fuse-overlayfs-fails-as-documented" "docs/k3s.md says the FUSE handshake fails; $(ctx)"; fi

	# kubelet's OOM watcher opens /dev/kmsg, which gVisor lacks; the kubelet profile serves
	# an empty one.
	runc cat /dev/kmsg
	if [ "$RC" != 0 ] && printf '%s' "$ERR" | grep -q 'No such file or directory'; then pass "no-dev-kmsg-as-documented"; else
		fail "no-dev-kmsg-as-documented" "$(ctx)"; fi
	runc "$LAUNCHER" --fakesys "$FS" exec -- cat /dev/kmsg
	want "dev-kmsg-served" 0 ""

	# What docs/k3s.md says gVisor lacks ("features, not files"), with its exact errors
	# (fakesys changes none of these calls). A sleeper in a network namespace of its own
	# for setns.
	start_bg_cmd "$W/netns.out" unshare -n sleep 60
	local sleeper=$BGPID own_ns
	own_ns=$(readlink /proc/self/ns/net)
	if await_bg 10 [ "$(readlink "/proc/$sleeper/ns/net")" != "$own_ns" ]; then pass "netns-of-its-own"; else
		fail "netns-of-its-own" "unshare -n: $(show "$(cat "$W/netns.out.err")")"; fi
	mkdir -p "$W/rb"/{l,b}
	local cni='{"cniVersion":"1.0.0","name":"t","type":"bridge","bridge":"cni0","ipam":{"type":"host-local","ranges":[[{"subnet":"10.88.0.0/16"}]],"dataDir":"'$W/ipam'"}}'
	local name msg cmd
	while IFS='|' read -r name msg cmd; do
		runc sh -c "$cmd"
		if [ "$RC" != 0 ] && printf '%s\n' "$ERR" "$OUT" | grep -qF -- "$msg"; then pass "gvisor-lacks-$name"; else
			fail "gvisor-lacks-$name" "docs/k3s.md says it fails with $(show "$msg"); $(ctx)"; fi
	done <<-EOF
		netlink-link-creation|Command "add" is unknown, try "ip link help".|ip link add x type bridge
		cni-bridge|could not add \"cni0\": protocol not available|echo '$cni' | CNI_COMMAND=ADD CNI_CONTAINERID=t CNI_NETNS=/proc/$sleeper/ns/net CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni /usr/lib/cni/bridge
		setns-net|nsenter: reassociate to namespace 'ns/net' failed: Operation not supported|nsenter -t $sleeper -n true
		iptables-nft|iptables: Failed to initialize nft: Protocol not supported|iptables-nft -t nat -L
		iptables-legacy|can't initialize iptables table \`nat': Table does not exist|iptables-legacy -t nat -L
		nftables|Unable to initialize Netlink socket: Protocol not supported|nft list tables
		conntrack|mnl_socket_open: Protocol not supported|conntrack -L
		recursive-bind-mount|wrong fs type, bad option, bad superblock|mount -o rbind $W/rb/l $W/rb/b
		subreaper|PR_SET_CHILD_SUBREAPER: Invalid argument|python3 -c 'import ctypes, os, sys; l = ctypes.CDLL(None, use_errno=True); l.prctl(36, 1, 0, 0, 0) == 0 or sys.exit("PR_SET_CHILD_SUBREAPER: " + os.strerror(ctypes.get_errno()))'
	EOF
	kill -KILL "$BGPID" 2>/dev/null
	wait "$BGPID" 2>/dev/null

	# Debian's containerd with CRI, in a private root, state and socket.
	containerd_config "$c"
	cat >>"$c/config.toml" <<-EOF
		[plugins."io.containerd.grpc.v1.cri".containerd]
		  snapshotter = "overlayfs"
		[plugins."io.containerd.grpc.v1.cri".cni]
		  bin_dir = "/usr/lib/cni"
		  conf_dir = "$c/cni"
	EOF
	local how
	for how in launcher plain; do
		rm -rf "$c/root" "$c/state" "$c/sock"
		if [ $how = launcher ]; then
			start_bg_cmd "$c/$how.log" "$LAUNCHER" --fakesys "$FS" --data-dir "$d" exec -- containerd --config "$c/config.toml"
		else
			start_bg_cmd "$c/$how.log" containerd --config "$c/config.toml"
		fi
		await_bg 30 [ -S "$c/sock" ]
		runc ctr --address "$c/sock" version
		if [ "$RC" = 0 ] && has_lines "$OUT" "Server:" && printf '%s\n' "$OUT" | sed -n '/^Server:/,$p' | grep -q '^  Version: '; then
			pass "containerd-$how-answers-version"
		else fail "containerd-$how-answers-version" "$(ctx); containerd: $(show "$(tail -n 5 "$c/$how.log.err")")"; fi
		if [ $how = launcher ]; then
			runc ctr --address "$c/sock" plugins ls
			if printf '%s\n' "$OUT" | grep -Eq '^io\.containerd\.snapshotter\.v1 +overlayfs .* ok *$' &&
				printf '%s\n' "$OUT" | grep -Eq '^io\.containerd\.grpc\.v1 +cri .* ok *$'; then
				pass "containerd-overlayfs-and-cri-ok"
			else fail "containerd-overlayfs-and-cri-ok" "$(ctx)"; fi
			# A one-layer image unpacks (its layer is mounted as a bind with rbind: the
			# mount-rec fix-up; group containers shows it failing without).
			launcher_oci_image "$W/img.tar"
			runc ctr --address "$c/sock" -n k8s.io image import "$W/img.tar"
			if [ "$RC" = 0 ] && printf '%s' "$OUT" | grep -q '^unpacking launcher-test:1 .*done'; then
				pass "image-unpacks-under-launcher"
			else fail "image-unpacks-under-launcher" "$(ctx)"; fi
		fi
		kill -TERM "$BGPID"
		if ended_within "$BGPID" 20 && [ "$RC" = 0 ]; then pass "containerd-$how-stops-cleanly"; else
			fail "containerd-$how-stops-cleanly" "exit $RC after SIGTERM; $(show "$(tail -n 5 "$c/$how.log.err")")"; fi
	done
}

# containerd_config DIR [TOP-LEVEL LINE]: DIR/config.toml for a containerd with its root,
# state, sockets and opt in DIR; more tables may be appended.
containerd_config() {
	mkdir -p "$1"
	cat >"$1/config.toml" <<-EOF
		version = 2
		root = "$1/root"
		state = "$1/state"
		${2:-}
		[grpc]
		  address = "$1/sock"
		[ttrpc]
		  address = "$1/sock.ttrpc"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$1/opt"
	EOF
}

# launcher_oci_image TAR: an OCI image archive of one layer holding one file, made here.
launcher_oci_image() {
	local o=$W/oci b l c m
	mkdir -p "$o/blobs/sha256" "$W/layer"
	echo hello >"$W/layer/hello"
	tar -C "$W/layer" -cf "$W/layer.tar" hello
	blob() { b=$(sha256sum "$1" | cut -d' ' -f1) && cp "$1" "$o/blobs/sha256/$b" && echo "$b"; }
	l=$(blob "$W/layer.tar")
	printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$l" >"$W/config.json"
	c=$(blob "$W/config.json")
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}' \
		"$c" "$(wc -c <"$W/config.json")" "$l" "$(wc -c <"$W/layer.tar")" >"$W/manifest.json"
	m=$(blob "$W/manifest.json")
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"launcher-test:1"}}]}' \
		"$m" "$(wc -c <"$W/manifest.json")" >"$o/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$o/oci-layout"
	tar -C "$o" -cf "$1" .
}

group_identity() {
	# uname(2), /proc/sys/kernel/{osrelease,version} and /proc/version say one identity, as
	# on Linux, where they read one utsname; the node name stays the real one.
	local real_n real_m REL=5.15.0-fakesys VER='#7 SMP fakesys'
	real_n=$(uname -n) real_m=$(uname -m)
	fsr -k $REL -- sh -c 'uname -r; cat /proc/sys/kernel/osrelease; set -- $(cat /proc/version); echo "$3"; uname -n; uname -m'
	want "uname-osrelease-proc-version-agree" 0 "$REL"$'\n'"$REL"$'\n'"$REL"$'\n'"$real_n"$'\n'"$real_m"
	# Static busybox and Go call uname(2) themselves.
	fsr -k $REL -- "$BB" uname -r
	want "busybox-uname" 0 "$REL"
	fsr -k $REL -- "$BIN/tunables" uname
	want "go-syscall-uname" 0 "$REL"$'\nok uname'
	# The version too, from a profile; /proc/version keeps the real text between them.
	printf 'read-only kernel.osrelease = %s\nread-only kernel.version = %s\ngenerated /proc/version = proc_version\n' "$REL" "$VER" >"$W/id.conf"
	local real_v want_pv
	real_v=$(uname -v)
	want_pv=$(sed -e "s/^Linux version [^ ]*/Linux version $REL/" -e "s/$(printf '%s' "$real_v" | sed 's/[][\/.*^$]/\\&/g')\$/$VER/" /proc/version)
	fsr -p "$W/id.conf" -- sh -c 'uname -v; cat /proc/sys/kernel/version /proc/version'
	want "version-from-profile" 0 "$VER"$'\n'"$VER"$'\n'"$want_pv"
	# Read-only as the kernel's: its mode, and a write refused (the host kernel's answers,
	# recorded by tests/run).
	local oracle=$BIN/../oracle/identity
	fsr -k $REL -- sh -c 'echo "mode $(stat -c %a /proc/sys/kernel/osrelease)"; { echo 1 >/proc/sys/kernel/osrelease; } 2>&1 | sed "s/.*: //"; uname -r'
	if [ -s "$oracle" ]; then want "read-only-as-kernel" 0 "$(cat "$oracle")"$'\n'"$REL"; else
		fail "read-only-as-kernel" "$oracle is missing (tests/run records it)"; fi
	fsr -k 'bad release' -- true
	if [ "$RC" = 2 ] && grep -q "^fakesys: --kernel-release: 'bad release' is not a kernel release" <<<"$ERR"; then
		pass "bad-release-refused"; else fail "bad-release-refused" "$(ctx)"; fi
	printf 'read-only dir /proc/x\n' >"$W/bad.conf"
	fsr -p "$W/bad.conf" -- true
	if [ "$RC" = 2 ] && grep -q "bad.conf:1: read-only needs a sysctl or file rule after it" <<<"$ERR"; then
		pass "read-only-dir-refused"; else fail "read-only-dir-refused" "$(ctx)"; fi
	# Without an identity, uname is the kernel's and is not traced.
	fsr -- uname -r
	want "uname-untouched-without-identity" 0 "$(uname -r)"
}

group_observe() {
	# --stats: the table, and JSON whose per-syscall outcomes add up.
	fsr --stats -- cat $K/panic
	if [ "$RC" = 0 ] && grep -qE '^fakesys: stats: openat +[0-9]+ +[1-9][0-9]* ' <<<"$ERR" &&
		grep -qE '^fakesys: stats: value +[1-9]' <<<"$ERR" && grep -q 'tracer time per stop' <<<"$ERR"; then
		pass "stats-table"; else fail "stats-table" "$(ctx)"; fi
	fsr -k 5.15.0 --stats="$W/s.json" -- sh -c "cat $K/panic; echo 1 >/proc/sys/kernel/osrelease; uname -r"
	local verdict
	verdict=$(/usr/bin/python3 - "$W/s.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
bad = [k for k in ("tasks", "peak_tasks", "stops", "tracer_calls", "intercepted") if not s.get(k)]
for name, c in s["syscalls"].items():
    if c["intercepted"] != c["redirected"] + c["passed"] + c["failed"]:
        bad.append("sum " + name)
if s["syscalls"]["openat"]["failed"] < 1: bad.append("openat failed")
if s["syscalls"]["uname"]["redirected"] != 1: bad.append("uname")
if s["providers"]["value"]["served"] < 1 or s["providers"]["value"]["errors"] < 1: bad.append("value")
b = s["stop_latency_us"]
if sum(x["count"] for x in b["buckets"]) != b["count"] or b["count"] < 1 or b["buckets"][-1]["le"] != "+Inf": bad.append("latency")
if not s["peak_tasks"] <= s["tasks"]: bad.append("peak")
print("ok" if not bad else "bad: " + ", ".join(bad))
PY
)
	if [ "$RC" = 0 ] && [ "$verdict" = ok ]; then pass "stats-json"; else fail "stats-json" "$verdict; $(ctx)"; fi
	# --metrics: written while the command runs (each file complete), and at exit;
	# promtool (Debian's prometheus) checks the format.
	fsr --metrics "$W/m.prom" --metrics-interval 0.05 -- sh -c "cat $K/panic >/dev/null; i=0; while [ \$i -lt 100 ]; do cat $W/m.prom >$W/mid.\$i; i=\$((i+1)); done"
	local torn=0 f
	for f in "$W"/mid.*; do tail -n 1 "$f" | grep -q '^fakesys_stop_handling_seconds_count ' || torn=$((torn + 1)); done
	if [ "$RC" = 0 ] && [ -s "$W/mid.99" ] && [ "$torn" = 0 ]; then pass "metrics-written-while-running-whole"; else
		fail "metrics-written-while-running-whole" "$torn of 100 copies incomplete; $(ctx)"; fi
	runc promtool check metrics <"$W/m.prom"
	if [ "$RC" = 0 ]; then pass "metrics-promtool-final"; else fail "metrics-promtool-final" "$(ctx)"; fi
	runc promtool check metrics <"$W/mid.50"
	if [ "$RC" = 0 ]; then pass "metrics-promtool-running"; else fail "metrics-promtool-running" "$(ctx)"; fi
	if grep -q '^fakesys_provider_answers_total{provider="value",result="served"} [1-9]' "$W/m.prom" &&
		grep -q '^fakesys_syscalls_intercepted_total{syscall="openat"} [1-9]' "$W/m.prom"; then
		pass "metrics-counts"; else fail "metrics-counts" "$(show "$(grep -v '^#' "$W/m.prom" | head -20)")"; fi
	fsr --metrics /nonexistent-dir/m.prom -- true
	if [ "$RC" = 2 ] && grep -q '^fakesys: --metrics /nonexistent-dir/m.prom: cannot write there' <<<"$ERR"; then
		pass "metrics-bad-path"; else fail "metrics-bad-path" "$(ctx)"; fi
	fsr --metrics "$W/x.prom" --metrics-interval abc -- true
	if [ "$RC" = 2 ] && grep -q "^fakesys: --metrics-interval: 'abc' is not a number of seconds" <<<"$ERR"; then
		pass "metrics-bad-interval"; else fail "metrics-bad-interval" "$(ctx)"; fi
	# --log records refusals and errors too: a write to a read-only fake, a stat of a cgroup
	# that does not exist. Every line is a JSON object with the documented fields.
	fsr -k 5.15.0 -p cgroups --log "$W/o.log" -- sh -c 'echo 1 >/proc/sys/kernel/osrelease; stat /sys/fs/cgroup/cpu/nosuch; true'
	verdict=$(/usr/bin/python3 - "$W/o.log" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
fields = {"time", "pid", "tid", "syscall", "path", "action", "target", "result"}
if any(set(r) != fields for r in recs): print("fields differ"); sys.exit()
ref = [r for r in recs if r["path"] == "/proc/sys/kernel/osrelease" and r["action"] == "refused" and r["result"] == -13]
err = [r for r in recs if r["path"] == "/sys/fs/cgroup/cpu/nosuch" and r["result"] == -2]
print("ok" if ref and err else "missing: refused %d, error %d in %r" % (len(ref), len(err), recs))
PY
)
	if [ "$verdict" = ok ]; then pass "log-refusals-and-errors"; else fail "log-refusals-and-errors" "$verdict; $(ctx)"; fi
	# check: every rule of the profile, what the sandbox has, what the fake serves.
	fsr check -p k3s
	local missing_here
	missing_here=$([ -e $KK/root_maxkeys ] && echo "file, readable" || echo missing)
	if [ "$RC" = 0 ] && grep -qE "^/proc/sys/kernel/keys/root_maxkeys +$missing_here.* \"1000000\" +takes writes" <<<"$OUT" &&
		grep -qE '^/sys/fs/cgroup +.*a cgroup v1 tree' <<<"$OUT" && grep -q '^fakesys check: [0-9]* rules, all can be served$' <<<"$OUT"; then
		pass "check-k3s"; else fail "check-k3s" "$(ctx)"; fi
	printf 'file /proc/self/stat/x = 1\\n\nkernel.fakesys_check = 1\n' >"$W/clash.conf"
	fsr check -p "$W/clash.conf"
	if [ "$RC" = 1 ] && grep -q '^/proc/self/stat/x .*CANNOT BE SERVED: the sandbox has a file where the rule needs a directory above it' <<<"$OUT" &&
		grep -q '^fakesys check: 1 of 2 rules cannot be served$' <<<"$OUT"; then
		pass "check-unservable-exits-1"; else fail "check-unservable-exits-1" "$(ctx)"; fi
	fsr check -- ls
	if [ "$RC" = 2 ] && grep -q '^fakesys: check takes no command' <<<"$ERR"; then pass "check-no-command"; else
		fail "check-no-command" "$(ctx)"; fi
}

# The child-subreaper fix-up (fixups.h, subreaper.c): tests/progs/subreaper.c does what
# containerd's shim does with a subreaper. The host's kernel is the oracle (its native
# output, recorded by tests/run); in gVisor the kernel refuses the attribute.
group_subreaper() {
	local oracle=$BIN/../oracle/subreaper
	have_oracle "$oracle" || return
	runc "$BIN/subreaper"
	if [ "$KIND" = host ]; then
		want "native-is-oracle" 0 "$(cat "$oracle")"
		fsr --fixup child-subreaper -- "$BIN/subreaper"
		want "forced-same-as-kernel" 0 "$(cat "$oracle")"
		fsr -- "$BIN/subreaper"
		want "probed-off-is-kernel" 0 "$(cat "$oracle")"
		# The probe leaves fakesys no subreaper: an orphan goes past it, as without it.
		fsr -- sh -c 'f=$PPID; (sh -c "sleep 0.3; echo \$PPID" >"$1" &); sleep 1; [ "$(cat "$1")" != "$f" ] && echo past-fakesys' sh "$W/ppid"
		want "probe-leaves-fakesys-alone" 0 "past-fakesys"
		# Off, the filter does not trace the waits: a forced run stops more.
		local off on
		fsr --stats -- sh -c 'for i in 1 2 3; do /bin/true; done'
		off=$(printf '%s\n' "$ERR" | sed -n 's/.*stats: tasks=[0-9]* stops=\([0-9]*\).*/\1/p')
		fsr --stats --fixup child-subreaper -- sh -c 'for i in 1 2 3; do /bin/true; done'
		on=$(printf '%s\n' "$ERR" | sed -n 's/.*stats: tasks=[0-9]* stops=\([0-9]*\).*/\1/p')
		[ -n "$off" ] && [ -n "$on" ] && [ "$on" -gt "$off" ] && pass "waits-traced-only-when-on" ||
			fail "waits-traced-only-when-on" "stops off $off, on $on"
		# A child that dies while the subreaper's wait is inside the kernel, past its look
		# (a userfaultfd page holds it there): the wait must not sleep on past the death.
		local native
		runc "$BIN/subreaper" late-death
		native=$OUT
		if [ "$RC" = 0 ] && [ "$native" = "late-death: waitid found the child, exit 3" ]; then
			fsr --fixup child-subreaper -- "$BIN/subreaper" late-death
			want "death-during-wait-same-as-kernel" 0 "$native"
		else
			fail "death-during-wait-same-as-kernel" "natively: $(ctx)"
		fi
	else
		want "native-einval" 1 "PR_SET_CHILD_SUBREAPER: Invalid argument"
		fsr -- "$BIN/subreaper"
		want "probed-on-same-as-host-kernel" 0 "$(cat "$oracle")"
		fsr --no-fixup child-subreaper -- "$BIN/subreaper"
		want "off-einval" 1 "PR_SET_CHILD_SUBREAPER: Invalid argument"
	fi
	# The real shim's start: its subreaper step is fatal; past it, it looks for the bundle.
	local shim=(containerd-shim-runc-v2 -namespace fsk -address "$W/none.sock" -id fsk start) bundle_err
	bundle_err="io.containerd.runc.v2: open config.json: no such file or directory"
	mkdir "$W/bundle" && cd "$W/bundle" || return
	if [ "$KIND" = gvisor ]; then
		runc "${shim[@]}"
		[ "$RC" = 1 ] && [ "$ERR" = "io.containerd.runc.v2: invalid argument" ] && pass "shim-native-dies" ||
			fail "shim-native-dies" "$(ctx)"
	fi
	local force=()
	[ "$KIND" = host ] && force=(--fixup child-subreaper)
	fsr "${force[@]}" -- "${shim[@]}"
	[ "$RC" = 1 ] && [ "$ERR" = "$bundle_err" ] && pass "shim-past-subreaper" || fail "shim-past-subreaper" "$(ctx)"
	cd "$W" || return
	fsr --fixup nonesuch -- true
	want_rc "unknown-fixup-name" 2
}

# kernelchecks (fakesys issue 12): what a container stack asks of the kernel before it
# starts a container (tests/progs/kernelchecks, on Debian's docker, containerd and runc
# Go packages): k3s's release check, containerd's seccomp profile and runc's capability
# map. The kernel is the oracle for cap_last_cap: its real file on the host, and the
# highest capability prctl(PR_CAPBSET_READ) accepts (the test behind that file) in both.
group_kernelchecks() {
	local C=$K/cap_last_cap probe
	probe=$(python3 -c 'import ctypes; l = ctypes.CDLL(None, use_errno=True)
n = 0
while l.prctl(23, n + 1, 0, 0, 0) >= 0: n += 1
print(n)')
	fsr -p runc -- cat $C
	want "cap-last-cap-is-kernels-capbset" 0 "$probe"
	local oracle=$BIN/../oracle/cap_last_cap
	if [ -s "$oracle" ]; then
		fsr -p runc -- sh -c "echo \"mode \$(stat -c %a $C)\"; { echo 1 >$C; } 2>&1 | sed 's/.*: //'"
		want "mode-and-write-refusal-as-kernels" 0 "$(cat "$oracle")"
	else
		fail "kernel-oracle" "$oracle is missing (tests/run records it on the host)"
	fi
	if [ "$KIND" = host ]; then
		runc cat $C
		want "kernel-capbset-is-cap-last-cap" 0 "$probe"
		# On a kernel with its own osrelease, -p k3s changes no answer (real-first).
		runc "$BIN/kernelchecks"
		local native=$OUT
		fsr -p k3s -- "$BIN/kernelchecks"
		want "k3s-identity-is-the-real-kernels" 0 "$native"
	else
		runc cat $C
		[ "$RC" != 0 ] && [ -z "$OUT" ] && pass "native-lacks-cap-last-cap" || fail "native-lacks-cap-last-cap" "$(ctx)"
		runc "$BIN/kernelchecks"
		want_lines "native-fails-the-checks" 0 "release 4.4.0" "k3s unprivileged false" "seccomp ptrace false" "last cap 63"
		fsr -p k3s -- "$BIN/kernelchecks"
		want "k3s-passes-the-checks" 0 "release 4.14.0"$'\n'"k3s unprivileged true"$'\n'"seccomp ptrace true"$'\n'"last cap $probe"$'\n'"capabilities applied"
		[ "$probe" -lt 40 ] && grep -q 'ignoring unknown or unavailable capabilities: \[CAP_BPF CAP_CHECKPOINT_RESTORE CAP_PERFMON\]' <<<"$ERR" &&
			pass "runc-drops-what-the-kernel-lacks" || fail "runc-drops-what-the-kernel-lacks" "probe $probe; $(ctx)"
		fsr -p k3s -- sh -c "uname -r; cat $K/osrelease; set -- \$(cat /proc/version); echo \$3"
		want "k3s-release-everywhere" 0 $'4.14.0\n4.14.0\n4.14.0'
	fi
}

# learn (fakesys issue 10): `fakesys learn` runs a program once, changing nothing, and
# writes the profile it needs; under that profile the program passes. The kernel is the
# oracle twice: the program fails without fakesys (every access it makes fails natively),
# and the writes learn saw reached the kernel. learn runs without XOPT (it has no such
# options); the second runs take them.

# entries DIR: the names in DIR, dot files too (coreutils ls cannot stat in gVisor).
entries() {
	local names
	shopt -s dotglob nullglob
	names=("$1"/*)
	shopt -u dotglob nullglob
	echo "${names[@]##*/}"
}
# learned PROFILE RULE...: each RULE is a whole line of PROFILE.
learned() {
	local profile=$1
	shift
	has_lines "$(cat "$profile" 2>/dev/null)" "$@"
}
# learn_cycle NAME OPS...: every learnme OP fails natively, fails the same under learn
# (which writes $W/NAME.conf), and passes under fakesys -p $W/NAME.conf.
learn_cycle() {
	local name=$1
	shift
	runc "$BIN/learnme" "$@"
	local native=$OUT
	if [ "$RC" = 1 ] && ! grep -q '^ok ' <<<"$OUT"; then
		pass "$name-fails-without-fakesys ($(grep -c '^FAIL ' <<<"$OUT") failures)"
	else fail "$name-fails-without-fakesys" "$(ctx)"; fi
	runc "$FS" learn -o "$W/$name.conf" -- "$BIN/learnme" "$@"
	if [ "$RC" = 1 ] && [ "$OUT" = "$native" ] && [ -s "$W/$name.conf" ]; then
		pass "$name-learn-changes-nothing"
	else fail "$name-learn-changes-nothing" "want exit 1 and the native output $(show "$native"); $(ctx)"; fi
	fsr -p "$W/$name.conf" -- "$BIN/learnme" "$@"
	if [ "$RC" = 0 ] && ! grep -q '^FAIL' <<<"$OUT"; then pass "$name-learned-profile-passes"; else
		fail "$name-learned-profile-passes" "$(ctx); profile $(show "$(grep -v '^#' "$W/$name.conf")")"; fi
}

group_learn() {
	if [ ! -x "$BIN/learnme" ]; then
		fail "learnme-built" "$BIN/learnme was not built (see build:learnme.c)"
		return
	fi
	local P=/proc/sys/fakesys_learn S=/sys/fakesys_learn
	if [ "$KIND" = host ]; then
		# Keys and files no kernel has: read, written, listed, statfs'ed, stat'ed, access'ed.
		learn_cycle host read $P/read write $P/sub/write 7 read $S/file list $S/listed statfs $S/fs \
			stat $S/stat access $P/access read $P/deep/er/key list $P/listed stat $S/slashed/ access $S/access \
			write $P/blank ' 5 '

		if learned "$W/host.conf" "fakesys_learn.read = 0" "fakesys_learn.sub.write = 0" "fakesys_learn.deep.er.key = 0" \
			'file /sys/fakesys_learn/file = 0\n' "dir /sys/fakesys_learn/listed" "dir /sys/fakesys_learn/fs" \
			'file /sys/fakesys_learn/stat = 0\n' "fakesys_learn.access = 0" "dir /proc/sys/fakesys_learn/listed" \
			"dir /sys/fakesys_learn/slashed" 'file /sys/fakesys_learn/access = 0\n' "fakesys_learn.blank = 0" &&
			grep -qxF '# /proc/sys/fakesys_learn/read: openat failed with ENOENT (learnme); value: a guess (nothing written, no real file, no known default)' "$W/host.conf" &&
			grep -qxF '# /sys/fakesys_learn/fs: statfs failed with ENOENT (learnme); a directory' "$W/host.conf"; then
			pass "host-rules-and-comments"
		else fail "host-rules-and-comments" "$(show "$(cat "$W/host.conf")")"; fi
		# Writes reach the kernel (a private netns's keys): the value learned is the one
		# the kernel took, not a later one it refused with EINVAL; a read-only key's value
		# is the real file's (the open for writing fails with EACCES: nothing is written).
		local fw=/proc/sys/net/ipv4/ip_forward ttl=/proc/sys/net/ipv4/ip_default_ttl
		runc unshare -n bash -c "$FS learn -o $W/w.conf -- sh -c 'echo 1 >$fw; exec 3>$ttl; echo 70 >&3; echo bad >&3; $BIN/learnme write /proc/sys/kernel/osrelease 9.9'; cat $fw $ttl"
		if [ "$RC" = 0 ] && [ "$(tail -n 2 <<<"$OUT")" = $'1\n70' ] &&
			learned "$W/w.conf" "net.ipv4.ip_forward = 1" "net.ipv4.ip_default_ttl = 70" "kernel.osrelease = $(cat /proc/sys/kernel/osrelease)" &&
			grep -qxF '# /proc/sys/net/ipv4/ip_forward: write of the value succeeded (sh); value: written by sh' "$W/w.conf" &&
			grep -qxF "# /proc/sys/kernel/osrelease: openat failed with EACCES (learnme); value: the real file's, at learn time" "$W/w.conf"; then
			pass "writes-reach-kernel-and-are-learned"
		else fail "writes-reach-kernel-and-are-learned" "$(ctx); profile $(show "$(cat "$W/w.conf" 2>/dev/null)")"; fi
		# A missing cgroup file asks for the cgroups profile, not for a file.
		runc "$FS" learn -o "$W/cg.conf" -- "$BIN/learnme" stat /sys/fs/cgroup/fakesys_learn_missing
		if [ "$RC" = 1 ] && learned "$W/cg.conf" "include cgroups" &&
			grep -qxF '#   /sys/fs/cgroup/fakesys_learn_missing: newfstatat failed with ENOENT (learnme)' "$W/cg.conf" &&
			! grep -q '^file /sys/fs/cgroup' "$W/cg.conf"; then
			pass "cgroup-failure-includes-cgroups"
		else fail "cgroup-failure-includes-cgroups" "$(ctx); profile $(show "$(cat "$W/cg.conf" 2>/dev/null)")"; fi
	else
		# gVisor lacks these: a key written whose write fails with EIO (the open works),
		# keys and a /sys file with known defaults, a missing directory listed and statfs'ed.
		learn_cycle gvisor write /proc/sys/vm/overcommit_memory 1 read /proc/sys/kernel/keys/root_maxkeys \
			read /proc/sys/vm/panic_on_oom read /sys/kernel/mm/transparent_hugepage/hpage_pmd_size \
			list $S/listed statfs $S/fs read $P/read read /proc/sys/kernel/panic read /proc/sys/kernel/panic_on_oops \
			write /proc/sys/kernel/keys/root_maxbytes 25000000 read /proc/sys/fs/inotify/max_user_instances stat $S/stat
		if learned "$W/gvisor.conf" "vm.overcommit_memory = 1" "kernel.keys.root_maxkeys = 1000000" "vm.panic_on_oom = 0" \
			'file /sys/kernel/mm/transparent_hugepage/hpage_pmd_size = 2097152\n' "dir /sys/fakesys_learn/listed" \
			"fakesys_learn.read = 0" "kernel.panic = 0" "kernel.panic_on_oops = 0" "kernel.keys.root_maxbytes = 25000000" \
			"fs.inotify.max_user_instances = 128" 'file /sys/fakesys_learn/stat = 0\n' &&
			grep -qxF '# /proc/sys/vm/overcommit_memory: write of the value failed with EIO (learnme); value: written by learnme' "$W/gvisor.conf" &&
			grep -qxF "# /proc/sys/kernel/keys/root_maxkeys: openat failed with ENOENT (learnme); value: Linux's default, security/keys/key.c (key_quota_root_maxkeys)" "$W/gvisor.conf"; then
			pass "gvisor-rules-and-comments"
		else fail "gvisor-rules-and-comments" "$(show "$(cat "$W/gvisor.conf")")"; fi
		# kubecg (runc's libcontainer) needs a cgroup tree the sandbox lacks.
		if [ ! -x "$BIN/kubecg" ]; then
			fail "kubecg-built" "$BIN/kubecg was not built (see build:kubecg)"
		else
			KCG=("$BIN/kubecg")
			runc env KUBECG_ALLOW_CREATE=1 "${KCG[@]}" check
			kcg_must_fail "kubecg-without-fakesys-fails"
			runc env KUBECG_ALLOW_CREATE=1 "$FS" learn -o "$W/kubecg.conf" -- "${KCG[@]}" check
			if [ "$RC" = 1 ] && learned "$W/kubecg.conf" "include cgroups"; then pass "kubecg-learn-includes-cgroups"; else
				fail "kubecg-learn-includes-cgroups" "$(ctx); profile $(show "$(cat "$W/kubecg.conf" 2>/dev/null)")"; fi
			fsr -p "$W/kubecg.conf" -- env KUBECG_ALLOW_CREATE=1 "${KCG[@]}" check
			kcg_ok "kubecg-learned-profile-passes"
		fi
	fi

	# Profiles given to learn are applied, not learned, and included by the profile.
	printf '%s/given = 5\n' "${P#/proc/sys/}" >"$W/given.conf"
	runc "$FS" learn -p "$W/given.conf" -o "$W/p.conf" -- "$BIN/learnme" read $P/given read $P/other
	if [ "$RC" = 1 ] && grep -qx "ok read $P/given" <<<"$OUT" && learned "$W/p.conf" "include $W/given.conf" "fakesys_learn.other = 0" &&
		! grep -q '^fakesys_learn.given' "$W/p.conf"; then
		pass "given-profile-applied-and-included"
	else fail "given-profile-applied-and-included" "$(ctx); profile $(show "$(cat "$W/p.conf" 2>/dev/null)")"; fi
	fsr -p "$W/p.conf" -- "$BIN/learnme" read $P/given read $P/other
	want_lines "given-profile-learned-passes" 0 "ok read $P/given" "ok read $P/other"
	# Without a -p, no profile at all: the default profile's keys are not faked.
	runc "$FS" learn -o "$W/none.conf" -- sh -c 'cat /proc/sys/fakesys_learn/none 2>/dev/null; exit 0'
	if [ "$RC" = 0 ] && ! grep -q '^include' "$W/none.conf" && learned "$W/none.conf" "fakesys_learn.none = 0" &&
		grep -qxF '# /proc/sys/fakesys_learn/none: openat failed with ENOENT (cat); value: a guess (nothing written, no real file, no known default)' "$W/none.conf"; then
		pass "no-profile-by-default-child-program-named"
	else fail "no-profile-by-default-child-program-named" "$(ctx); profile $(show "$(cat "$W/none.conf" 2>/dev/null)")"; fi
	# --watch: failures under another prefix are learned only when asked for.
	mkdir -p "$W/watched"
	runc "$FS" learn -o "$W/nowatch.conf" -- "$BIN/learnme" read "$W/watched/missing"
	local nw=$RC
	runc "$FS" learn --watch "$W/watched" -o "$W/watch.conf" -- "$BIN/learnme" read "$W/watched/missing"
	if [ "$nw" = 1 ] && [ "$RC" = 1 ] && ! grep -q "^file $W" "$W/nowatch.conf" &&
		learned "$W/watch.conf" "file $W/watched/missing = 0\n"; then
		pass "watch-prefix"
	else fail "watch-prefix" "$(ctx); profiles $(show "$(cat "$W/nowatch.conf" "$W/watch.conf" 2>/dev/null)")"; fi
	fsr -p "$W/watch.conf" -- "$BIN/learnme" read "$W/watched/missing"
	want_lines "watch-prefix-learned-passes" 0 "ok read $W/watched/missing"
	# stdout by default; -o replaces its file whole, with no temporary file left behind.
	runc "$FS" learn -- sh -c 'cat /proc/sys/fakesys_learn/out 2>/dev/null >&2; exit 3'
	if [ "$RC" = 3 ] && has_lines "$OUT" "fakesys_learn.out = 0"; then pass "stdout-and-cmd-status"; else
		fail "stdout-and-cmd-status" "$(ctx)"; fi
	mkdir -p "$W/o"
	echo old >"$W/o/L"
	runc "$FS" learn -o "$W/o/L" -- true
	if [ "$RC" = 0 ] && [ "$(entries "$W/o")" = L ] && grep -q '^# learned by fakesys learn from: true$' "$W/o/L"; then
		pass "output-replaced-atomically"; else fail "output-replaced-atomically" "$(ctx); dir $(show "$(entries "$W/o")")"; fi
	runc "$FS" learn -o "$W/o/L" -- /nonexistent/cmd
	if [ "$RC" = 127 ] && grep -q '^# learned by fakesys learn from: true$' "$W/o/L" && [ "$(entries "$W/o")" = L ]; then
		pass "no-profile-when-cmd-cannot-run"; else fail "no-profile-when-cmd-cannot-run" "$(ctx)"; fi
	local st
	for st in 2 125 127; do
		runc "$FS" learn -o "$W/o/L" -- sh -c "cat /proc/sys/fakesys_learn/exit$st 2>/dev/null; exit $st"
		if [ "$RC" = $st ] && learned "$W/o/L" "fakesys_learn.exit$st = 0"; then pass "profile-when-cmd-exits-$st"; else
			fail "profile-when-cmd-exits-$st" "$(ctx); profile $(show "$(cat "$W/o/L")")"; fi
	done
	# Bad usage: one line, exit 2, CMD not run.
	local bad
	for bad in "learn true" "learn -o NODIR/L -- touch RAN" "learn --watch rel -- true" "learn -x -- true"; do
		# shellcheck disable=SC2046 # the words of the case
		runc "$FS" $(sed -e "s|NODIR|$W/nodir|" -e "s|RAN|$W/ran|" <<<"$bad")
		if [ "$RC" = 2 ] && [ "$(wc -l <<<"$ERR")" = 1 ] && grep -q '^fakesys: learn: ' <<<"$ERR" && [ ! -e "$W/ran" ]; then
			pass "bad-usage: $bad"; else fail "bad-usage: $bad" "$(ctx)"; fi
	done
}

# containers (fakesys issue 12): the fix-ups for containerd and runc in gVisor (README,
# "Fix-ups for gVisor"). The kernel is the oracle: tests/progs/mount_cases.sh's lines
# on the host, natively and under every fix-up forced, are one text; in gVisor each case
# fails natively and without its fix-up, and is the host kernel's with it.
MOUNT_FIXUPS=(mount-rec mount-fd-target mount-strictatime devpts-single pipe-chown)
# fixup_cases NAME: the mount cases NAME serves
fixup_cases() {
	case $1 in
	mount-rec) echo "rbind-of-plain-directory unshare-m make-rprivate make-rslave" ;;
	mount-fd-target) echo "mount-on-fd-link" ;;
	mount-strictatime) echo "tmpfs-strictatime" ;;
	devpts-single) echo "devpts-newinstance" ;;
	pipe-chown) echo "fchown-pipe-to-owner" ;;
	esac
}
# mount_cases [FAKESYS OPTIONS... --]: the cases' lines in a fresh $W/m (natively
# without options), in a mount namespace of their own (in gVisor, where unshare -m's
# recursive MS_PRIVATE is refused, with propagation unchanged: none propagates there).
mount_cases() {
	local ns=(unshare -m)
	[ "$KIND" = gvisor ] && ns+=(--propagation unchanged)
	rm -rf "$W/m"
	if [ $# = 0 ]; then
		runc "${ns[@]}" bash "$PROGS/mount_cases.sh" "$W/m"
	else
		fsr "$@" "${ns[@]}" bash "$PROGS/mount_cases.sh" "$W/m"
	fi
}
case_line() { printf '%s\n' "$1" | grep "^$2: "; }
# keyctl(KEYCTL_JOIN_SESSION_KEYRING, NULL), as runc joins a session keyring: "ok" or the error
keyctl_join=(python3 -c 'import ctypes, os
l = ctypes.CDLL(None, use_errno=True)
print("ok" if l.syscall(250, 1, None) >= 0 else os.strerror(ctypes.get_errno()))')
# A process in a pid namespace of its own forks (sh) and makes a thread that execs
# (threadexec): gVisor names the new tasks by their pids in that namespace.
pidns_cmd=(unshare -pf sh -c "$BIN/threadexec /bin/echo ok; echo pid \$\$")

group_containers() {
	local oracle=$BIN/../oracle/mounts native forced x c line stats
	have_oracle "$oracle" || return
	mount_cases
	native=$OUT
	if [ "$KIND" = host ]; then
		want "native-is-oracle" 0 "$(cat "$oracle")"
		local force=()
		for x in "${MOUNT_FIXUPS[@]}"; do force+=(--fixup "$x"); done
		mount_cases --stats "${force[@]}" --
		want "forced-fixups-same-as-kernel" 0 "$(cat "$oracle")"
		stats=$ERR
		# Each forced fix-up acted (its calls answered), and left the kernel's result.
		for x in "${MOUNT_FIXUPS[@]}"; do
			if printf '%s\n' "$stats" | grep -Eq "stats: $x +[1-9][0-9]* +0$"; then pass "forced-$x-acted"; else
				fail "forced-$x-acted" "no '$x' answers in --stats: $(show "$stats")"; fi
		done
		mount_cases --stats --
		if [ "$OUT" = "$(cat "$oracle")" ] && ! printf '%s\n' "$ERR" | grep -Eq "stats: (mount-|devpts-|pipe-|readonly-)"; then
			pass "probed-off-on-linux"; else fail "probed-off-on-linux" "$(ctx)"; fi
		runc "${keyctl_join[@]}"
		want "keys-native" 0 "ok"
		fsr --fixup keys-enosys -- "${keyctl_join[@]}"
		want "keys-enosys-forced" 0 "Function not implemented"
		fsr -- "${keyctl_join[@]}"
		want "keys-probed-off-on-linux" 0 "ok"
	else
		# Natively every case but the submount one (which the kernel would do) fails.
		for x in "${MOUNT_FIXUPS[@]}"; do
			for c in $(fixup_cases "$x"); do
				line=$(case_line "$native" "$c")
				if [ -n "$line" ] && [ "$line" != "$(case_line "$(cat "$oracle")" "$c")" ]; then
					echo "$c natively: $line"
					pass "native-fails: $c"
				else fail "native-fails: $c" "native $(show "$native")"; fi
			done
		done
		mount_cases --
		for x in "${MOUNT_FIXUPS[@]}"; do
			for c in $(fixup_cases "$x"); do
				line=$(case_line "$OUT" "$c")
				if [ "$line" = "$(case_line "$(cat "$oracle")" "$c")" ]; then pass "fixed-as-kernel: $c"; else
					fail "fixed-as-kernel: $c" "$(show "$line"), kernel $(show "$(case_line "$(cat "$oracle")" "$c")")"; fi
			done
		done
		# A read-only bind remount (MS_REC dropped, as a remount ignores it) is the
		# readonly-binds fix-up's (group readonly).
		c=bind-remount-readonly-rec
		if [ "$(case_line "$OUT" $c)" = "$(case_line "$(cat "$oracle")" $c)" ]; then pass "fixed-as-kernel: $c"; else
			fail "fixed-as-kernel: $c" "$(show "$(case_line "$OUT" $c)"), kernel $(show "$(case_line "$(cat "$oracle")" $c)")"; fi
		# What no fix-up can do stays the kernel's, and fails: a recursive bind that would
		# carry a submount.
		for c in rbind-carries-submount; do
			if [ "$(case_line "$OUT" $c)" = "$(case_line "$native" $c)" ] && [ "$(case_line "$native" $c)" != "$(case_line "$(cat "$oracle")" $c)" ]; then
				pass "$c-stays-kernels"; else fail "$c-stays-kernels" "$(show "$(case_line "$OUT" $c)"), natively $(show "$(case_line "$native" $c)")"; fi
		done
		runc "${keyctl_join[@]}"
		want "keys-native-eacces" 0 "Permission denied"
		fsr -- "${keyctl_join[@]}"
		want "keys-enosys" 0 "Function not implemented"
		fsr --no-fixup keys-enosys -- "${keyctl_join[@]}"
		want "keys-no-fixup-eacces" 0 "Permission denied"
		# The probes leave no mount and no directory behind (gVisor's mount namespaces are
		# the sandbox's one).
		local before after probes
		before=$(cat /proc/self/mountinfo)
		fsr -- true
		after=$(cat /proc/self/mountinfo)
		probes=$(shopt -s nullglob; echo /dev/shm/fakesys-probe-* /tmp/fakesys-probe-*)
		if [ "$RC" = 0 ] && [ "$before" = "$after" ] && [ -z "$probes" ]; then pass "probes-leave-nothing"; else
			fail "probes-leave-nothing" "$(ctx); mounts before $(show "$before") after $(show "$after"); dirs $(show "$probes")"; fi
	fi
	# Clone events in a pid namespace of its own: followed, not waited for (fakesys of
	# main ee8771d hung here in gVisor).
	runc "${pidns_cmd[@]}"
	want "pidns-native" 0 $'ok\npid 1'
	fsr -- "${pidns_cmd[@]}"
	want "pidns-fork-and-thread-followed" 0 $'ok\npid 1'
}

# mountfixups (fakesys issue 12): each mount fix-up alone. In gVisor, with it off, its
# cases fail as natively; on the host, forced alone, they are the kernel's. (A group of
# its own for time: a run of the cases takes ~9 s in gVisor.)
group_mountfixups() {
	local oracle=$BIN/../oracle/mounts native x c line
	# Where fakesys's own probes show a sandbox kernel (gVisor; forced on the host with
	# --fixup statfs-enosys), the probes that mount, pivot and set the subreaper attribute
	# run in CMD's process before it is traced, and put it back: CMD's cwd, root, mount
	# namespace, mounts, limits and status lines are what the same command shows
	# natively. On Linux the probes' namespace cannot be left, so a fresh process runs CMD.
	local as_forked='pwd; readlink /proc/self/root /proc/self/ns/mnt; cat /proc/self/mountinfo; ulimit -a
grep -E "^(Uid|Gid|Groups|Cpus_allowed_list|Sig(Blk|Ign)|Cap(Inh|Prm|Eff|Bnd)|NoNewPrivs|Seccomp):" /proc/self/status | grep -v "^Seccomp"'
	runc sh -c "$as_forked"
	native=$OUT
	if [ "$KIND" = gvisor ]; then fsr -- sh -c "$as_forked"; else fsr --fixup statfs-enosys -- sh -c "$as_forked"; fi
	if [ "$RC" = 0 ] && [ "$OUT" = "$native" ]; then pass "probes-leave-cmd-as-forked"; else
		fail "probes-leave-cmd-as-forked" "natively $(show "$native"); $(ctx)"; fi
	have_oracle "$oracle" || return
	if [ "$KIND" = gvisor ]; then
		mount_cases
		native=$OUT
	fi
	for x in "${MOUNT_FIXUPS[@]}"; do
		if [ "$KIND" = gvisor ]; then mount_cases --no-fixup "$x" --; else mount_cases --fixup "$x" --; fi
		for c in $(fixup_cases "$x"); do
			line=$(case_line "$OUT" "$c")
			if [ "$KIND" = gvisor ]; then
				if [ "$line" = "$(case_line "$native" "$c")" ]; then pass "no-fixup-$x-fails: $c"; else
					fail "no-fixup-$x-fails: $c" "$(show "$line"), natively $(show "$(case_line "$native" "$c")")"; fi
			elif [ "$line" = "$(case_line "$(cat "$oracle")" "$c")" ]; then pass "forced-$x-alone-as-kernel: $c"; else
				fail "forced-$x-alone-as-kernel: $c" "$(show "$line"), kernel $(show "$(case_line "$(cat "$oracle")" "$c")")"; fi
		done
	done
}

# ctr (fakesys issue 12): runc's jail step by step (pivot_cases), and Debian's containerd
# importing and running an image (containers_ctr); a group of its own for time (gVisor
# runs a group in at most 120 s).
group_ctr() {
	pivot_cases
	containers_ctr
}

# pivot_cases: runc's jail (tests/progs/pivot.c: pivot_root(".", "."), umount2 of the
# old root, every fd closed, exec) into a tmpfs root holding busybox, a procfs and a
# tmpfs /dev, then ls / and the default profile's kernel.panic there. The host kernel's
# lines (recorded by tests/run, the value line left out) are the oracle; the value must
# be the fake's, reached through the store's bind in /dev (container_store.h).
pivot_cases() {
	local oracle=$BIN/../oracle/pivot r=$W/pivot fake ns=(unshare -m) jail
	have_oracle "$oracle" || return
	[ "$KIND" = gvisor ] && ns+=(--propagation unchanged)
	mkdir -p "$r"
	jail=(sh -c "mount -t tmpfs none $r && mkdir $r/bin $r/proc $r/dev && cp $BB $r/bin/busybox && mount -t proc proc $r/proc && mount -t tmpfs none $r/dev &&
		exec $BIN/pivot $r /bin/busybox sh -c 'ls /; cat /proc/sys/kernel/panic'")
	fsr -- cat /proc/sys/kernel/panic
	fake=$OUT
	if [ "$KIND" = host ]; then
		fsr --fixup pivot-root-chroot -- "${ns[@]}" "${jail[@]}"
	else
		runc "${ns[@]}" "${jail[@]}"
		echo "pivot natively: $(show "$OUT") $(show "$ERR")"
		if printf '%s\n' "$OUT" | grep -qx 'pivot_root: Invalid argument'; then pass "pivot-root-native-einval"; else
			fail "pivot-root-native-einval" "$(ctx)"; fi
		unmount_under "$r"
		fsr --no-fixup pivot-root-chroot -- "${ns[@]}" "${jail[@]}"
		if printf '%s\n' "$OUT" | grep -qx 'pivot_root: Invalid argument'; then pass "pivot-root-no-fixup-einval"; else
			fail "pivot-root-no-fixup-einval" "$(ctx)"; fi
		unmount_under "$r"
		fsr -- "${ns[@]}" "${jail[@]}"
	fi
	unmount_under "$r"
	if [ "$RC" = 0 ] && [ "$(printf '%s\n' "$OUT" | sed '$d')" = "$(cat "$oracle")" ]; then pass "pivot-root-as-kernel"; else
		fail "pivot-root-as-kernel" "$(ctx); kernel $(show "$(cat "$oracle")")"; fi
	if [ -n "$fake" ] && [ "$(printf '%s\n' "$OUT" | tail -n 1)" = "$fake" ]; then pass "fake-reached-after-pivot-and-exec"; else
		fail "fake-reached-after-pivot-and-exec" "want the fake's $(show "$fake"); $(ctx)"; fi
}

# unmount_under DIR: every mount at or beneath DIR, the latest first (gVisor's mounts of
# a container stay in the sandbox's one namespace).
# readonly (fakesys issue 12): the readonly-binds fix-up (README, "Fix-ups for gVisor").
# The kernel is the oracle: tests/progs/readonly_cases.sh's lines on the host natively
# (tests/run records them) are those of the fix-up forced on the host and of fakesys in
# gVisor; in gVisor natively, and without the fix-up, the remount fails and the writes
# succeed.
# readonly_cases [FAKESYS OPTIONS... --]: the cases' lines in a fresh $W/ro (natively
# without options), in a mount namespace of their own.
readonly_cases() {
	local ns=(unshare -m)
	[ "$KIND" = gvisor ] && ns+=(--propagation unchanged)
	if [ $# = 0 ]; then
		runc "${ns[@]}" bash "$PROGS/readonly_cases.sh" "$W/ro"
	else
		fsr "$@" "${ns[@]}" bash "$PROGS/readonly_cases.sh" "$W/ro"
	fi
}

group_readonly() {
	local oracle=$BIN/../oracle/readonly native
	have_oracle "$oracle" || return
	readonly_cases
	native=$OUT
	if [ "$KIND" = host ]; then
		want "native-is-oracle" 0 "$(cat "$oracle")"
		readonly_cases --stats --fixup readonly-binds --
		want "forced-same-as-kernel" 0 "$(cat "$oracle")"
		if printf '%s\n' "$ERR" | grep -Eq "stats: readonly-binds +[1-9]"; then pass "forced-acted"; else
			fail "forced-acted" "no 'readonly-binds' answers in --stats: $(show "$ERR")"; fi
		readonly_cases --stats --
		if [ "$OUT" = "$(cat "$oracle")" ] && ! printf '%s\n' "$ERR" | grep -q "stats: readonly-binds"; then
			pass "probed-off-on-linux"; else fail "probed-off-on-linux" "$(ctx)"; fi
	else
		if [ "$(case_line "$native" remount-readonly)" != "remount-readonly: ok" ] &&
			[ "$(case_line "$native" open-write)" = "open-write: ok" ]; then
			pass "native-fails"; else fail "native-fails" "native $(show "$native")"; fi
		readonly_cases --
		want "fixed-as-kernel" 0 "$(cat "$oracle")"
		readonly_cases --no-fixup readonly-binds --
		want "no-fixup-fails-as-natively" 0 "$native"
	fi
}

# unmount_under DIR: every mount beneath DIR, the latest first (gVisor's mounts of a
# container stay in the sandbox's one namespace).
unmount_under() {
	local p
	awk -v d="$1/" '$5 "/" == d || substr($5, 1, length(d)) == d { print $5 }' /proc/self/mountinfo | tac | while read -r p; do
		umount -l "$p" 2>/dev/null
	done
}

# Debian's containerd (private root, state and socket; no CRI) imports an OCI image built
# here with buildah (FROM scratch plus busybox-static): in gVisor only under fakesys -p k3s.
containers_ctr() {
	local c=$W/ctd b=(buildah --root "$W/bh/root" --runroot "$W/bh/run" --storage-driver vfs) ctr how bc
	bc=$("${b[@]}" from scratch 2>"$W/bh.err") && "${b[@]}" copy "$bc" "$BB" /bin/busybox >/dev/null 2>>"$W/bh.err" &&
		"${b[@]}" commit -q "$bc" "oci-archive:$W/bb.tar:fsk-busybox:1" >/dev/null 2>>"$W/bh.err"
	if [ -s "$W/bb.tar" ]; then pass "buildah-oci-archive"; else
		fail "buildah-oci-archive" "$(show "$(cat "$W/bh.err")")"
		return
	fi
	containerd_config "$c" 'disabled_plugins = ["io.containerd.grpc.v1.cri"]'
	ctr=(ctr --address "$c/sock")
	for how in plain fakesys; do
		rm -rf "$c/root" "$c/state" "$c/sock"
		if [ $how = fakesys ]; then
			start_bg "$c/$how.log" -p k3s -- containerd --config "$c/config.toml"
		else
			start_bg_cmd "$c/$how.log" containerd --config "$c/config.toml"
		fi
		if ! await_bg 30 [ -S "$c/sock" ]; then
			fail "containerd-$how-starts" "$(show "$(tail -n 5 "$c/$how.log.err")")"
			continue
		fi
		runc "${ctr[@]}" image import "$W/bb.tar"
		if [ $how = plain ] && [ "$KIND" = gvisor ]; then
			# The snapshotter mounts the layer as a recursive bind.
			echo "import without fakesys: $ERR"
			if [ "$RC" != 0 ] && printf '%s' "$ERR" | grep -q 'failed to extract layer .*tmpmounts/containerd-mount.*invalid argument'; then
				pass "import-without-fakesys-fails"
			else fail "import-without-fakesys-fails" "$(ctx)"; fi
		elif [ "$RC" = 0 ] && printf '%s' "$OUT" | grep -q '^unpacking fsk-busybox:1 .*done'; then
			runc "${ctr[@]}" image check
			if printf '%s\n' "$OUT" | grep -Eq '^fsk-busybox:1 .* complete '; then pass "import-$how-unpacks"; else
				fail "import-$how-unpacks" "image check: $(ctx)"; fi
		else fail "import-$how-unpacks" "$(ctx); containerd: $(show "$(tail -n 5 "$c/$how.log.err")")"; fi
		if [ $how = fakesys ] && [ "$KIND" = gvisor ]; then
			# A container runs, unpatched (docs/k3s.md): it prints a fake /proc/sys key and a
			# fake cgroup file, and its exit status reaches ctr. (--net-host: gVisor has no
			# netlink link changes in a container's own network namespace; CAP_NET_RAW
			# dropped: runsc without --net-raw has none to give.)
			fsr -p k3s -- sh -c 'cat /proc/sys/kernel/panic /sys/fs/cgroup/memory/memory.limit_in_bytes'
			local fakes=$OUT
			runc "${ctr[@]}" run --rm --net-host --cap-drop CAP_NET_RAW fsk-busybox:1 fsk1 /bin/busybox sh -c \
				'cat /proc/sys/kernel/panic /sys/fs/cgroup/memory/memory.limit_in_bytes; exit 7'
			echo "ctr run under fakesys: $(ctx)"
			want "ctr-run-container-sees-fakes-and-exit-status" 7 "$fakes"
			# The mounts runc made in the container's mount namespace went with it
			# (mount-ns-teardown; without it its rootfs, /proc, /dev... stay), and containerd
			# unmounted the rootfs.
			local left
			left=$(awk -v d="$c/" 'substr($5, 1, length(d)) == d { print $5 }' /proc/self/mountinfo)
			if [ -z "$left" ]; then pass "ctr-run-leaves-no-mounts"; else fail "ctr-run-leaves-no-mounts" "$(show "$left")"; fi
			unmount_under "$c"
		fi
		kill -TERM "$BGPID"
		if ended_within "$BGPID" 20 && [ "$RC" = 0 ]; then pass "containerd-$how-stops"; else
			fail "containerd-$how-stops" "exit $RC after SIGTERM; $(show "$(tail -n 5 "$c/$how.log.err")")"; fi
		unmount_under "$c"
	done
	[ "$KIND" = gvisor ] || return
	# The same run with containerd and its shim not traced fails, on the image imported above.
	rm -rf "$c/state" "$c/sock"
	start_bg_cmd "$c/native.log" containerd --config "$c/config.toml"
	if await_bg 30 [ -S "$c/sock" ]; then
		runc "${ctr[@]}" run --rm --net-host --cap-drop CAP_NET_RAW fsk-busybox:1 fsk2 /bin/busybox true
		echo "ctr run without fakesys: $ERR"
		if [ "$RC" != 0 ] && [ -n "$ERR" ]; then pass "ctr-run-without-fakesys-fails"; else
			fail "ctr-run-without-fakesys-fails" "$(ctx)"; fi
		kill -TERM "$BGPID"
		ended_within "$BGPID" 20
	else fail "ctr-run-without-fakesys-fails" "containerd did not start: $(show "$(tail -n 5 "$c/native.log.err")")"; fi
	unmount_under "$c"
}

# mount-ns-teardown: the mounts of a mount namespace a tracee made (unshare -m) go with its
# last process. Each case runs in a shell that lists, after the namespace's processes
# exited, the mount points at and beneath its directory $D. On Linux (the oracle) they
# vanish with the namespace, natively and with the fix-up forced on; gVisor keeps them
# natively (one namespace for the sandbox), fakesys unmounts them. (gVisor has no MS_MOVE:
# EINVAL.)
MOUNTNS_CASES=(simple nested bind move umounted two-members initial-kept)
mountns_case() {
	case $1 in
	simple) echo 'mount -t tmpfs none $D' ;;
	nested) echo 'mount -t tmpfs none $D && mkdir $D/a $D/b && mount -t tmpfs none $D/a && mkdir $D/a/c && mount -t tmpfs none $D/a/c && mount --bind $D/a $D/b' ;;
	bind) echo 'mkdir -p $D/src $D/dst && mount --bind $D/src $D/dst' ;;
	move) echo 'mkdir -p $D/m $D/n && mount -t tmpfs none $D/m && mount --move $D/m $D/n' ;;
	umounted) echo 'mkdir -p $D/a && mount -t tmpfs none $D/a && mount -t tmpfs none $D/a && umount $D/a' ;;
	# The shell exits first; its child holds the namespace, and still sees the mount.
	two-members) echo 'mount -t tmpfs none $D || exit 1; (sleep 1; grep -c " $D " /proc/self/mountinfo >$D.inside) & exit 0' ;;
	# A mount of the initial namespace stays, with what a member mounted beneath it.
	initial-kept) echo 'mkdir -p $D/keep/sub && mount -t tmpfs none $D/keep/sub' ;;
	esac
}
# mountns_script CASE: the script of a case (its directory D and unshare U exported).
mountns_script() {
	local before='' after=''
	[ "$1" = two-members ] && after='echo during $(list); sleep 3; cat $D.inside;'
	[ "$1" = initial-kept ] && before='mkdir -p $D/keep && mount -t tmpfs none $D/keep && mkdir $D/keep/sub;'
	printf '%s' 'list() { awk -v d="$D" '"'"'$5 == d { print "." } index($5, d "/") == 1 { print substr($5, length(d) + 2) }'"'"' /proc/self/mountinfo | sort | tr "\n" " "; }; '"$before"' $U sh -c '"'$(mountns_case "$1")'"'; echo inner $?; '"$after"' echo after $(list)'
}
# mountns_all [FAKESYS OPTIONS --]: every case, natively (none) or under fakesys; OUT is
# "CASE: output" per case.
mountns_all() {
	local c all=''
	for c in "${MOUNTNS_CASES[@]}"; do
		MOUNTNS_RUNS=$((${MOUNTNS_RUNS:-0} + 1))
		export D=$W/mn$MOUNTNS_RUNS-$c
		mkdir -p "$D"
		if [ $# = 0 ]; then runc sh -c "$(mountns_script "$c")"; else fsr "$@" sh -c "$(mountns_script "$c")"; fi
		all+="$c: $(printf '%s' "$OUT" | tr '\n' ' ') rc $RC"$'\n'
		unmount_under "$D"
		umount -l "$D" 2>/dev/null
	done
	OUT=${all%$'\n'}
}
group_mountns() {
	local native expect
	if [ "$KIND" = host ]; then
		export U='unshare -m --propagation private'
		# The kernel: every namespace's mounts gone after it, those of the initial kept.
		expect='simple: inner 0 after rc 0
nested: inner 0 after rc 0
bind: inner 0 after rc 0
move: inner 0 after rc 0
umounted: inner 0 after rc 0
two-members: inner 0 during 1 after rc 0
initial-kept: inner 0 after keep rc 0'
		mountns_all
		want "kernel" 0 "$expect"
		mountns_all --stats --fixup mount-ns-teardown --
		want "forced-same-as-kernel" 0 "$expect"
		fsr --stats -- sh -c "$(mountns_script simple)"
		if [ "$RC" = 0 ] && ! printf '%s\n' "$ERR" | grep -q "stats: umount2 "; then pass "probed-off-on-linux"; else
			fail "probed-off-on-linux" "$(ctx)"; fi
	else
		export U='unshare -m --propagation unchanged'
		mountns_all
		native=$OUT
		echo "natively: $native"
		want "native-keeps-mounts" 0 'simple: inner 0 after . rc 0
nested: inner 0 after . a a/c b rc 0
bind: inner 0 after dst rc 0
move: inner 32 after m rc 0
umounted: inner 0 after a rc 0
two-members: inner 0 during . 1 after . rc 0
initial-kept: inner 0 after keep keep/sub rc 0'
		mountns_all --
		want "fakesys-tears-down" 0 'simple: inner 0 after rc 0
nested: inner 0 after rc 0
bind: inner 0 after rc 0
move: inner 32 after rc 0
umounted: inner 0 after rc 0
two-members: inner 0 during . 1 after rc 0
initial-kept: inner 0 after keep rc 0'
		mountns_all --no-fixup mount-ns-teardown --
		want "no-fixup-as-native" 0 "$native"
	fi
}

case "$GROUP" in
go | sysctl | writes | cat | ls | forks | concur | rodata | matrix | signals | jobctl | paths | aliases | badinput | audit | store | k3s | cgroups | cgroupfs | patterns | profiles | fuse | launcher | identity | observe | subreaper | learn | kernelchecks | containers | mountfixups | ctr | readonly | mountns)
	"group_$GROUP"
	;;
*)
	echo "FAIL $LABEL:$GROUP: unknown test group"
	exit 1
	;;
esac
exit 0
