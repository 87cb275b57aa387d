#!/usr/bin/env bash
# Never destroy a file, never leave student data behind (issue 11, items
# 1-7): what --force may replace, outputs that are inputs, devices and
# FIFOs never unlinked, someone else's FIFO refused, the reject rate
# decided before a byte reaches a pipe, one run at a time per --out, every
# catchable terminating signal cleaned up after, and the leftovers of a
# SIGKILLed run removed by the next command, which says so.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_safety.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SSRFILL:-$top/ssrfill}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e-safety.XXXXXX")
bgpids=()
trap 'for p in "${bgpids[@]}"; do kill -9 $p 2>/dev/null; done; rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
check() { # name condition-exit-status [detail]
	if [ "$2" = 0 ]; then ok "$1"; else bad "$1" "${3:-}"; fi
}
rr=$top/fixtures/run/rules
rej=$top/fixtures/sort/rejects/students.csv
run() { "$bin" run --quiet --students "$rr/students.csv" --orders "$rr/orders.csv" --max-reject-rate 0.5 "$@"; }

# wait (up to 90 s: CI machines are loaded) until a path matching a glob exists
wait_for() { for _ in $(seq 900); do compgen -G "$1" >/dev/null && return 0; sleep 0.1; done; return 1; }

# ---- 1. what --force may replace ------------------------------------------
d=$work/f1
mkdir -p "$d"; echo "my notes" >"$d/notes.txt"
run --out "$d" --force 2>"$work/err"; rc=$?
[ $rc = 2 ] && [ -f "$d/notes.txt" ] && grep -q 'not written by ssrfill' "$work/err"
check "--force refuses a folder ssrfill did not write (exit 2, file kept)" $? "exit $rc: $(cat "$work/err")"

run --out "$d/../f1b" 2>"$work/err" && run --out "$d/../f1b" --force 2>"$work/err"
check "--force replaces an earlier run's output" $? "$(cat "$work/err")"
[ -f "$work/f1b/.ssrfill-output" ] && grep -qx 'print' "$work/f1b/.ssrfill-output"
check "an output folder carries the marker listing what the run wrote" $?

echo "an operator's file" >"$work/f1b/readme.txt"
run --out "$work/f1b" --force 2>"$work/err"; rc=$?
[ $rc = 2 ] && [ -f "$work/f1b/readme.txt" ] && grep -q 'readme.txt' "$work/err"
check "--force refuses an earlier output an operator added a file to" $? "exit $rc: $(cat "$work/err")"
rm "$work/f1b/readme.txt"

cp "$rr/students.csv" "$work/f1b/reports/s.csv"
"$bin" run --quiet --students "$work/f1b/reports/s.csv" --orders "$rr/orders.csv" --max-reject-rate 0.5 \
	--out "$work/f1b" --force 2>"$work/err"; rc=$?
[ $rc = 2 ] && cmp -s "$rr/students.csv" "$work/f1b/reports/s.csv" && grep -q 'an input of this run' "$work/err"
check "--force never replaces a folder holding an input of the run" $? "exit $rc: $(cat "$work/err")"

mkdir -p "$work/dot/e"; echo keep >"$work/dot/keep.txt"; echo keep >"$work/dot/e/keep.txt"
for o in . e/. "" e/.. /; do
	( cd "$work/dot" && run --out "$o" --force ) 2>"$work/err"; rc=$?
	[ $rc = 2 ] && [ -f "$work/dot/keep.txt" ] && [ -f "$work/dot/e/keep.txt" ] &&
		[ -z "$(ls -A "$work/dot" | grep ssrfill)" ] && grep -q -- '--out' "$work/err"
	check "--out '$o' is refused up front (exit 2, nothing touched)" $? "exit $rc: $(cat "$work/err"); $(ls -A "$work/dot")"
done

