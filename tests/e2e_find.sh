#!/usr/bin/env bash
# `ssrfill find` (docs/rules.md §15.3) and README.md's "The season", on a real
# ledger: the README's walkthrough is run as written (on gen --rows 3000
# --seed 5 instead of the demo's 60,000 rows): wave 1, wave 2, the rerun
# that prints nothing, find.  Then:
# - find answers with the box id, wave and "box N of M" the print stream
#   and the manifest give for a student of each wave, in both forms
#   (--json parses, with the keys the README lists);
# - an SSID the ledger does not know exits 1 with the README's message
#   and nothing else; a malformed one is a usage error naming --ssid; a
#   missing ledger exits 1 naming it and is not created;
# - find does not change the ledger, and answers at once while another
#   connection holds the write lock;
# - neither the ledger nor find's answer holds a student's name;
# - the README's three sqlite3 queries, cut from the README between their
#   markers, run on the ledger and agree with the outputs of both waves.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_find.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SSRFILL:-$top/ssrfill}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
readme=$top/README.md
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e-find.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
check() { # name got wanted
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got:    $2"$'\n'"wanted: $3"; fi
}
for tool in sqlite3 zstd python3; do
	command -v $tool >/dev/null || { echo "FAIL $tool is not installed (make deps installs it)"; exit 1; }
