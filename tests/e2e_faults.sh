#!/usr/bin/env bash
# Fault injection: make the N-th fallible call (allocation, open, read,
# write, rename, fsync) fail, for every N of a small run, and check what an
# operator would: exit code 3 with one clear message, no output file or
# folder, no half-built staging folder, no spill files.  The walk stops at
# the first N past the last call (the run then succeeds).
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_faults.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SSRFILL:-$top/ssrfill}
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-faults.XXXXXX")
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }

# walk NAME STRIDE OUTPUT -- cmd...: N = 1, 1+STRIDE, ... until exit 0
walk() {
	local name=$1 stride=$2 out=$3; shift 4
	local n=1 points=0 rc
	mkdir -p "$work/spill"
	while :; do
		rm -rf "$out"
		SSRFILL_FAULT=$n TMPDIR="$work/spill" "$@" >"$work/stdout" 2>"$work/stderr"
		rc=$?
		[ $rc = 0 ] && break
		points=$((points + 1))
		local left
		left=$(ls -A "$work/spill"; ls -d "$out"* 2>/dev/null)
		if [ $rc != 3 ]; then
			bad "$name: fault $n: exit $rc, wanted 3" "$(cat "$work/stderr")"
		elif ! grep -qE "^ssrfill [a-z]+: .+" "$work/stderr"; then
			bad "$name: fault $n: no message" "$(cat "$work/stderr")"
		elif [ -n "$left" ]; then
			bad "$name: fault $n: left behind" "$left"
		else
			ok
		fi
		n=$((n + stride))
		if [ $n -gt 100000 ]; then bad "$name: never succeeds"; break; fi
	done
	# and without a fault it really worked
	[ -e "$out" ] && ok || bad "$name: the fault-free run wrote nothing"
	echo "ok   $name: $points injected faults, each exit 3, nothing left behind"
}

rr=$top/fixtures/run/rules
walk "run (every call)" 1 "$work/out" -- \
	"$bin" run --quiet --students "$rr/students.csv" --orders "$rr/orders.csv" --out "$work/out" --max-reject-rate 0.5
walk "sort with rejects (every call)" 1 "$work/sorted.csv" -- \
	"$bin" sort --quiet --students "$top/fixtures/sort/rejects/students.csv" --out "$work/sorted.csv" \
	--rejects "$work/rej.csv" --max-reject-rate 1
"$bin" gen --quiet --rows 12000 --seed 4 --out "$work/g.csv" --orders "$work/go.csv"
zstd -q "$work/g.csv" -o "$work/g.csv.zst"
# under sanitizers every call costs more: sample the long walks more thinly
k=1; [ -n "${SSRFILL_SANITIZED:-}" ] && k=4
walk "sort spilling runs, zstd input (every $((61 * k))th call)" $((61 * k)) "$work/gsorted.csv" -- \
	"$bin" sort --quiet --students "$work/g.csv.zst" --out "$work/gsorted.csv" --memory 1M --threads 2
walk "run spilling runs (every $((67 * k))th call)" $((67 * k)) "$work/gout" -- \
	"$bin" run --quiet --students "$work/g.csv" --orders "$work/go.csv" --out "$work/gout" --memory 1M --threads 2

# Signals in every phase: the N-th fallible call raises SIGTERM or SIGINT
# instead of failing (reading, spilling, merging, writing outputs).
sigwalk() {
	local name=$1 sig=$2 stride=$3 out=$4; shift 5
	local n=1 points=0 rc left
	while :; do
		rm -rf "$out"
		( SSRFILL_FAULT=$n SSRFILL_FAULT_SIGNAL=$sig TMPDIR="$work/spill" exec "$@" ) >/dev/null 2>&1
		rc=$?
		[ $rc = 0 ] && break
		points=$((points + 1))
		left=$(ls -A "$work/spill"; ls -d "$out"* 2>/dev/null; find "$work/spill" -mindepth 1 2>/dev/null)
		rm -rf "$work/spill"/* "$out"*   # one failure must not fail every later point
		if [ $rc -le 128 ]; then
			bad "$name: signal at call $n: exit $rc, wanted death by SIG$sig"
		elif [ -n "$left" ]; then
			bad "$name: signal at call $n: left behind" "$left"
		else
			ok
		fi
		n=$((n + stride))
	done
	echo "ok   $name: SIG$sig at $points points, nothing left behind"
}
sigwalk "run spilling runs" TERM $((97 * k)) "$work/gout" -- \
	"$bin" run --quiet --students "$work/g.csv" --orders "$work/go.csv" --out "$work/gout" --memory 1M --threads 2
sigwalk "sort spilling runs" INT $((101 * k)) "$work/gsorted.csv" -- \
	"$bin" sort --quiet --students "$work/g.csv.zst" --out "$work/gsorted.csv" --memory 1M --threads 2

echo "e2e_faults: $pass passed, $fail failed"
[ "$fail" = 0 ]