# inside the folders it wrote too: the marker lists every path
run --out "$work/f2" 2>"$work/err" && echo "an operator's note" >"$work/f2/reports/notes.txt"
run --out "$work/f2" --force 2>"$work/err"; rc=$?
[ $rc = 2 ] && [ -f "$work/f2/reports/notes.txt" ] && grep -q 'reports/notes.txt' "$work/err"
check "--force refuses an earlier output with a file added in a subfolder" $? "exit $rc: $(cat "$work/err")"
rm "$work/f2/reports/notes.txt"; ln -s "$work/dot" "$work/f2/reports/elsewhere"
run --out "$work/f2" --force 2>"$work/err"; rc=$?
[ $rc = 2 ] && [ -f "$work/dot/keep.txt" ] && grep -q 'symbolic link' "$work/err"
check "--force refuses an earlier output holding a symbolic link" $? "exit $rc: $(cat "$work/err")"
rm "$work/f2/reports/elsewhere"
mkdir -p "$work/mine/reports"; echo "q3" >"$work/mine/reports/q3.txt"; cp "$work/f2/.ssrfill-output" "$work/mine/"
run --out "$work/mine" --force 2>"$work/err"; rc=$?
[ $rc = 2 ] && [ -f "$work/mine/reports/q3.txt" ]
check "--force refuses a folder with a copied marker" $? "exit $rc: $(cat "$work/err")"
if [ "$(id -u)" = 0 ] && mkdir -p "$work/victim" "$work/f2/reports/archive" &&
   echo precious >"$work/victim/p.txt" && mount --bind "$work/victim" "$work/f2/reports/archive" 2>/dev/null; then
	run --out "$work/f2" --force 2>"$work/err"; rc=$?
	umount "$work/f2/reports/archive"
	[ $rc = 2 ] && [ -f "$work/victim/p.txt" ]
	check "--force never reaches into a file system mounted inside DIR" $? "exit $rc: $(cat "$work/err")"
fi
rmdir "$work/f2/reports/archive" 2>/dev/null
ln -s "$work/f2" "$work/f2link"
run --out "$work/f2link" --force 2>"$work/err"; rc=$?
[ $rc = 2 ] && [ -L "$work/f2link" ] && grep -q 'symbolic link' "$work/err"
check "--out naming a symbolic link is refused (exit 2), the link kept" $? "exit $rc: $(cat "$work/err")"
mkdir "$work/dot/notes.ssrfill-tmp-aaaaaa"
( cd "$work/dot" && run --out . ) 2>/dev/null
[ -d "$work/dot/notes.ssrfill-tmp-aaaaaa" ]
check "a refused --out sweeps nothing" $?
rmdir "$work/dot/notes.ssrfill-tmp-aaaaaa"
echo "my own file" >"$work/dot/precious.ssrfill-lock"
run --out "$work/dot/o" 2>/dev/null; rm -rf "$work/dot/o"
[ -f "$work/dot/precious.ssrfill-lock" ]
check "the sweep leaves a file named like a lock that ssrfill did not write" $?
rm "$work/dot/precious.ssrfill-lock"

# ---- 2. never unlink what ssrfill did not create ---------------------------
mkfifo "$work/fifo"
cat "$work/fifo" >/dev/null & bgpids+=($!)
"$bin" sort --quiet --students "$rej" --out "$work/fifo" --rejects "$work/r.csv" 2>"$work/err"; rc=$?
wait ${bgpids[-1]} 2>/dev/null
[ $rc = 1 ] && [ -p "$work/fifo" ] && [ -s "$work/r.csv" ]
check "sort failing the reject rate into a FIFO keeps the FIFO, writes the rejects" $? "exit $rc: $(cat "$work/err")"

if [ "$(id -u)" = 0 ]; then
	mknod "$work/null" c 1 3
	"$bin" sort --quiet --students "$rej" --out "$work/null" --rejects "$work/r2.csv" 2>"$work/err"; rc=$?
	[ $rc = 1 ] && [ -c "$work/null" ]
	check "sort failing into a character device (a /dev/null) leaves the device" $? "exit $rc: $(cat "$work/err")"
	"$bin" sort --quiet --students "$rej" --out "$work/null" --rejects "$work/r3.csv" --max-reject-rate 1 2>"$work/err"
	check "sort into a character device works" $? "$(cat "$work/err")"
fi
ln -s "$work/fifo" "$work/fifolink"
cat "$work/fifo" >/dev/null & bgpids+=($!)
"$bin" gen --quiet --rows 10 --out "$work/fifolink" --orders "$work/no/such/dir/o.csv" 2>"$work/err"; rc=$?
kill ${bgpids[-1]} 2>/dev/null; wait ${bgpids[-1]} 2>/dev/null
[ $rc = 3 ] && [ -p "$work/fifo" ] && [ -L "$work/fifolink" ]
check "gen failing keeps the FIFO (and the symlink) it was writing to" $? "exit $rc: $(cat "$work/err")"

