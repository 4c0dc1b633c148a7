# Sourced by the standalone test scripts (stress, longrun, gostd, fuzz/run): PASS/FAIL lines in the
# format tests/run counts, and a failure count for the exit status.
NFAIL=0
pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1: $2"
	NFAIL=$((NFAIL + 1))
}
oneline() { tr '\n' '|' | tail -c "${1:-600}"; }
