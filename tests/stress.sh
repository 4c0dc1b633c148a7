#!/bin/bash
# Stress tests: many threads opening fakes and ordinary files at once, thousands of
# short-lived processes in every shape (fork/vfork/posix_spawn/exec chains, orphans,
# zombies, exec from a non-leader thread, deaths by signal), a tree of 1,200 tasks alive
# at once (scale: the tracer's memory and cost per stop), and a valgrind run of the
# tracer. Every check prints "PASS name" or "FAIL name: reason"; exit non-zero on failure.
#
# Usage: tests/stress.sh [host|asan|valgrind|gvisor|store-full|all]     (default all)
#   host      build/fakesys            threads 1000 x 1000 opens, 5000 processes, scale
#             (200 processes x 6 threads x 20 rounds, 3 pairs), and the store-full check
#   store-full  only the store-full check of host (root, setpriv, user nobody, tmpfs;
#             see store_full below), plus the real-tunables check; a few seconds
#   asan      build/asan/fakesys       threads 1000 x 200 opens,  5000 processes
#   valgrind  build/fakesys under `valgrind --leak-check=full --error-exitcode=1`
#   gvisor    build/fakesys-static in `runsc --rootless --network=none do`
#             threads 200 x 100 opens, 500 processes, scale (5 rounds, 1 pair)
# Environment: FAKESYS, FAKESYS_ASAN, FAKESYS_STATIC (defaults build/...),
#   STRESS_THREADS, STRESS_OPENS, STRESS_PROCS override the sizes of every run;
#   STRESS_ONLY=CHECK runs one check of each selected run: baseline, threads, procs,
#   storm, scale, many, exit-status, sigkill or store-full (e.g. STRESS_ONLY=procs ... asan).
# Runtime on a loaded 2-core VM: host ~55 s, asan ~25 s, valgrind ~40 s, gvisor ~65 s.
#
# After each traced run, `ps` must show no process of the test still alive (in
# particular none stopped, state t/T): fakesys exits only when every tracee is gone, and
# PTRACE_O_EXITKILL kills them if it dies. Zombies that init has not reaped yet show
# no path and are not counted.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SELF=$ROOT/tests/stress.sh
ulimit -c 0 2>/dev/null

. "$ROOT/tests/verdicts.sh"

