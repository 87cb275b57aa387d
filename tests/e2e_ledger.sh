#!/usr/bin/env bash
# The ledger under crashes and concurrency (issue 15; docs/rules.md §15.1, §15.2):
#
#  a. SIGKILL at many points.  Wave 1 of a spill-sized file (--memory 8M:
#     the sorter spills) goes to completion into a ledger; then wave 2
#     (`gen --wave 2`) is killed with SIGKILL at points spread over its
#     whole run: the N-th fallible call raises SIGKILL
#     (SSRFILL_FAULT_SIGNAL=KILL, base/fault.h) for N spread evenly over the
#     calls a fault-free run makes, and its last calls one by one; and a
#     few `kill -9` after random sleeps near the end of the run, where
#     SQLite commits (SQLite's own I/O makes no fallible call of ours).
#     After each kill the ledger (a copy of the file and its -wal, dumped
#     by the sqlite3 shell) is as it was before the run, or, killed after
#     the commit, as the reference's with the reference's output; no output
#     folder, except when the kill came between the output folder's rename
#     and the ledger's commit (then the output is whole, as the
#     reference's, and the rerun needs --force); what is left behind is
#     only what the next command sweeps (the staged folder, the --out lock,
#     the spill folder) or replaces (the ledger's .holder file, which names
#     the pid that held its lock).  Then a rerun to completion must give
#     the output folder and ledger of a run never interrupted (the
#     reference, run on a copy of the pre-run ledger): every file byte for
#     byte (SOURCE_DATE_EPOCH fixes the PDFs' dates), summary.json without
#     its timings, the ledger's rows without the wall-clock columns
#     runs.started and runs.finished; and nothing left behind.  With
#     strace, kills at the run's syncs (the output's parent folder, then
#     SQLite's fdatasyncs) land between the output's rename and the
#     ledger's commit and in the commit: none of SQLite's may come before
#     the output folder is in place.  Wave 2's orders get late LEA-wide
#     orders of large LEAs so that it prints some 10,000 new sets, enough
#     to spill.
#  b. A second writer: while another process holds the ledger's write lock
#     (python's sqlite3, BEGIN IMMEDIATE), `run --ledger` waits about 5 s,
#     exits 3 naming the ledger, and leaves no output; while a run holds
#     it (waiting on a FIFO), the message names that run's pid.
#  c. A rerun of the same inputs prints nothing new: exit 0, "nothing new
#     to print", summary.json printed 0 and printed_earlier the first run's
#     printed; the ledger gains one runs row (and its run_inputs) only.
#  d. The ledger is mode 0600 and holds no last name of the input.
# It takes about two minutes on two busy cores.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_ledger.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SSRFILL:-$top/ssrfill}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e-ledger.XXXXXX")
bgpids=()
trap 'for p in "${bgpids[@]}"; do kill -9 $p 2>/dev/null; done; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM   # (the EXIT trap then cleans up)
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
export SOURCE_DATE_EPOCH=1561939200   # 2019-07-01: the documents' dates
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2" | head -40; }
check() { # name condition-exit-status [detail]
	if [ "$2" = 0 ]; then ok "$1"; else bad "$1" "${3:-}"; fi
}
if ! command -v sqlite3 >/dev/null; then
	echo "FAIL the sqlite3 shell is missing (Debian's sqlite3; make deps installs it)"
	exit 1
fi

# plain Python (the standard library's sqlite3 and json): /usr/bin/python3
# first, since a pyenv shim takes a second to start and it runs ~150 times
py=python3; [ -x /usr/bin/python3 ] && py=/usr/bin/python3
N=${LEDGER_ROWS:-100000} SEED=15
"$bin" gen --quiet --rows "$N" --seed $SEED --out "$work/s1.csv" --orders "$work/o1.csv" &&
"$bin" gen --quiet --rows "$N" --seed $SEED --wave 2 --out "$work/s2.csv" --orders "$work/o2.csv" ||
	{ echo "FAIL gen"; exit 1; }