"$bin" gen --quiet --rows 50 --seed 9 --out "$work/g.csv" --orders "$work/go.csv"
cp "$work/g.csv" "$work/g.keep"; cp "$work/go.csv" "$work/go.keep"
# a fault at each of a range of calls, opening and writing the outputs
failed=0 wrong=""
for n in $(seq 60 5 140); do
	SSRFILL_FAULT=$n "$bin" gen --quiet --rows 4000 --seed 3 --out "$work/g.csv" --orders "$work/go.csv" 2>/dev/null
	rc=$?
	[ $rc = 0 ] && { cp "$work/g.keep" "$work/g.csv"; cp "$work/go.keep" "$work/go.csv"; continue; }
	failed=$((failed + 1))
	{ cmp -s "$work/g.csv" "$work/g.keep" && cmp -s "$work/go.csv" "$work/go.keep" &&
		[ -z "$(ls "$work" | grep ssrfill-tmp)" ]; } || wrong="$wrong $n"
done
[ $failed -gt 0 ] && [ -z "$wrong" ]
check "gen failing ($failed faults) leaves the files that were there as they were" $? "changed at calls:$wrong"

# a symbolic link as output is followed, never replaced (/dev/stdout)
ln -s /proc/self/fd/1 "$work/mystdout"
"$bin" sort --quiet --students "$rej" --out "$work/mystdout" --max-reject-rate 1 >"$work/viastdout.csv" 2>"$work/err"; rc=$?
[ $rc = 0 ] && [ -L "$work/mystdout" ] && [ "$(wc -l <"$work/viastdout.csv")" -gt 1 ]
check "sort --out a link to /proc/self/fd/1 writes the file stdout goes to and keeps the link" $? \
	"exit $rc: $(cat "$work/err"); $(ls -l "$work/mystdout")"
if [ "$(id -u)" = 0 ]; then
	mknod "$work/blk" b 7 0
	"$bin" sort --quiet --students "$rej" --out "$work/blk" --max-reject-rate 1 2>"$work/err"; rc=$?
	[ $rc = 2 ] && grep -q 'block device' "$work/err"
	check "sort refuses a block device as output" $? "exit $rc: $(cat "$work/err")"
fi

# ---- 3. an output that is an input ------------------------------------------
cp "$rej" "$work/in.csv"; ln "$work/in.csv" "$work/in-link.csv"
for args in "--out $work/sorted.csv --rejects $work/in.csv" "--out $work/in.csv" \
	    "--out $work/./in.csv" "--out $work/in-link.csv"; do
	# shellcheck disable=SC2086
	"$bin" sort --quiet --students "$work/in.csv" $args --max-reject-rate 1 2>"$work/err"; rc=$?
	[ $rc = 2 ] && cmp -s "$rej" "$work/in.csv" && grep -q 'is the input' "$work/err"
	check "sort refuses an output that is its input ($args)" $? "exit $rc: $(cat "$work/err")"
done
"$bin" sort --quiet --students "$rej" --out "$work/same.csv" --rejects "$work/same.csv" 2>"$work/err"; rc=$?
check "sort refuses --out and --rejects naming one file" $([ $rc = 2 ]; echo $?) "exit $rc"
"$bin" gen --quiet --rows 10 --out "$work/gg.csv" --orders "$work/gg.csv" 2>"$work/err"; rc=$?
check "gen refuses --out and --orders naming one file" $([ $rc = 2 ]; echo $?) "exit $rc"

# ---- 4 and 7. one run per --out; signals; leftovers of killed runs ----------
# A run reading its students from a FIFO waits there, holding its --out,
# until the FIFO is fed.
mkfifo "$work/sfifo"
# (env --default-signal: a shell starts background jobs with SIGINT and
# SIGQUIT ignored, and ssrfill leaves an ignored signal ignored, as sort does)
start_blocked() { # out [extra args]: a run waiting on the FIFO; sets $runpid
	local out=$1; shift
	env --default-signal "$bin" run --quiet --students "$work/sfifo" --orders "$rr/orders.csv" --max-reject-rate 0.5 \
		--out "$out" "$@" 2>"$work/err1" &
	runpid=$!; bgpids+=($runpid)
	wait_for "$out.ssrfill-tmp-*"
}
start_blocked "$work/l1"
run --out "$work/l1" 2>"$work/err"; rc=$?
[ $rc = 3 ] && grep -q "pid $runpid" "$work/err" && grep -q 'in use' "$work/err"
check "a second run into the same --out is refused (exit 3) naming the holder" $? "exit $rc: $(cat "$work/err")"
mkdir "$work/l1"; echo "made meanwhile" >"$work/l1/other.txt"
cat "$rr/students.csv" >"$work/sfifo"
wait $runpid; rc=$?
[ $rc = 3 ] && [ -f "$work/l1/other.txt" ] && [ -z "$(ls "$work" | grep 'l1\.ssrfill')" ]
check "a file put into --out during the run is kept; the run fails at commit" $? "exit $rc: $(cat "$work/err1"); $(ls "$work")"

