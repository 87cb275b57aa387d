#!/usr/bin/env bash
# fuzz.sh: runs the libFuzzer targets built by tests/fuzz/fuzz.mk (called
# by `make fuzz` and `make fuzz-regress`; it can also be run by hand).
#
#   tests/fuzz/fuzz.sh run SECONDS TARGET...
#       Fuzz each target for SECONDS on a copy of its seed corpus
#       (build/fuzz/corpus_TARGET, so runs never add files to the repo),
#       one after the other; one result line per target; exit 1 if any
#       found a crash, a leak, a UBSan error, a timeout or a broken
#       invariant.  Reproducers land in build/fuzz/artifacts/TARGET/, the
#       full output in build/fuzz/fuzz_TARGET.log.
#
#   tests/fuzz/fuzz.sh regress TARGET...
#       Run each target once (-runs=0) over tests/fuzz/regressions/TARGET/
#       and its seed corpus: seconds, for CI.
#
# Extra libFuzzer flags can be passed in FUZZ_FLAGS.
set -u

mode=${1:?usage: fuzz.sh run SECONDS TARGET... | regress TARGET...}
shift
if [ "$mode" = run ]; then
	seconds=${1:?seconds}
	shift
fi

here=tests/fuzz
out=build/fuzz
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
common=(-rss_limit_mb=2048 -max_len=65536 -timeout=${FUZZ_TIMEOUT:-25} -print_final_stats=1)

# The first line of the log that says what went wrong.
what_broke() {
	grep -a -m1 -E '^(==[0-9]+==ERROR|SUMMARY: |.*runtime error: |.*invariant broken: |==[0-9]+== ERROR: libFuzzer|ALARM: )' "$1" \
		| cut -c1-200
}

fail=0
for t in "$@"; do
	bin=$out/fuzz_$t
	log=$out/fuzz_$t.log
	dict=$here/$t.dict
	dict_flag=()
	[ -f "$dict" ] && dict_flag=(-dict="$dict")
	if [ ! -x "$bin" ]; then
		echo "fuzz_$t: FAIL: $bin is not built (make fuzz-build)"
		fail=1
		continue
	fi
	if [ "$mode" = run ]; then
		corpus=$out/corpus_$t
		art=$out/artifacts/$t
		rm -rf "$corpus"
		mkdir -p "$corpus" "$art"
		cp "$here"/corpus_"$t"/* "$corpus"/ 2>/dev/null
		"$bin" "${common[@]}" "${dict_flag[@]}" -max_total_time="$seconds" \
			-artifact_prefix="$art"/ ${FUZZ_FLAGS:-} "$corpus" >"$log" 2>&1
		rc=$?
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
		eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
		rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
		last=$(grep -a -E '^#[0-9]+' "$log" | tail -1)
		cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
		ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
		corp=$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<<"$last")
		secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
		if [ $rc -eq 0 ]; then
			echo "fuzz_$t: ok: ${runs:-?} runs in ${secs:-?} s (${eps:-?} exec/s), cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, peak rss ${rss:-?} MB"
		else
			artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
			echo "fuzz_$t: FAIL (exit $rc): $(what_broke "$log")"
			echo "    reproducer: ${artifact:-none written}; log: $log"
			echo "    minimize:   $bin -minimize_crash=1 -runs=100000 ${artifact:-CRASH_FILE}"
			fail=1
		fi
	else
		# each regression file in a process of its own, so one failing
		# reproducer does not hide the next; then the seed corpus at once
		art=$out/artifacts/$t/regress-
		mkdir -p "$out/artifacts/$t"
		: >"$log"
		n=0 bad=0
		for f in "$here"/regressions/"$t"/*; do
			[ -f "$f" ] || continue
			n=$((n + 1))
			if ! "$bin" "${common[@]}" -runs=0 -artifact_prefix="$art" ${FUZZ_FLAGS:-} "$f" >"$log.one" 2>&1; then
				echo "fuzz_$t: FAIL: $f: $(what_broke "$log.one")"
				bad=$((bad + 1))
			fi
			cat "$log.one" >>"$log"
		done
		rm -f "$log.one"
		if ! "$bin" "${common[@]}" -runs=0 -artifact_prefix="$art" ${FUZZ_FLAGS:-} "$here/corpus_$t" >>"$log" 2>&1; then
			echo "fuzz_$t: FAIL: seed corpus: $(what_broke "$log")"
			bad=$((bad + 1))
		fi
		seeds=$(find "$here/corpus_$t" -type f | wc -l)
		if [ $bad -eq 0 ]; then
			echo "fuzz_$t: ok: $n regression inputs and $seeds seeds run clean"
		else
			echo "    log: $log"
			fail=1
		fi
	fi
done
exit $fail