# Wave 2 prints only what wave 1 did not, a few hundred sets that sort in
# memory: late LEA-wide CAASPP orders (dated before the deadline) of the
# largest LEAs that ordered nothing make it print some 10,000 sets, which
# spill at --memory 8M like wave 1's.
"$py" - "$work/s2.csv" "$work/o1.csv" "$work/o2.csv" <<'PY' || { echo "FAIL the late orders"; exit 1; }
import csv, sys
ordered = {r["lea_code"] for r in csv.DictReader(open(sys.argv[2], newline=""))}
rows = {}
for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    if r["report"] != "ELPAC" and r["lea_code"] not in ordered:
        rows[r["lea_code"]] = rows.get(r["lea_code"], 0) + 1
total = 0
with open(sys.argv[3], "a", newline="") as f:
    for lea in sorted(rows, key=lambda l: (-rows[l], l)):
        if total >= 10000:
            break
        f.write("%s,,CAASPP,,,,2019-07-14,\n" % lea)
        total += rows[lea]
PY

L=$work/season.ledger     # every run below uses this path (summary.json names it)
OUT=$work/out             # and wave 2 this --out (the ledger's runs.out_dir)
run() { # students orders out [options]: one run with the ledger
	local s=$1 o=$2 out=$3; shift 3
	"$bin" run --ledger "$L" --students "$s" --orders "$o" --out "$out" --memory 8M "$@"
}
run2() { run "$work/s2.csv" "$work/o2.csv" "$OUT" "$@"; }

# The dumps.  A ledger is read from a copy of the file and its -wal (the
# sqlite3 shell would checkpoint the original, and a rerun must find the
# file as the killed run left it).
snapdir=$work/snap
mkdir -p "$snapdir"
copy_ledger() { # ledger dest: dest, dest-wal as they are now
	rm -f "$2" "$2-wal" "$2-shm"
	cp "$1" "$2"
	[ -e "$1-wal" ] && cp "$1-wal" "$2-wal"
	return 0
}
dump_full() { # ledger: the sqlite3 shell's .dump (every table's rows) and the versions
	mkdir -p "$snapdir"
	copy_ledger "$1" "$snapdir/l"
	sqlite3 "$snapdir/l" .dump 'PRAGMA user_version' 'PRAGMA application_id' 2>&1
	rm -f "$snapdir"/l*
}
cat >"$work/dump_cmp.py" <<'PY'
# Every table's rows, sorted, without the wall-clock columns
# runs.started and runs.finished: what a rerun must reproduce.
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
skip = {("runs", "started"), ("runs", "finished")}
for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
    cols = [r[1] for r in db.execute("PRAGMA table_xinfo(%s)" % t)
            if (t, r[1]) not in skip and r[6] == 0]   # hidden 0: stored columns
    print("== %s (%s)" % (t, ", ".join(cols)))
    rows = db.execute("SELECT %s FROM %s" % (", ".join('"%s"' % c for c in cols), t)).fetchall()
    for r in sorted(rows, key=repr):
        print(repr(r))
for p in ("user_version", "application_id"):
    print(p, db.execute("PRAGMA " + p).fetchone()[0])