# ---------------------------------------------------------------------------------------
# The checks, for one fakesys: suite LABEL FAKESYS BINDIR WORKDIR THREADS OPENS PROCS KIND
# KIND host|gvisor says which real file the native baseline may read.
suite() {
	local label=$1 fs=$2 bin=$3 w=$4 nthreads=$5 nopens=$6 nprocs=$7 kind=$8
	local out rc t0 real_file real_value shapes=()
	if [ "$kind" = gvisor ]; then
		real_file=/proc/sys/vm/overcommit_memory
		# Not shape n (exec from a thread after the leader's pthread_exit): gVisor
		# 20221219 hangs on it even without fakesys.
		shapes=(-s abcdefghijklm)
	else
		real_file=/proc/sys/kernel/panic
	fi
	real_value=$(cat "$real_file")

	if only baseline; then
		# Baseline: the process shapes work here without fakesys (reading a real file).
		t0=$(date +%s)
		out=$(timeout -k 5 120 "$bin/stress_procs" -n 500 "${shapes[@]}" -f "$real_file" -e "$real_value" 2>&1 </dev/null)
		rc=$?
		if [ $rc = 0 ]; then pass "stress-$label-baseline-native"; else
			fail "stress-$label-baseline-native" "stress_procs without fakesys: exit $rc: $(printf '%s' "$out" | oneline)"
		fi
	fi

	if only threads; then
		# (a) threads
		t0=$(date +%s)
		out=$(timeout -k 5 300 "$fs" -- "$bin/stress_threads" -t "$nthreads" -m "$nopens" -d "$w" 2>"$w/err" </dev/null)
		rc=$?
		local err
		err=$(head -c 3000 "$w/err")
		if [ $rc = 0 ] && printf '%s\n' "$out" | grep -qx "threads $nthreads opens $((nthreads * nopens)) faked [0-9]* errors 0" &&
			! printf '%s\n' "$err" | grep -q '^fakesys:'; then
			pass "stress-$label-threads-${nthreads}x${nopens}"
		else
			fail "stress-$label-threads-${nthreads}x${nopens}" "exit $rc$([ $rc = 124 ] && echo ' (timeout)'); stdout $(printf '%s' "$out" | oneline); stderr $(printf '%s' "$err" | oneline)"
		fi
		echo "   (stress-$label-threads: $(($(date +%s) - t0))s)"
		no_leftovers "stress-$label-threads-no-leftover-tracees" "$bin"
	fi

	if only procs; then
		# (b) processes
		t0=$(date +%s)
		out=$(timeout -k 5 300 "$fs" -- "$bin/stress_procs" -n "$nprocs" "${shapes[@]}" 2>"$w/err" </dev/null)
		rc=$?
		err=$(head -c 3000 "$w/err")
		if [ $rc = 0 ] && printf '%s\n' "$out" | grep -qx "procs [0-9]* failures 0" && ! printf '%s\n' "$err" | grep -q '^fakesys:'; then
			pass "stress-$label-procs-$nprocs"
		else
			fail "stress-$label-procs-$nprocs" "exit $rc$([ $rc = 124 ] && echo ' (timeout)'); stdout $(printf '%s' "$out" | oneline); stderr $(printf '%s' "$err" | oneline 1500)"
		fi
		echo "   (stress-$label-procs: $(($(date +%s) - t0))s; $(printf '%s\n' "$out" | grep '^procs'))"
		no_leftovers "stress-$label-procs-no-leftover-tracees" "$bin"
	fi

	if only storm; then
		# SIGSTOP/SIGCONT storm on a traced multi-threaded CMD while it opens fakes: every
		# group-stop must end on SIGCONT, and the run must finish with every read right.
		local storms=100 st=50 sm=4000 fp cp i
		[ "$kind" = gvisor ] && storms=30 st=20 sm=500
		t0=$(date +%s)
		env --default-signal "$fs" -- "$bin/stress_threads" -t $st -m $sm -d "$w" >"$w/storm.out" 2>"$w/storm.err" </dev/null &
		fp=$!
		cp=""
		for i in $(seq 50); do
			cp=$(ps -o pid= --ppid "$fp" 2>/dev/null | head -n 1 | tr -d ' ')
			[ -n "$cp" ] && break
			sleep 0.1
		done
		for i in $(seq $storms); do
			[ -n "$cp" ] || break
			kill -STOP "$cp" 2>/dev/null || break
			sleep 0.02
			kill -CONT "$cp" 2>/dev/null
			sleep 0.02
		done
		(
			sleep 120
			kill -KILL "$fp" 2>/dev/null
		) >/dev/null 2>&1 &
		local wd=$!
		wait "$fp"
		rc=$?
		kill "$wd" 2>/dev/null
		wait "$wd" 2>/dev/null
		out=$(cat "$w/storm.out")
		if [ $rc = 0 ] && [ -n "$cp" ] && printf '%s\n' "$out" | grep -qx "threads $st opens $((st * sm)) faked [0-9]* errors 0"; then
			pass "stress-$label-sigstop-sigcont-storm"
		else
			fail "stress-$label-sigstop-sigcont-storm" "exit $rc (cmd pid ${cp:-not found}, $i stops); stdout $(printf '%s' "$out" | oneline); stderr $(oneline <"$w/storm.err")"
		fi
		echo "   (stress-$label-sigstop-sigcont-storm: $i stops, $(($(date +%s) - t0))s)"
		no_leftovers "stress-$label-storm-no-leftover-tracees" "$bin"
	fi

	if only scale && [ "$label" != asan ]; then
		# Scale: 200 processes of 6 threads each doing fake and plain opens, all alive at
		# once, against the same tree run 2 processes at a time (scale_tree -c 2), in
		# interleaved pairs: the tracer's memory stays at or under 8 MiB, the stops per
		# call stay the same and, on Linux, fakesys's cost of a stop does not grow
		# (tests/scale_verdict.py says why not in gVisor). Not under ASan, whose memory
		# is its own.
		local sp=200 stt=6 sr=20 pairs=3 pair fp wd k rss peak_rss=0 verdict bad="" jsons=()
		[ "$kind" = gvisor ] && sr=5 pairs=1
		local want_out="procs $sp threads $((sp * stt)) opens $((sp * stt * sr * 2)) failed 0"
		t0=$(date +%s)
		for pair in $(seq $pairs); do
			out=$(timeout -k 5 120 "$fs" --stats="$w/scale-few$pair.json" -- "$bin/scale_tree" -p $sp -t $stt -m $sr -c 2 -d "$w" 2>&1 </dev/null)
			rc=$?
			[ $rc = 0 ] && [ "$out" = "$want_out" ] || bad="2 at a time: exit $rc: $(printf '%s' "$out" | oneline)"
			"$fs" --stats="$w/scale-big$pair.json" -- "$bin/scale_tree" -p $sp -t $stt -m $sr -d "$w" >"$w/scale.out" 2>&1 </dev/null &
			fp=$!
			(
				sleep 120
				kill -KILL "$fp" 2>/dev/null
			) >/dev/null 2>&1 &
			wd=$!
			while kill -0 "$fp" 2>/dev/null; do
				# builtins only: the sampling must not take the CPUs it measures
				while read -r k rss _; do
					[ "$k" = VmRSS: ] && [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
				done 2>/dev/null </proc/"$fp"/status
				sleep 0.1
			done
			wait "$fp"
			rc=$?
			kill "$wd" 2>/dev/null
			wait "$wd" 2>/dev/null
			[ $rc = 0 ] && [ "$(cat "$w/scale.out")" = "$want_out" ] || bad="all at once: exit $rc: $(oneline <"$w/scale.out")"
			[ -z "$bad" ] || break
			jsons+=("$w/scale-few$pair.json" "$w/scale-big$pair.json")
		done
		if [ -n "$bad" ]; then
			fail "stress-$label-scale-tree" "$bad"
		elif verdict=$(python3 "$ROOT/tests/scale_verdict.py" "$kind" $((sp * stt)) "$peak_rss" "${jsons[@]}" 2>&1); then
			pass "stress-$label-scale-tree"
		else
			fail "stress-$label-scale-tree" "$(printf '%s' "$verdict" | oneline)"
		fi
		echo "   (stress-$label-scale-tree: $(printf '%s' "$verdict" | head -n 1); $(($(date +%s) - t0))s)"
		no_leftovers "stress-$label-scale-no-leftover-tracees" "$bin"
	fi

	if only many; then
		# Many processes alive at once (each address space costs the tracer resources, e.g.
		# an fd), then each writes a fake: every write must land in the store. The fd limit
		# is lowered to 256 so that 400 processes do what ~1100 do under the usual 1024. On
		# the host this runs as nobody (with no_new_privs, so seccomp still works): a write
		# that wrongly reached the real kernel file fails with EACCES instead of changing it.
		local asuser=() many=400
		if [ "$kind" = host ]; then
			if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
				asuser=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --no-new-privs)
				mkdir -p "$w/nobody" && chmod 1777 "$w/nobody"
			else
				echo "   (setpriv or user nobody missing: the many-processes check runs as $(id -un))"
			fi
		fi
		t0=$(date +%s)
		out=$(ulimit -n 256 && cd / && TMPDIR=$w/nobody timeout -k 5 120 "${asuser[@]}" "$fs" -- "$bin/stress_procs" --many $many 2>"$w/err" </dev/null)
		rc=$?
		err=$(sort "$w/err" | uniq -c | sort -rn | head -n 5)
		if [ $rc = 0 ] && [ -z "$err" ]; then pass "stress-$label-many-live-procs-write"; else
			fail "stress-$label-many-live-procs-write" "exit $rc (ulimit -n 256, $many processes); $(printf '%s' "$out" | oneline); stderr $(printf '%s' "$err" | oneline)"
		fi
		echo "   (stress-$label-many-live-procs-write: $(($(date +%s) - t0))s)"
	fi

	if only exit-status; then
		# fakesys's status when CMD's own process execs from a non-leader thread (the tid
		# fakesys started changes hands, and the leader must not be taken for dead), when
		# its main thread calls pthread_exit and another thread exits later, or execs.
		local a want
		for a in "--thread-exec 42" "--leader-exit 43" "--leader-exit-exec 44"; do
			want=${a##* }
			[ "$kind" = gvisor ] && [ "$a" = "--leader-exit-exec 44" ] && continue
			# shellcheck disable=SC2086
			out=$(timeout -k 5 60 "$fs" -- "$bin/stress_procs" $a 2>&1 </dev/null)
			rc=$?
			if [ $rc = "$want" ]; then pass "stress-$label-exit-status${a% *}"; else
				fail "stress-$label-exit-status${a% *}" "fakesys -- stress_procs $a exited $rc, want $want: $(printf '%s' "$out" | oneline)"
			fi
		done
		# ... and when CMD dies of a signal while its orphans still run.
		out=$(timeout -k 5 60 "$fs" -- /bin/sh -c "(sleep 0.3; $bin/stress_procs --exit 5) & kill -TERM \$\$" 2>&1 </dev/null)
		rc=$?
		if [ $rc = 143 ]; then pass "stress-$label-exit-status-signal-with-orphan"; else
			fail "stress-$label-exit-status-signal-with-orphan" "fakesys exited $rc, want 143: $(printf '%s' "$out" | oneline)"
		fi
		no_leftovers "stress-$label-no-leftover-tracees" "$bin"
	fi

	if only sigkill; then
		# fakesys killed (SIGKILL) in the middle of the process stress: PTRACE_O_EXITKILL
		# must take every tracee with it, orphans included; none may stay stopped.
		# (Shapes that end a worker early on a wrong read are left out: it must still run.)
		"$fs" -- "$bin/stress_procs" -n 100000000 -s acdefghijk >/dev/null 2>&1 </dev/null &
		fp=$!
		sleep 2
		if kill -0 "$fp" 2>/dev/null; then
			kill -KILL "$fp"
			wait "$fp" 2>/dev/null
			no_leftovers "stress-$label-tracer-sigkill-no-leftover-tracees" "$bin"
		else
			wait "$fp"
			fail "stress-$label-tracer-sigkill-no-leftover-tracees" "fakesys ended before it was killed (exit $?)"
		fi
	fi
}

# only CHECK: whether STRESS_ONLY (unset: every check) selects CHECK of suite.
only() { [ -z "${STRESS_ONLY:-}" ] || [ "$STRESS_ONLY" = "$1" ]; }

# no_leftovers NAME BINDIR: no process of BINDIR alive, in particular none stopped
# (polled for up to 3 s: processes killed a moment ago may still be exiting).
no_leftovers() {
	local name=$1 bin=$2 ps_out stopped alive i
	for i in $(seq 30); do
		ps_out=$(ps -eo stat=,pid=,args= 2>&1)
		stopped=$(printf '%s\n' "$ps_out" | awk -v d="$bin/" '$1 ~ /^[tT]/ && index($3, d) == 1')
		alive=$(printf '%s\n' "$ps_out" | awk -v d="$bin/" '$1 !~ /^Z/ && index($3, d) == 1')
		[ -z "$stopped$alive" ] && break
		sleep 0.1
	done
	if [ -n "$stopped" ]; then
		fail "$name" "stopped tracees left: $(printf '%s' "$stopped" | head -n 5 | oneline)"
	elif [ -n "$alive" ]; then
		fail "$name" "processes left running: $(printf '%s' "$alive" | head -n 5 | oneline)"
	else
		pass "$name"
	fi
}

# Inside gVisor: tests/stress.sh --inner LABEL FAKESYS BINDIR WORKDIR THREADS OPENS PROCS
if [ "${1:-}" = --inner ]; then
	shift
	W=$(mktemp -d /tmp/stress-inner.XXXXXX) || exit 1
	suite "$1" "$2" "$3" "$W" "$5" "$6" "$7" gvisor
	rm -rf "$W"
	[ "$NFAIL" = 0 ]
	exit
fi

# ---------------------------------------------------------------------------------------
# The host's real kernel tunables that the workloads read or write through fakesys must
# never change (snapshot before, compare after; a change is restored and fails).
TUNABLES="vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys kernel/keys/root_maxbytes"
snapshot() {
	local k
	for k in $TUNABLES; do printf '%s=%s\n' "$k" "$(cat "/proc/sys/$k" 2>/dev/null)"; done
}
check_tunables() { # NAME BEFORE
	local after k old
	after=$(snapshot)
	if [ "$after" = "$2" ]; then
		pass "$1"
		return
	fi
	fail "$1" "real kernel values changed: before $(printf '%s' "$2" | oneline) after $(printf '%s' "$after" | oneline) (restored)"
	printf '%s\n' "$2" | while IFS='=' read -r k old; do
		[ "$(cat "/proc/sys/$k" 2>/dev/null)" != "$old" ] && printf '%s\n' "$old" >"/proc/sys/$k" 2>/dev/null
	done
}

# store_full FAKESYS: a store whose filesystem is full. $TMPDIR, where fakesys makes its
# store, is a tiny tmpfs (nr_inodes=120, so it runs out of inodes, never of space), and
# `stress_procs --store-full 150` runs as nobody (with no_new_privs, so seccomp still
# works) under fakesys: 150 processes one after another open the fake
# kernel/keys/root_maxbytes for writing, write their own value, read it back, and keep
# the fd open, so the writer files fill the store. Required:
#  - the traced program's exit status (fakesys passes it on) is 0: all 150 reported, no
#    write that returned success read back anything but its own value, no read-back
#    failed, and the value after all have exited is the last one kept;
#  - the errno that creating a file on the full tmpfs gives, measured first with
#    `stress_procs --fill` (ENOSPC, on the Linux host where this was written), or ENOSPC,
#    was seen at least once, at the open (no writer file could be made) or at the
#    write (the store cannot keep it);
#  - no other errno at open or write: EACCES means an open escaped to the real
#    /proc/sys file (which nobody cannot write, so the kernel value stays unchanged);
#  - at least one write was kept before the store filled up.
# Not root, no setpriv, no user nobody or a tmpfs that cannot be mounted is a FAIL.
store_full() {
	local fs=$1 name=stress-host-store-full-writes-never-reach-kernel n=150 tiny=$W/tiny
	local asnobody out rc meas
	if [ "$(id -u)" != 0 ]; then
		fail "$name" "must run as root (to mount a tmpfs and run the program as nobody); running as $(id -un)"
		return
	fi
	if ! command -v setpriv >/dev/null; then
		fail "$name" "setpriv is missing (util-linux): the program must run as nobody"
		return
	fi
	if ! id nobody >/dev/null 2>&1; then
		fail "$name" "there is no user nobody to run the program as"
		return
	fi
	if ! mkdir -p "$tiny" 2>"$W/mount.err" || ! mount -t tmpfs -o size=4m,nr_inodes=120,mode=1777 tmpfs "$tiny" 2>"$W/mount.err"; then
		fail "$name" "mount -t tmpfs -o size=4m,nr_inodes=120 on $tiny failed: $(oneline <"$W/mount.err")"
		return
	fi
	asnobody=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --no-new-privs)
	# What creating a file on the full tmpfs fails with (then the files are removed).
	meas=$("${asnobody[@]}" "$BIN/stress_procs" --fill "$tiny" 2>&1)
	rc=$?
	if [ $rc != 0 ] || ! printf '%s\n' "$meas" | grep -qx 'fill [0-9]* errno E[A-Z0-9]*'; then
		umount "$tiny"
		fail "$name" "could not measure how a full tmpfs fails a file creation: exit $rc: $(printf '%s' "$meas" | oneline)"
		return
	fi
	meas=${meas##* }
	out=$(cd / && TMPDIR=$tiny timeout -k 5 120 "${asnobody[@]}" "$fs" -- "$BIN/stress_procs" --store-full $n 2>"$W/err" </dev/null)
	rc=$?
	umount "$tiny"
	store_full_verdict "$name" $n "$rc" "$meas" "$out" "$(sort "$W/err" | uniq -c | sort -rn | head -n 6 | oneline 800)"
}

# store_full_verdict NAME N RC MEASURED_ERRNO STDOUT STDERR: the verdict on one run
store_full_verdict() {
	local name=$1 n=$2 rc=$3 meas=$4 out=$5 err=$6 line oerr werr kept lost e c seen=0 other="" why=""
	line=$(printf '%s\n' "$out" | grep "^store-full $n: ")
	oerr=$(printf '%s\n' "$line" | sed -n 's/.*; open ok [0-9]* errors \([^;]*\);.*/\1/p')
	werr=$(printf '%s\n' "$line" | sed -n 's/.*; write ok [0-9]* errors \([^;]*\);.*/\1/p')
	kept=$(printf '%s\n' "$line" | sed -n 's/.*; kept \([0-9]*\) lost [0-9]*;.*/\1/p')
	lost=$(printf '%s\n' "$line" | sed -n 's/.*; kept [0-9]* lost \([0-9]*\);.*/\1/p')
	for e in $(printf '%s\n%s\n' "$oerr" "$werr" | tr ',' '\n' | grep -v '^none$'); do
		c=${e#*=}
		case " ENOSPC $meas " in
		*" ${e%%=*} "*) seen=$((seen + c)) ;;
		*) other="$other $e" ;;
		esac
	done
	if [ -z "$line" ] || [ -z "$oerr" ] || [ -z "$werr" ] || [ -z "$kept" ] || [ -z "$lost" ]; then
		why="no complete \"store-full $n:\" line from the program;"
	fi
	[ "$rc" = 0 ] || why="$why exit $rc$([ "$rc" = 124 ] && echo ' (timeout)');"
	[ "${lost:-0}" = 0 ] || why="$why $lost writes returned success but their value was not kept;"
	[ "$seen" -ge 1 ] || why="$why no ENOSPC$([ "$meas" != ENOSPC ] && echo " or $meas") at open or write;"
	[ -z "$other" ] || why="$why other errnos at open or write:$other$(case "$other" in *EACCES*) echo ' (EACCES: an open reached the real /proc/sys file)' ;; esac);"
	[ -z "$kept" ] || [ "$kept" -ge 1 ] || why="$why no write was kept before the store filled up;"
	if [ -z "$why" ]; then pass "$name"; else
		fail "$name" "${why# } (creating a file on the full tmpfs fails with $meas) $line; stderr $err"
	fi
	echo "   ($name: creating a file on the full tmpfs fails with $meas; ${line:-no store-full line})"
}

