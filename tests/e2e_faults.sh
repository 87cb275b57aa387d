#!/usr/bin/env bash
# Fault injection: make the N-th fallible call (allocation, open, read,
# write, rename, fsync) fail and check what an operator would: exit code 3
# with one clear message, no output file or folder, no half-built staging
# folder, no spill files.  A run that exits 0 although its fault fired has
# swallowed a failure (its outputs may lack what the failed call was for):
# that fails the test.
#
# How far to walk comes from the binary: with SSRFILL_FAULT_COUNT=FILE it
# writes "CALLS FIRED" there on exit, so one fault-free run gives the number
# of fallible calls C, and every later run says whether its fault fired.
# A small run with --no-documents and a small sort are walked at every call
# 1..C with --threads 1 (the calls then come in the same order every
# time); small runs with documents are sampled (every 3rd or 5th call), and
# long spilling runs more thinly: their packing, documents and commit more
# densely, their last calls one by one, and once with --threads 2.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_faults.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SSRFILL:-$top/ssrfill}
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-faults.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/spill"
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }

# count OUTPUT -- cmd...: run without a fault; sets $calls to its fallible calls
count() {
	local out=$1; shift 2
	rm -rf "$out" "$work/count"
	calls=0
	if ! SSRFILL_FAULT_COUNT="$work/count" TMPDIR="$work/spill" "$@" >/dev/null 2>"$work/stderr"; then
		bad "fault-free run of $*" "$(cat "$work/stderr")"
		return 1
	fi
	local fired
	read -r calls fired <"$work/count"
	if [ ! -e "$out" ] || [ "${calls:-0}" -lt 1 ] || [ "$fired" != 0 ]; then
		bad "fault-free run of $*: no output or no count ($calls $fired)"
		calls=0
		return 1
	fi
	rm -rf "$out"*
}