PY
dump_cmp() { # ledger
	mkdir -p "$snapdir"
	copy_ledger "$1" "$snapdir/l"
	"$py" "$work/dump_cmp.py" "$snapdir/l" 2>&1
	rm -f "$snapdir"/l*
}
set_ledger() { # saved: make $L the saved ledger (file and -wal), nothing else
	rm -f "$L" "$L-wal" "$L-shm"
	copy_ledger "$1" "$L"
}
# summary.json without its timings and memory figures
summary_cmp() {
	"$py" -c 'import json,sys; j=json.load(open(sys.argv[1])); j.pop("timings_s", None); j.pop("memory_bytes", None); print(json.dumps(j, indent=1, sort_keys=True))' "$1" 2>&1
}
# same_output REF DIR: empty when DIR is REF (every file byte for byte,
# summary.json without timings), else what differs
same_output() {
	[ -d "$2" ] || { echo "no output folder $2"; return; }
	diff -rq --no-dereference -x summary.json "$1" "$2" | head -10
	diff <(summary_cmp "$1/summary.json") <(summary_cmp "$2/summary.json") | head -10
}
# leftovers: what a killed run left that only a sweep removes, and anything else
leftovers() { # prints "known" paths on fd 3 and unexpected ones on stdout
	local p
	for p in "$work"/* "$TMPDIR"/*; do
		[ -e "$p" ] || continue
		case ${p#"$work"/} in
		s1.csv | s2.csv | o1.csv | o2.csv | dump_cmp.py | holder.py | tmp | snap | pre.ledger* | ref.ledger* | \
		out | ref_out | w1 | count | again | *.err | *.dump | *.time | season.ledger | season.ledger-wal | season.ledger-shm) ;;
		# (the ledger's holder file names the pid of the run holding its lock:
		# no student data; the next writer replaces it)
		out.ssrfill-tmp-* | out.ssrfill-lock | tmp/ssrfill-spill-* | season.ledger.holder) echo "$p" >&3 ;;
		*) echo "$p" ;;
		esac
	done
}

# ---- wave 1, to completion ---------------------------------------------------
run "$work/s1.csv" "$work/o1.csv" "$work/w1" --quiet 2>"$work/w1.err"; rc=$?
check "wave 1 with a new ledger exits 0" $rc "exit $rc: $(cat "$work/w1.err")"
[ -s "$L" ] || { echo "FAIL no ledger was written"; echo "e2e_ledger: $pass passed, $((fail + 1)) failed"; exit 1; }
copy_ledger "$L" "$work/pre.ledger"
dump_full "$L" >"$work/pre.dump"
dump_cmp "$L" >"$work/pre_cmp.dump"
grep -q '^INSERT INTO sets' "$work/pre.dump"
check "wave 1 left sets in the ledger" $? "$(head -c 1500 "$work/pre.dump")"

# ---- d. mode 0600, no last names -------------------------------------------
mode=$(stat -c %a "$L")
check "the ledger is mode 0600" "$([ "$mode" = 600 ]; echo $?)" "mode $mode"
# five printed students' last names, plain ASCII and 6 letters or more
names=$(zstd -dc "$work/w1/print/august.csv.zst" 2>/dev/null | "$py" -c '
import csv, sys
r = csv.DictReader(sys.stdin)
seen = []
for x in r:
    n = x.get("last_name", "")
    if x.get("kind") == "set" and len(n) >= 6 and n.isascii() and n.isalpha() and n not in seen:
        seen.append(n)
    if len(seen) == 5:
        break
print(" ".join(seen))')
found=""
for n in $names; do
	grep -a -q -F -- "$n" "$L" "$L-wal" 2>/dev/null && found="$found $n"
done
[ -n "$names" ] && [ -z "$found" ]
check "no last name of the input is in the ledger file (${names:-no names found})" $? "found:$found"

# the run's inputs as the ledger records them: path as given, size, SHA-256
want=$(for f in o1 s1; do printf '%s|%s|%s\n' "$work/$f.csv" "$(stat -c %s "$work/$f.csv")" \
	"$(sha256sum "$work/$f.csv" | cut -c1-64)"; done)
got=$(sqlite3 "$L" "SELECT path || '|' || n_bytes || '|' || lower(hex(sha256)) FROM run_inputs
                    WHERE run_id = 1 ORDER BY role")
[ "$got" = "$want" ]
check "the ledger records wave 1's inputs with their sizes and SHA-256 (as sha256sum)" $? "got:
$got
wanted:
$want"

# ---- the reference: wave 2 never interrupted ---------------------------------
t0=$(date +%s%N)
SSRFILL_FAULT_COUNT=$work/count run2 --threads 1 --quiet 2>"$work/ref.err"; rc=$?
t1=$(date +%s%N)
calls=0; fired=-
[ -s "$work/count" ] && read -r calls fired <"$work/count"
[ $rc = 0 ] && [ -d "$OUT" ] && [ "${calls:-0}" -gt 100 ]
check "wave 2 (the reference) exits 0; $calls fallible calls, $(((t1 - t0) / 1000000)) ms" $? "exit $rc: $(cat "$work/ref.err")"
run_ms=$(((t1 - t0) / 1000000))
mv "$OUT" "$work/ref_out"
copy_ledger "$L" "$work/ref.ledger"
dump_cmp "$L" >"$work/ref_cmp.dump"
! cmp -s "$work/pre_cmp.dump" "$work/ref_cmp.dump"
check "wave 2 changed the ledger" $?
set_ledger "$work/pre.ledger"

# ---- a. SIGKILL at many points ----------------------------------------------
n_killed=0 n_spilling=0 n_staged=0 n_after_rename=0 n_after_commit=0 n_finished=0 failed_before=$fail
# after_kill NAME RC RERUN-OPTIONS...: the checks after one kill, then the
# rerun to completion and its checks, then back to the pre-run ledger
after_kill() {
	local name=$1 rc=$2; shift 2
	local d known unexpected state
	d=$(dump_full "$L")
	unexpected=$(leftovers 3>"$snapdir/known.txt")
	known=$(cat "$snapdir/known.txt")
	if [ "$rc" = 0 ]; then
		# the kill came too late: the run finished; it must be the reference
		n_finished=$((n_finished + 1))
		state=$(same_output "$work/ref_out" "$OUT"; diff <(dump_cmp "$L") "$work/ref_cmp.dump" | head -10)
		[ -z "$state$unexpected$known" ] || bad "$name: finished before the kill, but not as the reference" "$state$unexpected$known"
	elif [ "$rc" != 137 ]; then
		bad "$name: exit $rc, wanted death by SIGKILL (137)" "$(cat "$work/kill.err")"
	elif [ "$d" != "$(cat "$work/pre.dump")" ]; then
		# killed after the commit, while it ended: the run was done, its
		# output in place and its ledger committed, as the reference's
		state=$(same_output "$work/ref_out" "$OUT"; diff <(dump_cmp "$L") "$work/ref_cmp.dump" | head -10)
		if [ -z "$state$unexpected" ] && ! grep -q ssrfill-tmp <<<"$known"; then
			n_after_commit=$((n_after_commit + 1))
			ok "$name: killed after the commit: output and ledger as the reference's"
		else
			bad "$name: the ledger changed, and not to the reference's whole run" \
				"$(diff "$work/pre.dump" <(echo "$d") | head -12; echo "$state$unexpected$known" | head -12)"
		fi
		rc=0    # nothing to rerun
	elif [ -n "$unexpected" ]; then
		bad "$name: left behind where no sweep looks" "$unexpected"
	elif [ -e "$OUT" ] && [ -n "$(same_output "$work/ref_out" "$OUT")" ]; then
		bad "$name: a partial output folder" "$(same_output "$work/ref_out" "$OUT")"
	else
		n_killed=$((n_killed + 1))
		[ -e "$OUT" ] && n_after_rename=$((n_after_rename + 1))
		grep -q spill <<<"$known" && n_spilling=$((n_spilling + 1))
		grep -q ssrfill-tmp <<<"$known" && n_staged=$((n_staged + 1))
		ok "$name: ledger as before the run$([ -e "$OUT" ] && echo ", output whole (killed after its rename)")$([ -n "$known" ] && echo "; left for the sweep: $(sed "s|$work/||" <<<"$known" | tr '\n' ' ')")"
	fi
	# the rerun (--force when the killed run had put its output in place)
	local force=
	[ -e "$OUT" ] && force=--force
	if [ "$rc" != 0 ]; then
		run2 "$@" $force 2>"$work/rerun.err"; rc=$?
		unexpected=$(leftovers 3>"$snapdir/known.txt")
		known=$(cat "$snapdir/known.txt")
		state=$(same_output "$work/ref_out" "$OUT")
		d=$(diff "$work/ref_cmp.dump" <(dump_cmp "$L") | head -20)
		if [ $rc != 0 ]; then
			bad "$name: the rerun exits 0" "exit $rc: $(cat "$work/rerun.err")"
		elif [ -n "$state" ]; then
			bad "$name: the rerun's output is the reference's" "$state"
		elif [ -n "$d" ]; then
			bad "$name: the rerun's ledger is the reference's" "$d"
		elif [ -n "$unexpected$known" ]; then
			bad "$name: the rerun leaves nothing behind" "$unexpected$known"
		else
			ok "$name: the rerun$([ -n "$force" ] && echo " (--force)") gives the reference's output and ledger, nothing left behind"
		fi
	fi
	rm -rf "$OUT" "$OUT".ssrfill-* "$TMPDIR"/*
	set_ledger "$work/pre.ledger"
}

# Under sanitizers every run is several times slower, and a SIGKILLed run
# reports nothing: what they check is the reruns, which take the same paths
# after each kind of kill (read, spilling, staged, after the rename, after
# the commit).  So fewer kills of each kind there, the plain `make test`
# having made them all: 4 points spread over the run, not 20 (the first
# while the rows are read, the others while the sorter spills), the last 2
# calls, not 4, 2 kill -9, not 5, and 3 of the 6 strace points (the
# output's fsync; SQLite's first fdatasync, after the rename; its third,
# after the commit).
spread=20 last=4 kills=5 syncs="fsync:1 fdatasync:1 fdatasync:2 fdatasync:3 fdatasync:4 fdatasync:5"
[ -n "${SSRFILL_SANITIZED:-}" ] && spread=4 last=2 kills=2 syncs="fsync:1 fdatasync:1 fdatasync:3"
if [ "${calls:-0}" -gt 100 ]; then
	points=$("$py" -c 'import sys; c, k, l = map(int, sys.argv[1:4])
print(" ".join(str(max(1, c * i // (k + 1))) for i in range(1, k + 1)), " ".join(str(c - j) for j in range(l - 1, -1, -1)))' \
		"$calls" $spread $last)
	for n in $points; do
		# (the outer braces keep bash's "Killed" off the log)
		{ ( SSRFILL_FAULT=$n SSRFILL_FAULT_SIGNAL=KILL exec "$bin" run --ledger "$L" --students "$work/s2.csv" \
			--orders "$work/o2.csv" --out "$OUT" --memory 8M --threads 1 --quiet ) 2>"$work/kill.err"; } 2>/dev/null
		after_kill "SIGKILL at call $n of $calls" $? --threads 1 --quiet
	done
fi
# kill -9 from outside, after sleeps over the last half of the run's time
# and a little past it: SQLite's commit makes no call of ours.
for i in $(seq $kills); do
	ms=$((run_ms / 2 + RANDOM % (run_ms * 6 / 10 + 1)))
	"$bin" run --ledger "$L" --students "$work/s2.csv" --orders "$work/o2.csv" --out "$OUT" --memory 8M \
		--threads 2 --quiet 2>"$work/kill.err" & pid=$!; bgpids+=($pid)
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -9 $pid 2>/dev/null
	{ wait $pid; } 2>/dev/null; rc=$?
	after_kill "kill -9 after $ms ms (a run takes about $run_ms)" $rc --threads 2 --quiet
done
# SIGKILL at the syncs, where SQLite commits: strace kills the run on
# entering its first fsync (the output's parent folder, after the rename)
# and each of its first fdatasyncs (SQLite's WAL and checkpoint, of the
# commit).  None may come before the output folder is in place; the first
# ones leave the ledger as before, the later ones the whole run.
if strace -f -o /dev/null true 2>/dev/null; then
	for point in $syncs; do
		sc=${point%:*} k=${point#*:}
		{ strace -f -o /dev/null -e trace="$sc" -e inject="$sc":signal=KILL:when="$k" "$bin" run --ledger "$L" \
			--students "$work/s2.csv" --orders "$work/o2.csv" --out "$OUT" --memory 8M --threads 1 --quiet \
			2>"$work/kill.err"; } 2>/dev/null
		rc=$?
		out_there=$([ -e "$OUT" ] && echo 1 || echo 0)
		# (ssrfill's own syncs are fsync and syncfs; SQLite's are fdatasync)
		[ "$sc" = fdatasync ] && [ $rc = 137 ] && [ "$out_there" = 0 ] &&
			bad "SIGKILL at SQLite's fdatasync number $k (strace): the output folder was not in place yet"
		after_kill "SIGKILL at the run's $sc number $k (strace)" $rc --threads 1 --quiet
	done
	[ $n_after_rename -gt 0 ]
	check "kills between the output's rename and the ledger's commit: $n_after_rename" $?
else
	echo "skip SIGKILL at the syncs: no strace here, or it cannot trace"
fi
[ $fail = "$failed_before" ]
check "SIGKILL: $n_killed kills left the ledger as before ($n_spilling while spilling, $n_staged with a staged output, $n_after_rename after the output's rename), $n_after_commit after the commit; $n_finished runs finished first" $?
[ $n_spilling -gt 0 ] && [ $n_staged -gt 0 ]
check "the kills reached the spilling sorter and the staged output" $? "spilling $n_spilling, staged $n_staged"

# ---- b. a second writer ------------------------------------------------------
set_ledger "$work/ref.ledger"
cat >"$work/holder.py" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").write("held\n")
time.sleep(float(sys.argv[3]))
db.execute("ROLLBACK")
PY
before=$(dump_full "$L")
"$py" "$work/holder.py" "$L" "$snapdir/held" 20 & holder=$!; bgpids+=($holder)
for _ in $(seq 100); do [ -e "$snapdir/held" ] && break; sleep 0.1; done
t0=$(date +%s%N)
run "$work/s1.csv" "$work/o1.csv" "$work/busy" 2>"$work/busy.err"; rc=$?
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
kill $holder 2>/dev/null; wait $holder 2>/dev/null
[ $rc = 3 ] && grep -q -F "$(basename "$L")" "$work/busy.err" && [ $ms -ge 4500 ] && [ $ms -le 15000 ]
check "a second writer waits ~5 s ($ms ms), exits 3 naming the ledger" $? "exit $rc after $ms ms: $(cat "$work/busy.err")"
left=$(ls -d "$work"/busy* 2>/dev/null | grep -v 'busy\.err$'; ls -A "$TMPDIR")
[ -z "$left" ] && [ "$before" = "$(dump_full "$L")" ]
check "the second writer leaves no output and the ledger as it was" $? "left: $left"

# a run holding the ledger (waiting for its students on a FIFO): the
# second writer names it by its pid
mkfifo "$work/sfifo"
env --default-signal "$bin" run --quiet --ledger "$L" --students "$work/sfifo" --orders "$work/o1.csv" \
	--out "$work/holding" 2>"$snapdir/holding.err" & hpid=$!; bgpids+=($hpid)
for _ in $(seq 300); do [ -e "$L.holder" ] && break; sleep 0.1; done
run "$work/s1.csv" "$work/o1.csv" "$work/busy2" 2>"$work/busy.err"; rc=$?
[ $rc = 3 ] && grep -q -F "$(basename "$L")" "$work/busy.err" && grep -q "pid $hpid" "$work/busy.err"
check "a second writer while another run holds the ledger: exit 3 naming the ledger and the holder's pid" $? \
	"exit $rc: $(cat "$work/busy.err"); holder file: $(cat "$L.holder" 2>&1)"
kill $hpid 2>/dev/null; wait $hpid 2>/dev/null
rm -f "$work/sfifo"
left=$(ls -d "$work"/busy2* "$work"/holding* 2>/dev/null; ls -A "$TMPDIR")
[ -z "$left" ] && [ "$before" = "$(dump_full "$L")" ] && [ ! -e "$L.holder" ]
check "the holder, stopped by SIGTERM, and the second writer leave no output, no .holder file and the ledger as it was" \
	$? "left: $left $(ls "$L.holder" 2>/dev/null)"
rm -f "$L.holder"

# ---- c. the same inputs again: nothing new -----------------------------------
set_ledger "$work/pre.ledger"
run "$work/s1.csv" "$work/o1.csv" "$work/again" 2>"$work/again.err"; rc=$?
[ $rc = 0 ] && grep -q 'nothing new to print' "$work/again.err"
check "wave 1's inputs again: exit 0, \"nothing new to print\"" $? "exit $rc: $(cat "$work/again.err")"
got=$("$py" -c '
import json, sys
a = json.load(open(sys.argv[1]))["students"]; b = json.load(open(sys.argv[2]))["students"]
print(b.get("printed"), b.get("printed_earlier"), a.get("printed"))' "$work/w1/summary.json" "$work/again/summary.json" 2>&1)
read -r p pe p1 <<<"$got"
[ "$p" = 0 ] && [ "$pe" = "$p1" ]
check "its summary.json: printed 0, printed_earlier = wave 1's printed ($p1)" $? "printed, printed_earlier, wave 1 printed: $got"
added=$(diff "$work/pre.dump" <(dump_full "$L") | grep '^>')
removed=$(diff "$work/pre.dump" <(dump_full "$L") | grep '^<')
[ -z "$removed" ] && [ "$(grep -c '^> INSERT INTO runs ' <<<"$added")" = 1 ] &&
	[ -z "$(grep -v -e '^> INSERT INTO runs ' -e '^> INSERT INTO run_inputs ' <<<"$added")" ]
check "the ledger gains one runs row (and its inputs), nothing else" $? "$(diff "$work/pre.dump" <(dump_full "$L") | head -20)"
grep -q "^> INSERT INTO runs .*'nothing_new'" <<<"$added"
check "that run is recorded as nothing_new" $? "$added"
got=$("$py" -c '
import json, sys
j = json.load(open(sys.argv[1])).get("ledger", {})
print(j.get("nothing_new"), j.get("run_id"), json.dumps(j.get("waves"), sort_keys=True))' "$work/again/summary.json" 2>&1)
[ "$got" = 'True 2 {"august": 0, "elpac": 0, "winter": 0}' ]
check "its summary.json's ledger: nothing_new, run 2, no wave of any shipment" $? "$got"
missing=""
for f in summary.json print/august.csv.zst print/winter.csv.zst print/elpac.csv.zst manifests/august.csv \
	invoices/invoices.csv reports/changed_since_printed.csv reports/missing_since_printed.csv; do
	[ -f "$work/again/$f" ] || missing="$missing $f"
done
n=$( (zstd -dc "$work/again/print/august.csv.zst"; cat "$work/again/manifests/august.csv" "$work/again/invoices/invoices.csv") 2>/dev/null | wc -l)
[ -z "$missing" ] && [ "$n" = 3 ]
check "a run with nothing new writes its summary and empty CSVs (a header each)" $? "missing:$missing; $n lines in 3 files"

echo "e2e_ledger: $pass passed, $fail failed"
[ $fail = 0 ]