MODE=${1:-all}
FAKESYS=${FAKESYS:-$ROOT/build/fakesys}
FAKESYS_ASAN=${FAKESYS_ASAN:-$ROOT/build/asan/fakesys}
FAKESYS_STATIC=${FAKESYS_STATIC:-$ROOT/build/fakesys-static}
W=$(mktemp -d /tmp/fakesys-stress.XXXXXX) || {
	fail stress-setup "mktemp failed"
	exit 1
}
chmod 755 "$W"
BIN=$W/bin
mkdir -p "$BIN" "$W/asanlog"
trap 'umount "$W/tiny" 2>/dev/null; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
START=$(date +%s)

berr=""
for p in stress_threads stress_procs stress_mix scale_tree; do
	cc -std=gnu17 -static -O2 -pthread -Wall -Wextra -Werror -o "$BIN/$p" "$ROOT/tests/progs/$p.c" >"$W/cc-$p" 2>&1 ||
		berr="$berr $p: $(oneline 400 <"$W/cc-$p")"
done
chmod -R a+rX "$W"
if [ -n "$berr" ]; then
	fail stress-build "$berr"
	exit 1
fi
pass stress-build

want() { [ "$MODE" = all ] || [ "$MODE" = "$1" ]; }
have() {
	[ -x "$2" ] && return 0
	fail "stress-$1" "$2 does not exist (build it first)"
	return 1
}