# walk NAME OUTPUT FIRST STRIDE LAST THREADS -- cmd...: N = FIRST,
# FIRST+STRIDE, ... up to LAST.  With one thread every N must fire; with
# more the calls may come in another order and a few fewer of them.
walk() {
	local name=$1 out=$2 n=$3 stride=$4 last=$5 threads=$6; shift 7
	local points=0 missed=0 failed=$fail rc ncalls fired left
	while [ "$n" -le "$last" ]; do
		rm -rf "$out" "$work/count"
		SSRFILL_FAULT=$n SSRFILL_FAULT_COUNT="$work/count" TMPDIR="$work/spill" \
			"$@" >"$work/stdout" 2>"$work/stderr"
		rc=$?
		ncalls=- fired=-
		[ -s "$work/count" ] && read -r ncalls fired <"$work/count"
		left=$(ls -A "$work/spill"; ls -d "$out"* "$work"/*.ssrfill-tmp-* 2>/dev/null)
		rm -rf "$work/spill"/* "$out"* "$work"/*.ssrfill-tmp-*   # one failure must not fail every later point
		if [ $rc = 0 ] && [ "$fired" = 0 ] && [ "$threads" != 1 ]; then
			missed=$((missed + 1))
		elif [ $rc = 0 ] && [ "$fired" = 0 ]; then
			bad "$name: fault $n never fired (the run made $ncalls calls)"
		elif [ $rc = 0 ]; then
			bad "$name: fault $n: exit 0, the failure was swallowed"
		elif [ $rc != 3 ]; then
			bad "$name: fault $n: exit $rc, wanted 3" "$(cat "$work/stderr")"
		elif [ "$fired" != 1 ]; then
			bad "$name: fault $n: exit 3, but the fault did not fire ($ncalls $fired)" "$(cat "$work/stderr")"
		elif [ "$(wc -l <"$work/stderr")" != 1 ] || ! grep -qE "^ssrfill [a-z]+: .+" "$work/stderr"; then
			bad "$name: fault $n: not one message" "$(cat "$work/stderr")"
		elif [ -n "$left" ]; then
			bad "$name: fault $n: left behind" "$left"
		else
			ok
		fi
		points=$((points + 1))
		n=$((n + stride))
	done
	local note=""
	[ $missed -gt 0 ] && note=" ($missed past the calls this run made)"
	[ $fail = "$failed" ] && echo "ok   $name: $((points - missed)) injected faults, each exit 3, nothing left behind$note"
}

# walk_all NAME OUTPUT STRIDE -- cmd...: every STRIDE-th call of a run
# on one thread, from the first to the last
walk_all() {
	local name=$1 out=$2 stride=$3; shift 4
	count "$out" -- "$@" || return
	local what="all $calls calls"
	[ "$stride" != 1 ] && what="every ${stride}th of $calls calls"
	walk "$name ($what)" "$out" 1 "$stride" "$calls" 1 -- "$@"
}

# Under sanitizers every call costs more: sample the document and the long
# walks more thinly.
k=1; [ -n "${SSRFILL_SANITIZED:-}" ] && k=4

rr=$top/fixtures/run/rules
dx=$top/fixtures/run/docs
walk_all "run --no-documents" "$work/out" 1 -- \
	"$bin" run --quiet --threads 1 --no-documents --students "$rr/students.csv" --orders "$rr/orders.csv" \
	--out "$work/out" --max-reject-rate 0.5
walk_all "run with documents" "$work/out" $((5 * k)) -- \
	"$bin" run --quiet --threads 1 --students "$rr/students.csv" --orders "$rr/orders.csv" \
	--out "$work/out" --max-reject-rate 0.5
walk_all "run with shaped documents" "$work/out" $((3 * k)) -- \
	"$bin" run --quiet --threads 1 --students "$dx/students.csv" --orders "$dx/orders.csv" \
	--config "$dx/docs.ini" --out "$work/out"
# (the rejects are renamed into place before the output, on purpose: an
# operator needs them even when the output then fails; "left behind" looks
# for their staged file)
walk_all "sort with rejects" "$work/sorted.csv" 1 -- \
	"$bin" sort --quiet --force --threads 1 --students "$top/fixtures/sort/rejects/students.csv" \
	--out "$work/sorted.csv" --rejects "$work/rej.csv" --max-reject-rate 1

# Spilling runs make ten thousand calls and more: sample them.  Reading,
# spilling and merging are the first ~11,600 calls of both sort and run;
# packing, the documents, the invoices and the commit come after, about as
# many calls as a --no-documents run makes in all, less the 200 or so of
# its packing and commit: the documents run is sampled densely from there.
"$bin" gen --quiet --rows 12000 --seed 4 --out "$work/g.csv" --orders "$work/go.csv"
zstd -q "$work/g.csv" -o "$work/g.csv.zst"
gsort=("$bin" sort --quiet --students "$work/g.csv.zst" --out "$work/gsorted.csv" --memory 1M)
grun=("$bin" run --quiet --students "$work/g.csv" --orders "$work/go.csv" --out "$work/gout" --memory 1M)
if count "$work/gsorted.csv" -- "${gsort[@]}" --threads 1; then
	walk "sort spilling runs, zstd input (every $((151 * k))th of $calls calls)" "$work/gsorted.csv" \
		1 $((151 * k)) "$calls" 1 -- "${gsort[@]}" --threads 1
	walk "sort spilling runs, the last $((60 / k)) calls (the last merge, the output)" "$work/gsorted.csv" \
		$((calls - 60 / k + 1)) 1 "$calls" 1 -- "${gsort[@]}" --threads 1
fi
nodocs=
if count "$work/gout" -- "${grun[@]}" --threads 1 --no-documents; then
	nodocs=$calls
	walk "run spilling runs --no-documents (every $((151 * k))th of $calls calls)" "$work/gout" \
		1 $((151 * k)) "$calls" 1 -- "${grun[@]}" --threads 1 --no-documents
fi
if [ -n "$nodocs" ] && count "$work/gout" -- "${grun[@]}" --threads 1; then
	walk "run spilling runs, packing and documents (every $((29 * k))th of calls $((nodocs - 200))-$calls)" \
		"$work/gout" $((nodocs - 200)) $((29 * k)) "$calls" 1 -- "${grun[@]}" --threads 1
	walk "run spilling runs, the last $((25 / k)) calls" "$work/gout" \
		$((calls - 25 / k + 1)) 1 "$calls" 1 -- "${grun[@]}" --threads 1
fi
if count "$work/gout" -- "${grun[@]}" --threads 2; then
	walk "run spilling runs --threads 2 (every $((397 * k))th of $calls calls)" "$work/gout" \
		1 $((397 * k)) "$calls" 2 -- "${grun[@]}" --threads 2
fi

# Signals in every phase: the N-th fallible call raises SIGTERM or SIGINT
# instead of failing (reading, spilling, merging, writing outputs).
sigwalk() {
	local name=$1 sig=$2 stride=$3 out=$4; shift 5
	count "$out" -- "$@" || return
	local n=1 points=0 failed=$fail rc left ncalls fired
	while [ $n -le "$calls" ]; do
		rm -rf "$out" "$work/count"
		# (the outer braces keep bash's "Terminated" off the log)
		{ ( SSRFILL_FAULT=$n SSRFILL_FAULT_SIGNAL=$sig SSRFILL_FAULT_COUNT="$work/count" \
			TMPDIR="$work/spill" exec "$@" ) >/dev/null 2>&1; } 2>/dev/null
		rc=$?
		ncalls=- fired=-
		[ -s "$work/count" ] && read -r ncalls fired <"$work/count"
		left=$(ls -A "$work/spill"; ls -d "$out"* "$work"/*.ssrfill-tmp-* 2>/dev/null)
		rm -rf "$work/spill"/* "$out"* "$work"/*.ssrfill-tmp-*   # one failure must not fail every later point
		if [ $rc = 0 ] && [ "$fired" = 0 ]; then
			:   # two threads: the run made fewer calls this time
		elif [ $rc -le 128 ]; then
			bad "$name: signal at call $n: exit $rc, wanted death by SIG$sig"
		elif [ -n "$left" ]; then
			bad "$name: signal at call $n: left behind" "$left"
		else
			ok
			points=$((points + 1))
		fi
		n=$((n + stride))
	done
	[ $fail = "$failed" ] && echo "ok   $name: SIG$sig at $points points of $calls calls, nothing left behind"
}
sigwalk "run spilling runs" TERM $((199 * k)) "$work/gout" -- "${grun[@]}" --threads 2
sigwalk "sort spilling runs" INT $((211 * k)) "$work/gsorted.csv" -- "${gsort[@]}" --threads 2

echo "e2e_faults: $pass passed, $fail failed"
[ "$fail" = 0 ]