done
# the fenced block after a README line holding the marker, without its fences
readme_block() { # marker
	awk -v m="$1" 'index($0, m) { on = 1; next }
		on && /^```/ { if (in_block) exit; in_block = 1; next }
		in_block { print }' "$readme"
}
csv_cols() { # file col...: the named columns of each row, tab-separated
	python3 - "$@" <<'PY'
import csv, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # a reader that stops early
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    r = csv.reader(f)
    head = next(r)
    idx = [head.index(c) for c in sys.argv[2:]]
    for row in r:
        print("\t".join(row[i] for i in idx))
PY
}

# --- the README's walkthrough ------------------------------------------------------
readme_block "e2e_find.sh runs this block" >"$work/season.sh"
grep -q 'ssrfill run .*--ledger\|--ledger out/season.ledger' "$work/season.sh" \
	&& ok "README: the season's walkthrough is there, between its markers" \
	|| bad "README: the season's walkthrough is there" "$(cat "$work/season.sh")"
sed -i -e "s|\./ssrfill|\"\$SSRFILL_BIN\"|g" -e 's/--rows 60000 --seed 2019/--rows 3000 --seed 5/g' \
	"$work/season.sh"
if (cd "$work" && SSRFILL_BIN=$bin bash -e -o pipefail "$work/season.sh") \
	>"$work/season.out" 2>"$work/season.err"; then
	ok "README: the walkthrough runs (gen, wave 1, wave 2, the rerun, find)"
else
	bad "README: the walkthrough runs" "$(tail -20 "$work/season.err")"
fi
out=$work/out
lg=$out/season.ledger
grep -q "nothing new to print" "$work/season.err" \
	&& ok "README: the rerun says nothing new to print" \
	|| bad "README: the rerun says nothing new to print" "$(tail -5 "$work/season.err")"
head -1 "$work/season.out" | grep -q '^ssid [0-9]\{10\}: [0-9]* printed report' \
	&& ok "README: its find answers" || bad "README: its find answers" "$(head -5 "$work/season.out")"
[ "$(stat -c %a "$lg" 2>/dev/null)" = 600 ] && ok "the ledger is mode 0600" \
	|| bad "the ledger is mode 0600" "$(ls -l "$lg" 2>&1)"
sum_rows() { sqlite3 "$lg" "$1" 2>&1; }
check "the ledger: two runs printed, the third printed nothing" \
	"$(sum_rows "SELECT group_concat(status, ' ') FROM (SELECT status FROM runs ORDER BY run_id)")" \
	"printed printed nothing_new"
check "the rerun's summary says nothing_new" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ledger"]["nothing_new"])' \
	   "$out/wave2_again/summary.json" 2>&1)" "True"

# the two lists the README explains: wave 2 has rows in each, printed in wave 1
for r in changed missing; do
	f=$out/wave2/reports/${r}_since_printed.csv
	n=$(($(wc -l <"$f" 2>/dev/null || echo 1) - 1))
	boxes=$(csv_cols "$f" box_id 2>/dev/null | sort -u)
	unknown_boxes=$(comm -23 <(echo "$boxes") <(for m in "$out"/wave1/manifests/*.csv; do
		csv_cols "$m" box_id; done | sort -u))
	if [ "$n" -gt 0 ] && [ -z "$unknown_boxes" ] &&
	   [ "$(csv_cols "$f" wave | sort -u)" = 1 ]; then
		ok "wave 2: ${r}_since_printed.csv lists $n sets, in wave 1's boxes"
	else
		bad "wave 2: ${r}_since_printed.csv lists sets in wave 1's boxes" "$(head -3 "$f")"
	fi
	check "wave 1: ${r}_since_printed.csv is empty" \
		"$(wc -l <"$out/wave1/reports/${r}_since_printed.csv")" 1
done

# --- find against the print stream and the manifest ----------------------------------
# wave_of shipment run_out: the wave a run's summary gives the shipment
wave_of() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ledger"]["waves"][sys.argv[2]])' \
		"$2/summary.json" "$1" 2>&1
}
# find_check name run_out shipment: a set of the run's print stream of that
# shipment, found, agrees with the stream, the manifest and the summary
find_check() {
	local name=$1 o=$2 ship=$3 row ssid report box want_wave
	zstd -dc "$o/print/$ship.csv.zst" >"$work/stream.csv" 2>/dev/null
	row=$(csv_cols "$work/stream.csv" kind ssid report box_id | awk -F'\t' '$1 == "set"' | sed -n 7p)
	if [ -z "$row" ]; then
		bad "$name: the $ship print stream has sets"
		return
	fi
	IFS=$'\t' read -r _ ssid report box <<<"$row"
	want_wave=$(wave_of "$ship" "$o")
	local mrow
	mrow=$(csv_cols "$o/manifests/$ship.csv" box_id wave box_no box_count |
		awk -F'\t' -v b="$box" '$1 == b { print $2 "\t" $3 "\t" $4; exit }')
	local m_wave m_no m_count
	IFS=$'\t' read -r m_wave m_no m_count <<<"$mrow"
	"$bin" find --ledger "$lg" --ssid "$ssid" --json >"$work/find.json" 2>"$work/find.err"
	check "$name: find --json exits 0" "$?" 0
	local got
	got=$(python3 - "$work/find.json" "$report" <<'PY' 2>&1
import json, sys
j = json.load(open(sys.argv[1]))
keys = ["report", "shipment", "wave", "lea_code", "school_code", "grade", "box_id",
        "box_no", "box_count", "printed", "scanned", "reprints", "reprint_box_id"]
r = [x for x in j["reports"] if x["report"] == sys.argv[2]][0]
assert sorted(j) == ["reports", "ssid"], sorted(j)
assert all(sorted(x) == sorted(keys) for x in j["reports"]), j["reports"]
import re
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["printed"]), r["printed"]
assert r["reprint_box_id"] is None, r   # not reprinted (e2e_reprint checks a reprinted one)
print(j["ssid"], r["shipment"], r["box_id"], r["wave"], r["box_no"], r["box_count"],
      r["scanned"], r["reprints"])
PY
)
	check "$name: find --json gives the stream's box and the manifest's wave and box N of M" \
		"$got" "$ssid $ship $box $m_wave $m_no $m_count None 0"
	check "$name: the manifest's wave is the summary's" "$m_wave" "$want_wave"
	"$bin" find --ledger "$lg" --ssid "$ssid" >"$work/find.txt" 2>"$work/find.err"
	check "$name: find exits 0" "$?" 0
	if grep -q "^  box       $box (box $m_no of $m_count of the wave)\$" "$work/find.txt" &&
	   grep -q "^  shipment  $ship, wave $m_wave\$" "$work/find.txt" &&
	   grep -q "^  scanned   not scanned\$" "$work/find.txt"; then
		ok "$name: find's block says the box, box N of M, the wave"
	else
		bad "$name: find's block" "$(cat "$work/find.txt" "$work/find.err")"
	fi
	echo "$ssid" >"$work/$name.ssid"
}
find_check "wave 1" "$out/wave1" august
w2ship=$(python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["ledger"]["waves"]
print(max(w, key=lambda s: w[s]))' "$out/wave2/summary.json" 2>&1)
find_check "wave 2" "$out/wave2" "$w2ship"
check "wave 2 printed a wave 2 of a shipment" "$(wave_of "$w2ship" "$out/wave2")" 2

# --- what find refuses ---------------------------------------------------------------
unknown=9999999999
while [ "$(sqlite3 "$lg" "SELECT count(*) FROM sets WHERE ssid = $unknown")" != 0 ]; do
	unknown=$((unknown - 1))
done
"$bin" find --ledger "$lg" --ssid $unknown >"$work/nf.out" 2>"$work/nf.err"
check "an SSID the ledger does not know: exit 1" "$?" 1
check "... with the README's message, nothing on standard output" \
	"$(cat "$work/nf.err")|$(cat "$work/nf.out")" \
	"ssrfill find: ssid $unknown: the ledger $lg has no printed report of this student|"
"$bin" find --ledger "$lg" --ssid $unknown --json >"$work/nf.out" 2>/dev/null
check "... and with --json" "$?|$(cat "$work/nf.out")" "1|"
for s in 12345 12345678901 123456789x ""; do
	"$bin" find --ledger "$lg" --ssid "$s" >/dev/null 2>"$work/us.err"
	rc=$?
	if [ $rc = 2 ] && grep -q -- "--ssid" "$work/us.err"; then ok "--ssid '$s': usage error naming --ssid"
	else bad "--ssid '$s': usage error naming --ssid" "exit $rc: $(cat "$work/us.err")"; fi
done
"$bin" find --ssid 1234567890 >/dev/null 2>"$work/us.err"
check "no --ledger: usage error" "$?" 2
"$bin" find --ledger "$work/nope.ledger" --ssid 1234567890 >/dev/null 2>"$work/nope.err"
rc=$?
if [ $rc = 1 ] && grep -q "$work/nope.ledger" "$work/nope.err" && [ ! -e "$work/nope.ledger" ]; then
	ok "a missing ledger: exit 1 naming it, and not created"
else
	bad "a missing ledger: exit 1 naming it, and not created" "exit $rc: $(cat "$work/nope.err"; ls "$work")"
fi

# --- find only reads ------------------------------------------------------------------
ssid1=$(cat "$work/wave 1.ssid" 2>/dev/null)
before=$(sha256sum <"$lg")
"$bin" find --ledger "$lg" --ssid "$ssid1" >/dev/null 2>&1
check "find leaves the ledger's bytes as they were" "$(sha256sum <"$lg")" "$before"
# another connection holds the write lock for 4 s: find answers at once
{ echo "BEGIN IMMEDIATE;"; echo "INSERT INTO runs (command, started) VALUES ('test', 1);";
  sleep 4; echo "ROLLBACK;"; } | sqlite3 "$lg" &
holder=$!
sleep 0.5
t0=$(date +%s%N)
"$bin" find --ledger "$lg" --ssid "$ssid1" >"$work/locked.out" 2>"$work/locked.err"
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ $rc = 0 ] && [ $ms -lt 2000 ]; then ok "find answers while a writer holds the ledger (${ms} ms)"
else bad "find answers while a writer holds the ledger" "exit $rc after $ms ms: $(cat "$work/locked.err")"; fi
wait $holder

# --- no names ---------------------------------------------------------------------------
zstd -dc "$out/demo_students.csv.zst" >"$work/students.csv"
names=$(csv_cols "$work/students.csv" last_name | awk 'length($0) >= 6' | sort -u | head -20)
leaked=""
while IFS= read -r n; do
	[ -n "$n" ] || continue
	grep -qaF -- "$n" "$lg" "$lg-wal" 2>/dev/null && leaked="$leaked [$n]"
done <<<"$names"
if [ -n "$names" ] && [ -z "$leaked" ]; then ok "the ledger holds none of 20 last names of the input"
else bad "the ledger holds no names" "leaked:$leaked names: $(head -3 <<<"$names")"; fi
name1=$(csv_cols "$work/students.csv" ssid last_name | awk -F'\t' -v s="$ssid1" '$1 == s { print $2; exit }')
if [ -n "$name1" ] && ! grep -qF -- "$name1" "$work/locked.out"; then ok "find's answer holds no name"
else bad "find's answer holds no name" "name '$name1': $(cat "$work/locked.out")"; fi

# --- the README's queries ------------------------------------------------------------------
q() { # marker [ssid]: the README's query, run on the ledger, as CSV with a header
	readme_block "e2e_find.sh query: $1" | sed "s/1115058950/${2:-1115058950}/g" >"$work/q_$1.sql"
	sqlite3 -bail -header -csv "$lg" <"$work/q_$1.sql" 2>&1
}
# boxes: one row per (LEA, shipment, wave); their boxes are the manifests' boxes
q boxes >"$work/boxes.csv"
manifest_boxes=$(for d in wave1 wave2; do for f in "$out/$d"/manifests/*.csv; do
	csv_cols "$f" box_id; done; done | sort -u | wc -l)
check "README query 'boxes per LEA and wave': its boxes are the manifests' boxes of both waves" \
	"$(csv_cols "$work/boxes.csv" boxes | awk '{ s += $1 } END { print s + 0 }')" "$manifest_boxes"
check "... with both waves in it" \
	"$(csv_cols "$work/boxes.csv" wave | sort -u | tr '\n' ' ')" "1 2 "
# where: the rows find gives for the student
q where "$ssid1" >"$work/where.csv"
"$bin" find --ledger "$lg" --ssid "$ssid1" --json >"$work/find1.json" 2>/dev/null
check "README query 'where is a student's report': find's reports and boxes" \
	"$(csv_cols "$work/where.csv" ssid report box_id box_n_of_m | tr '\t\n' ' ;')" \
	"$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))
print("".join("%s %s %s %d of %d;" % (j["ssid"], r["report"], r["box_id"], r["box_no"], r["box_count"]) for r in j["reports"]))' \
	"$work/find1.json" 2>&1)"
# billed: the dollars of both waves' invoices.csv
q billed >"$work/billed.csv"
check "README query 'what was billed': the total of both waves' invoices.csv" \
	"$(csv_cols "$work/billed.csv" dollars | awk '{ s += $1 * 100 } END { printf "%.0f\n", s }')" \
	"$(for d in wave1 wave2; do csv_cols "$out/$d/invoices/invoices.csv" amount_cents; done |
	   awk '{ s += $1 } END { printf "%.0f\n", s }')"
check "... billed by both waves' runs" \
	"$(csv_cols "$work/billed.csv" run | sort -u | tr '\n' ' ')" "1 2 "

echo "e2e_find: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