if want host && have host "$FAKESYS"; then
	t=$(date +%s)
	before=$(snapshot)
	suite host "$FAKESYS" "$BIN" "$W" "${STRESS_THREADS:-1000}" "${STRESS_OPENS:-1000}" "${STRESS_PROCS:-5000}" host
	only store-full && store_full "$FAKESYS"
	check_tunables stress-host-real-tunables-unchanged "$before"
	echo "   (stress host: $(($(date +%s) - t))s)"
fi

if [ "$MODE" = store-full ] && have host "$FAKESYS"; then
	before=$(snapshot)
	store_full "$FAKESYS"
	check_tunables stress-host-store-full-real-tunables-unchanged "$before"
fi

if want asan && have asan "$FAKESYS_ASAN"; then
	t=$(date +%s)
	before=$(snapshot)
	chmod 1777 "$W/asanlog"
	ASAN_OPTIONS="log_path=$W/asanlog/asan:detect_leaks=1" UBSAN_OPTIONS="log_path=$W/asanlog/ubsan:print_stacktrace=1" \
		suite asan "$FAKESYS_ASAN" "$BIN" "$W" "${STRESS_THREADS:-1000}" "${STRESS_OPENS:-200}" "${STRESS_PROCS:-5000}" host
	if [ -n "$(ls "$W/asanlog")" ]; then
		fail stress-asan-sanitizer-reports "$(cat "$W"/asanlog/* | grep -E 'ERROR|SUMMARY|runtime error|^ +#[0-9] ' | head -n 12 | oneline 2000)"
	else
		pass stress-asan-sanitizer-reports
	fi
	check_tunables stress-asan-real-tunables-unchanged "$before"
	echo "   (stress asan: $(($(date +%s) - t))s)"
