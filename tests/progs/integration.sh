#!/bin/bash
# Integration tests for fakesys: one group per invocation. tests/run calls this on the host
# (build/fakesys, build/asan/fakesys) and inside gVisor (build/fakesys-static, one
# `runsc do` per group), and counts the verdict lines.
#
# Usage: integration.sh KIND LABEL FAKESYS BINDIR GROUP [EXTRA FAKESYS OPTIONS...]
#   KIND   host | gvisor   (what the tests may expect from the kernel underneath)
#   LABEL  prefix of every verdict, e.g. host, asan, gvisor, host-noseccomp
#   BINDIR the test programs built by tests/run (tunables, rodata, concur, fsops, sighelper, fsshare,
#          orphans, kubecg, statfs, ...)
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
# start_bg OUTFILE ARGS...: start fakesys in the background with default signal
# dispositions (a non-interactive shell ignores SIGINT/SIGQUIT in background jobs).
start_bg() {
	local out=$1
	shift
	env --default-signal "$FS" "${XOPT[@]}" "$@" >"$out" 2>"$out.err" </dev/null &
	BGPID=$!
	BGPIDS+=($BGPID)
	watchdog "$BGPID" "$TMO"
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
	if [ ! -s "$oracle" ]; then
		fail "kernel-oracle" "$oracle is missing (tests/run records it with unshare -n)"
		return
	fi
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
	TMO=60
	# A deep chain of processes: each level reads the fake, then forks the next level.
	printf '#!/bin/sh\ncat %s/panic_on_oops\nif [ "$1" -gt 0 ]; then sh "$0" $(($1 - 1)); fi\ntrue\n' "$K" >"$W/chain.sh"
	fsr -- sh "$W/chain.sh" 20
	n=$(printf '%s\n' "$OUT" | grep -cx 1)
	if [ "$RC" = 0 ] && [ "$n" = 21 ]; then pass "deep-process-chain"; else
		fail "deep-process-chain" "want 21 lines \"1\", got $n; $(ctx)"; fi
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
	# still traced, so fakesys ends at once and removes its private store.
	mkdir -p "$W/td"
	env --default-signal TMPDIR="$W/td" "$FS" "${XOPT[@]}" -- sh -c "setsid sleep 30 & echo started" \
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
	local key=ip_default_ttl
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
	local per
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
	if [ ! -s "$oracle" ]; then
		fail "kernel-oracle" "$oracle is missing (tests/run records it on the host's real cgroup v1 tree)"
		return
	fi
	local before=""
	[ "$KIND" = host ] && before=$(find /sys/fs/cgroup -maxdepth 3 -type d 2>/dev/null | sort)
	fsr -p cgroups -- bash "$PROGS/cgroup_cases.sh" /sys/fs/cgroup
	want "same-as-kernel" 0 "$(cat "$oracle")"
	if [ "$KIND" = host ]; then
		local after
		after=$(find /sys/fs/cgroup -maxdepth 3 -type d 2>/dev/null | sort)
		[ "$before" = "$after" ] && pass "real-tree-untouched" ||
			fail "real-tree-untouched" "$(show "$(diff <(echo "$before") <(echo "$after") | head -n 5)")"
	fi
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
		local i
		for i in $(seq 500); do
			[ -e "$sync/applied" ] && break
			kill -0 "$BGPID" 2>/dev/null || break
			sleep 0.1
		done
		if [ -e "$sync/applied" ]; then
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

case "$GROUP" in
go | sysctl | writes | cat | ls | forks | concur | rodata | matrix | signals | jobctl | paths | aliases | badinput | audit | store | k3s | cgroups | cgroupfs)
	"group_$GROUP"
	;;
*)
	echo "FAIL $LABEL:$GROUP: unknown test group"
	exit 1
	;;
esac
exit 0
