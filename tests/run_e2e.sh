#!/usr/bin/env bash
# Runs end-to-end scripts for `make test` and `make e2e`, JOBS at a time.
# usage: SSRFILL=... [SSRFILL_SANITIZED=asan] bash tests/run_e2e.sh JOBS SCRIPT...
#
# With JOBS 1 each script runs in turn, its output as it comes, after a
# "== SCRIPT" line (as the Makefile did).  With more, up to JOBS scripts
# run at once, the longest first (e2e_faults and e2e_ledger take a few
# minutes, the others under one); each one's output is kept in a file and
# printed whole, after its "== SCRIPT (N s)" line, when it ends.  The
# scripts can share a machine: each works in a folder of its own (mktemp
# -d), most with a TMPDIR inside it, and kills, signals and pkill patterns
# name their own pids, paths or the script's own command lines.  Their
# timed checks were written for a busy machine (a second writer waits about
# 5 s, within 4.5 to 15 s; kills after a sleep accept a run that finished
# first); the one that assumes a start within a time is e2e_scan's BUSY
# check (a sqlite3 holder started half a second before the scan), and
# e2e_find's answer within 2 s.  Exit 1 if any script failed.
# (no set -u: bash 5.2 calls an empty associative array unbound)
jobs=${1:?usage: run_e2e.sh JOBS SCRIPT...}
shift
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1

fail=0
if [ "$jobs" = 1 ]; then
	for e in "$@"; do
		echo "== $e"
		bash "$e" || fail=1
	done
	exit $fail
fi

# the longest first, then the others in the order given
order=()
for long in e2e_faults.sh e2e_ledger.sh; do
	for e in "$@"; do [ "${e##*/}" = "$long" ] && order+=("$e"); done
done
for e in "$@"; do
	case ${e##*/} in e2e_faults.sh | e2e_ledger.sh) ;; *) order+=("$e") ;; esac
done

logs=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-run-e2e.XXXXXX")
declare -A script_of start_of out_of
trap 'for p in "${!script_of[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$logs"' EXIT
trap 'exit 130' INT TERM

# report PID RC: the script's header, its output whole, its result
report() {
	local pid=$1 rc=$2 e=${script_of[$1]}
	echo "== $e ($((SECONDS - ${start_of[$1]})) s)"
	cat "${out_of[$1]}"
	[ "$rc" = 0 ] || { echo "   ($e: exit $rc)"; fail=1; }
	unset "script_of[$pid]" "start_of[$pid]" "out_of[$pid]"
}

# wait_one: wait for any script to end and report it
wait_one() {
	local pid rc
	wait -n -p pid "${!script_of[@]}"
	rc=$?
	report "$pid" "$rc"
}

n=0
for e in "${order[@]}"; do
	while [ "${#script_of[@]}" -ge "$jobs" ]; do wait_one; done
	n=$((n + 1))
	# (a background job of a script starts with SIGINT and SIGQUIT ignored,
	# which ssrfill would keep: the scripts raise and send them)
	env --default-signal=INT,QUIT bash "$e" >"$logs/$n.out" 2>&1 </dev/null &
	script_of[$!]=$e
	start_of[$!]=$SECONDS
	out_of[$!]=$logs/$n.out
done
while [ "${#script_of[@]}" -gt 0 ]; do wait_one; done
exit $fail