start_blocked "$work/s1"
name=$(cd "$work" && ls -d s1.ssrfill-tmp-*)
case $name in s1.ssrfill-tmp-$runpid) bad "the staged folder is named by pid: $name" ;;
	*) ok "the staged folder has a unique name, not the pid ($name)" ;; esac
kill $runpid; wait $runpid 2>/dev/null
# 40 and 64: real-time signals (kill -l), whose default action ends a process too
for sig in INT QUIT USR1 USR2 XFSZ XCPU ALRM HUP TRAP ABRT 40 64; do
	start_blocked "$work/s_$sig"
	kill -$sig $runpid; wait $runpid 2>/dev/null; rc=$?
	left=$(ls -A "$work" | grep "s_$sig"; ls -A "$TMPDIR")
	[ $rc -gt 128 ] && [ -z "$left" ]
	check "signal $sig: the run dies by it and leaves nothing behind" $? "exit $rc; left: $left"
done
if [ "$(id -u)" = 0 ] && unshare --pid --fork true 2>/dev/null; then
	# as PID 1 (a container) a signal's default action does nothing: the
	# handler must end the command itself, not let it go on
	{ sleep 3; cat "$rej"; } | unshare --pid --fork env --default-signal "$bin" sort --quiet --students - \
		--out - --max-reject-rate 1 >"$work/pid1.csv" 2>/dev/null &
	upid=$!; bgpids+=($upid)
	for _ in $(seq 100); do pgrep -f -- "--students - --out - --max-reject-rate 1" >/dev/null && break; sleep 0.05; done
	sleep 0.5
	pkill -TERM -f -- "$bin sort --quiet --students - --out - --max-reject-rate 1"; wait $upid; rc=$?
	[ $rc != 0 ] && [ ! -s "$work/pid1.csv" ]
	check "as PID 1, SIGTERM ends sort; nothing reaches its output" $? "exit $rc; $(wc -l <"$work/pid1.csv") lines out"
fi

# Each feeder below writes into a new FIFO: a killed reader leaves up to a
# pipe's worth of unread rows in the old one, kept while the old feeder's
# sleep holds its write end, and the next reader would start mid-file
# (seen in CI: "sfifo: line 1: missing required column(s)").
fresh_fifo() { rm -f "$work/sfifo" && mkfifo "$work/sfifo"; }

# SIGKILL while spilling: a staged folder, a spill folder and a lock file
# stay behind; the next command working there removes them and says so.
"$bin" gen --quiet --rows 60000 --seed 7 --out "$work/big.csv" --orders "$work/bigo.csv"
fresh_fifo; { head -c 8000000 "$work/big.csv"; sleep 60; } >"$work/sfifo" & bgpids+=($!); feeder=$!
"$bin" run --quiet --students "$work/sfifo" --orders "$work/bigo.csv" --out "$work/k1" --memory 1M --threads 1 \
	2>"$work/err1" & runpid=$!; bgpids+=($runpid)
wait_for "$TMPDIR/ssrfill-spill-*/*"
kill -9 $runpid; wait $runpid 2>/dev/null; pkill -P $feeder 2>/dev/null; kill $feeder 2>/dev/null
left=$(ls -d "$work"/k1.ssrfill-* "$TMPDIR"/ssrfill-spill-* 2>/dev/null | wc -l)
[ "$left" -ge 3 ]
check "SIGKILL leaves the staged folder, lock and spill folder (only a sweep can help)" $? "$(ls -A "$work" "$TMPDIR")"
"$bin" run --students "$rr/students.csv" --orders "$rr/orders.csv" --max-reject-rate 0.5 --out "$work/k1" \
	2>"$work/err"; rc=$?