fi

# vg_run NAME MIX_ITERATIONS PROCS THREADS OPENS [FAKESYS OPTIONS...]: the tracer under
# valgrind (--trace-children=no: the traced programs exec natively, only the tracer and
# its child before exec are checked; one log per process).
vg_run() {
	local name=$1 iters=$2 procs=$3 threads=$4 opens=$5 t rc bad summary
	shift 5
	t=$(date +%s)
	rm -rf "$W/vg" && mkdir -p "$W/vg"
	timeout -k 5 600 valgrind --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 --log-file="$W/vg/log.%p" \
		"$FAKESYS" "$@" -- /bin/sh -c "$BIN/stress_mix -i $iters -d $W && $BIN/stress_procs -n $procs -w 2 && $BIN/stress_threads -t $threads -m $opens -d $W" \
		>"$W/vg.out" 2>&1 </dev/null
	rc=$?
	bad=$(cat "$W"/vg/log.* | grep -E 'ERROR SUMMARY: [1-9]|(definitely|indirectly|possibly) lost: [1-9]|Invalid|uninitialised|Mismatched' | head -n 8)
	summary=$(cat "$W"/vg/log.* | grep -E 'ERROR SUMMARY|in use at exit|no leaks are possible' | sed 's/^==[0-9]*== *//' | sort | uniq -c | oneline 400)
	if [ $rc = 0 ] && [ -z "$bad" ] && grep -q 'ERROR SUMMARY: 0 errors' "$W"/vg/log.* &&
		grep -qx "iterations $iters errors 0" "$W/vg.out" && grep -qx 'procs [0-9]* failures 0' "$W/vg.out" &&
		grep -qx "threads $threads opens $((threads * opens)) faked [0-9]* errors 0" "$W/vg.out"; then
		pass "$name"
	else
		fail "$name" "exit $rc; $(printf '%s' "$bad" | oneline 800); output $(oneline 600 <"$W/vg.out")"
	fi
	echo "   ($name: $(($(date +%s) - t))s; $summary)"
}

