#!/bin/bash
# Long-running leak check of the tracer: fakesys runs tests/progs/stress_mix (fake reads
# and writes, ordinary opens, forks, threads, exec) for DURATION seconds while this script
# samples the tracer's VmRSS, its open fds and the number of files in its store.
#
# Usage: tests/longrun.sh [DURATION_SECONDS]     (default 600; the test suite uses 30)
# Environment: FAKESYS (default build/fakesys).
#
# Verdicts ("PASS name" / "FAIL name: reason"; exit non-zero on failure):
#   longrun-workload       the workload and fakesys exit 0, every read/write was right
#   longrun-rss            VmRSS after warm-up never exceeds the first post-warm-up
#                          sample by more than 1 MiB
#   longrun-fds            the tracer's fd count does not grow: the smallest count in the
#                          last third of the samples is at most the smallest in the first
#                          third (fakesys holds one /proc/PID/mem fd per live traced
#                          process, so single samples vary with the processes alive)
#   longrun-store-files    the same for the number of files in the store (writer files
#                          must be retired)
#   longrun-store-removed  the private store directory is gone after fakesys exits
#   longrun-real-tunables-unchanged  the host's real kernel values of the six default
#                          keys are what they were before (a change is restored)
# Warm-up: DURATION/5, at least 4 s and at most 60 s. Samples every 2 s (5 s when
# DURATION > 120).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${1:-600}
FAKESYS=${FAKESYS:-$ROOT/build/fakesys}
RSS_LIMIT_KB=1024

. "$ROOT/tests/verdicts.sh"

case "$DURATION" in
'' | *[!0-9]*)
	echo "usage: $0 [DURATION_SECONDS]" >&2
	exit 2
	;;
esac
if [ ! -x "$FAKESYS" ]; then
	fail longrun "$FAKESYS does not exist (build it first)"
	exit 1
fi

W=$(mktemp -d /tmp/fakesys-longrun.XXXXXX) || {
	fail longrun "mktemp failed"
	exit 1
}
FSPID=""
cleanup() {
	[ -n "$FSPID" ] && kill -KILL "$FSPID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$W/fs" "$W/tmp"
if ! cc -std=gnu17 -static -O2 -pthread -Wall -Wextra -Werror -o "$W/stress_mix" "$ROOT/tests/progs/stress_mix.c" >"$W/cc" 2>&1; then
	fail longrun "cannot build stress_mix: $(oneline <"$W/cc")"
	exit 1
fi

INTERVAL=2
[ "$DURATION" -gt 120 ] && INTERVAL=5
WARMUP=$((DURATION / 5))
[ $WARMUP -lt 4 ] && WARMUP=4
[ $WARMUP -gt 60 ] && WARMUP=60

TUNABLES="vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys kernel/keys/root_maxbytes"
snapshot() {
	local k
	for k in $TUNABLES; do printf '%s=%s\n' "$k" "$(cat "/proc/sys/$k" 2>/dev/null)"; done
}
BEFORE=$(snapshot)

# fakesys's private store is created under $TMPDIR: a directory of our own, so that it
# can be found and counted. The workload's own files go to $W/tmp.
TMPDIR=$W/fs "$FAKESYS" -- "$W/stress_mix" -t "$DURATION" -d "$W/tmp" >"$W/out" 2>"$W/err" </dev/null &
FSPID=$!
START=$(date +%s)
DEADLINE=$((START + DURATION + 120))

rss_of() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null; }
fds_of() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }

echo "   (longrun: ${DURATION}s, warm-up ${WARMUP}s, a sample every ${INTERVAL}s; tracer pid $FSPID)"
SAMPLES=() # "elapsed rss fds storefiles"
while kill -0 "$FSPID" 2>/dev/null; do
	now=$(date +%s)
	if [ "$now" -ge $DEADLINE ]; then
		fail longrun-workload "still running after $((DURATION + 120))s; killed"
		kill -KILL "$FSPID"
		break
	fi
	rss=$(rss_of "$FSPID")
	fds=$(fds_of "$FSPID")
	store=$(find "$W/fs" -mindepth 1 2>/dev/null | wc -l)
	el=$((now - START))
	# Only samples taken while the workload runs count (not its last moments).
	if [ -n "$rss" ] && [ $el -lt "$DURATION" ]; then
		SAMPLES+=("$el $rss $fds $store")
		echo "   t=${el}s rss=${rss}kB fds=$fds store_files=$store"
	fi
	sleep "$INTERVAL"