n=$(grep -c 'removed what killed runs left behind' "$work/err")
[ $rc = 0 ] && [ "$n" = 1 ] && grep -q 'k1.ssrfill-tmp-' "$work/err" && grep -q 'ssrfill-spill-' "$work/err" &&
	[ -z "$(ls -A "$work" | grep 'k1\.ssrfill'; ls -A "$TMPDIR")" ]
check "the next run removes a killed run's leftovers, in one line" $? "exit $rc: $(cat "$work/err"); $(ls -A "$work" "$TMPDIR")"

# a live run's staged folder and spill folder are never swept
fresh_fifo; { head -c 8000000 "$work/big.csv"; sleep 60; } >"$work/sfifo" & bgpids+=($!); feeder=$!
"$bin" run --students "$work/sfifo" --orders "$work/bigo.csv" --out "$work/k2" --memory 1M --threads 1 \
	2>"$work/err1" & runpid=$!; bgpids+=($runpid)
wait_for "$TMPDIR/ssrfill-spill-*/*"
alive=$(kill -0 $runpid 2>/dev/null && echo yes || echo no)
"$bin" run --students "$rr/students.csv" --orders "$rr/orders.csv" --max-reject-rate 0.5 --out "$work/k3" \
	2>"$work/err"; rc=$?
[ $alive = yes ] && [ $rc = 0 ] && ! grep -q removed "$work/err" && compgen -G "$work/k2.ssrfill-tmp-*" >/dev/null &&
	compgen -G "$TMPDIR/ssrfill-spill-*" >/dev/null
check "a live run's staged and spill folders are left alone by another command" $? \
	"live run alive before: $alive, after: $(kill -0 $runpid 2>/dev/null && echo yes || echo no) ($(cat "$work/err1")); other run: exit $rc: $(cat "$work/err"); left: $(ls -A "$work" "$TMPDIR" | tr '\n' ' ')"
kill $runpid; wait $runpid 2>/dev/null; pkill -P $feeder 2>/dev/null; kill $feeder 2>/dev/null

# killed sort: its staged output file goes at the next sort there
fresh_fifo; { head -c 8000000 "$work/big.csv"; sleep 60; } >"$work/sfifo" & bgpids+=($!); feeder=$!
"$bin" sort --quiet --students "$work/sfifo" --out "$work/ks.csv" --memory 1M --threads 1 2>/dev/null & runpid=$!
bgpids+=($runpid)
wait_for "$TMPDIR/ssrfill-spill-*/*"
kill -9 $runpid; wait $runpid 2>/dev/null; pkill -P $feeder 2>/dev/null; kill $feeder 2>/dev/null
"$bin" sort --students "$rej" --out "$work/ks.csv" --max-reject-rate 1 2>"$work/err"; rc=$?
[ $rc = 0 ] && grep -q 'ks.csv.ssrfill-tmp-' "$work/err" && [ -z "$(ls -A "$work" | grep 'ks.csv.ssrfill'; ls -A "$TMPDIR")" ]
check "the next sort removes a killed sort's staged file and spill folder" $? "exit $rc: $(cat "$work/err")"

# ---- 5. the reject rate is decided before a byte reaches a pipe -------------
"$bin" gen --quiet --rows 20000 --seed 5 --bad-rows 0.3 --out "$work/bad.csv" --orders "$work/bado.csv"
"$bin" sort --quiet --students "$work/bad.csv" --out - 2>"$work/err" >"$work/piped"; rc=$?
[ $rc = 1 ] && [ ! -s "$work/piped" ]
check "sort --out - failing the reject rate writes nothing to the pipe" $? "exit $rc, $(wc -c <"$work/piped") bytes out"

# ---- 6. someone else's FIFO -------------------------------------------------
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	mkfifo "$work/trap"; chown nobody "$work/trap"
	timeout 10 "$bin" sort --quiet --students "$rej" --out "$work/trap" --max-reject-rate 1 2>"$work/err"; rc=$?
	[ $rc = 2 ] && grep -q 'owned by another user' "$work/err"
	check "sort refuses a FIFO owned by another user" $? "exit $rc: $(cat "$work/err")"
fi

echo "e2e_safety: $pass passed, $fail failed"
[ $fail = 0 ]