if want valgrind && have valgrind-tracer "$FAKESYS"; then
	if ! command -v valgrind >/dev/null; then
		fail valgrind-tracer "valgrind is not installed (apt-get install valgrind)"
	else
		before=$(snapshot)
		vg_run valgrind-tracer 300 1000 50 200
		vg_run valgrind-tracer-noseccomp 100 300 20 100 --no-seccomp
		check_tunables valgrind-real-tunables-unchanged "$before"
	fi
fi

if want gvisor && have gvisor "$FAKESYS_STATIC"; then
	t=$(date +%s)
	if ! command -v runsc >/dev/null; then
		fail stress-gvisor "runsc is missing"
	else
		# Output through a pipe: on a regular file the sandbox's processes overwrite
		# each other's output.
		timeout -k 10 400 runsc --rootless --network=none do bash "$SELF" --inner gvisor "$FAKESYS_STATIC" "$BIN" "$W" \
			"${STRESS_THREADS:-200}" "${STRESS_OPENS:-100}" "${STRESS_PROCS:-500}" </dev/null 2>&1 | cat >"$W/gvisor.out"
		rc=${PIPESTATUS[0]}
		while IFS= read -r line; do
			case "$line" in
			FAIL\ *) echo "$line"; NFAIL=$((NFAIL + 1)) ;;
			*) echo "$line" ;;
			esac
		done <"$W/gvisor.out"
		grep -q '^PASS stress-gvisor-procs' "$W/gvisor.out" || grep -q '^FAIL stress-gvisor-procs' "$W/gvisor.out" ||
			fail stress-gvisor "runsc exited $rc before the checks ended: $(oneline <"$W/gvisor.out")"
	fi
	echo "   (stress gvisor: $(($(date +%s) - t))s)"
fi

echo "   (stress total: $(($(date +%s) - START))s)"
[ "$NFAIL" = 0 ]