done
wait "$FSPID"
RC=$?
FSPID=""

OUT=$(cat "$W/out")
ERR=$(head -c 3000 "$W/err")
if [ $RC = 0 ] && printf '%s\n' "$OUT" | grep -qx 'iterations [0-9]* errors 0' && [ -z "$ERR" ]; then
	pass "longrun-workload"
else
	fail "longrun-workload" "fakesys exited $RC; stdout $(printf '%s' "$OUT" | oneline); stderr $(printf '%s' "$ERR" | oneline)"
fi
echo "   ($(printf '%s\n' "$OUT" | grep '^iterations') in ${DURATION}s)"

# The samples after warm-up.
POST=()
for s in "${SAMPLES[@]}"; do
	set -- $s
	[ "$1" -ge $WARMUP ] && POST+=("$s")
done
N=${#POST[@]}
if [ "$N" -lt 3 ]; then
	fail longrun-rss "only $N samples after warm-up (the tracer ended early?)"
	fail longrun-fds "only $N samples after warm-up"
	fail longrun-store-files "only $N samples after warm-up"
else
	# column K of the samples I..J: min and max
	col() { # K FROM TO -> "min max"
		local k=$1 from=$2 to=$3 i v min="" max=""
		for ((i = from; i < to; i++)); do
			set -- ${POST[$i]}
			v=${!k}
			[ -z "$min" ] || [ "$v" -lt "$min" ] && min=$v
			[ -z "$max" ] || [ "$v" -gt "$max" ] && max=$v
		done
		echo "$min $max"
	}
	third=$(((N + 2) / 3))
	set -- ${POST[0]}
	rss0=$2
	read -r _ rssmax < <(col 2 0 "$N")
	if [ $((rssmax - rss0)) -le $RSS_LIMIT_KB ]; then
		pass "longrun-rss"
	else
		fail "longrun-rss" "VmRSS grew from ${rss0} kB to ${rssmax} kB after warm-up (+$((rssmax - rss0)) kB, limit $RSS_LIMIT_KB kB)"
	fi
	echo "   (VmRSS after warm-up: first ${rss0} kB, max ${rssmax} kB)"
	for what in fds:3 store-files:4; do
		name=${what%%:*} k=${what##*:}
		read -r amin amax < <(col "$k" 0 "$third")
		read -r bmin bmax < <(col "$k" $((N - third)) "$N")
		if [ "$bmin" -le "$amin" ]; then
			pass "longrun-$name"
		else
			fail "longrun-$name" "grew: smallest count in the first third after warm-up $amin (max $amax), in the last third $bmin (max $bmax)"
		fi
		echo "   ($name after warm-up: first third $amin..$amax, last third $bmin..$bmax)"
	done
fi

left=$(find "$W/fs" -mindepth 1 -maxdepth 1 2>/dev/null)
if [ -z "$left" ]; then pass "longrun-store-removed"; else
	fail "longrun-store-removed" "left after fakesys exited: $(printf '%s' "$left" | oneline)"
fi

AFTER=$(snapshot)
if [ "$AFTER" = "$BEFORE" ]; then pass "longrun-real-tunables-unchanged"; else
	fail "longrun-real-tunables-unchanged" "before $(printf '%s' "$BEFORE" | oneline) after $(printf '%s' "$AFTER" | oneline) (restored)"
	printf '%s\n' "$BEFORE" | while IFS='=' read -r k old; do
		[ "$(cat "/proc/sys/$k" 2>/dev/null)" != "$old" ] && printf '%s\n' "$old" >"/proc/sys/$k" 2>/dev/null
	done
fi

[ "$NFAIL" = 0 ]
