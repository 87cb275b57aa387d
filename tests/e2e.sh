#!/usr/bin/env bash
# End-to-end tests: run the built ssrfill on fixtures/ and on generated files
# and check what a user would see — output bytes, rejects, exit codes,
# messages, file modes and that nothing is left behind.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
bin=${SSRFILL:-$top/ssrfill}
fx=$top/fixtures
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e.XXXXXX")
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

ok()   { pass=$((pass + 1)); echo "ok   $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
same() { # name got expected
	if cmp -s "$2" "$3"; then ok "$1"; else bad "$1" "$(diff "$2" "$3" | head -20)"; fi
}
# expect NAME CODE PATTERN -- command...: exit code and a stderr pattern
expect() {
	local name=$1 code=$2 pat=$3; shift 4
	"$@" >"$work/stdout" 2>"$work/stderr"
	local rc=$?
	if [ "$rc" != "$code" ]; then
		bad "$name" "exit $rc, wanted $code; stderr: $(cat "$work/stderr")"
	elif ! grep -qE -- "$pat" "$work/stderr"; then
		bad "$name" "stderr lacks /$pat/: $(cat "$work/stderr")"
	else
		ok "$name"
	fi
}
no_leftovers() { # name dir
	local left
	left=$(find "$2" -name '*ssrfill-tmp*' 2>/dev/null)
	if [ -z "$left" ]; then ok "$1"; else bad "$1" "$left"; fi
}

# --- print order on a hand-checked fixture ------------------------------
b=$fx/sort/basic
expect "sort basic" 0 "15 rows read, 15 sorted, 0 rejected" -- \
	"$bin" sort --students "$b/students.csv" --out "$work/basic.csv"
same "sort basic: order, BOM dropped, raw rows kept" "$work/basic.csv" "$b/expected.csv"
# names as people alphabetise them (fixtures/sort/names/README.md)
n=$fx/sort/names
expect "sort names" 0 "39 rows read, 39 sorted, 0 rejected" -- \
	"$bin" sort --students "$n/students.csv" --out "$work/names.csv"
same "sort names: Đặng under D, Ødegaard under O, Han after Hangul, equal names by first name and ssid" \
	"$work/names.csv" "$n/expected.csv"
mode=$(stat -c %a "$work/basic.csv")
[ "$mode" = 600 ] && ok "sort output is mode 600" || bad "sort output is mode 600" "mode $mode"

zstd -q -c "$b/students.csv" >"$work/basic.csv.zst"
"$bin" sort --quiet --students "$work/basic.csv.zst" --out "$work/basic_z.csv"
same "sort zstd input (magic number, .zst name)" "$work/basic_z.csv" "$b/expected.csv"
cp "$work/basic.csv.zst" "$work/no_suffix"
"$bin" sort --quiet --students "$work/no_suffix" --out "$work/basic_z2.csv"
same "sort zstd input without a .zst name" "$work/basic_z2.csv" "$b/expected.csv"
"$bin" sort --quiet --students - --out - <"$b/students.csv" >"$work/basic_pipe.csv"
same "sort stdin to stdout" "$work/basic_pipe.csv" "$b/expected.csv"
# input order must not matter: reverse the data rows
{ head -1 "$b/students.csv"; tail -n +2 "$b/students.csv" | tac; } >"$work/rev.csv"
"$bin" sort --quiet --students "$work/rev.csv" --out "$work/rev_out.csv"
same "sort is independent of input order" "$work/rev_out.csv" "$b/expected.csv"
"$bin" sort --quiet --threads 1 --memory 8M --students "$b/students.csv" --out "$work/t1.csv"
same "sort --threads 1 --memory 8M gives the same bytes" "$work/t1.csv" "$b/expected.csv"

# --- every reject reason, CRLF, multi-line raw, line numbers -------------
r=$fx/sort/rejects
expect "sort rejects: counts" 0 "18 rows read, 3 sorted, 15 rejected \(1 duplicates\)" -- \
	"$bin" sort --students "$r/students.csv" --out "$work/rej_out.csv" \
	--rejects "$work/rej.csv" --max-reject-rate 1
same "sort rejects: accepted rows" "$work/rej_out.csv" "$r/expected.csv"
same "sort rejects: line, reason, raw" "$work/rej.csv" "$r/expected_rejects.csv"
rm -f "$work/rej_out.csv" "$work/rej.csv"
expect "too many rejects: exit 1 and says so" 1 "15 of 18 rows rejected .* more than --max-reject-rate 1.00%" -- \
	"$bin" sort --students "$r/students.csv" --out "$work/rej_out.csv" --rejects "$work/rej.csv"
[ ! -e "$work/rej_out.csv" ] && ok "too many rejects: no output file" || bad "too many rejects: no output file"
same "too many rejects: the rejects file is still written" "$work/rej.csv" "$r/expected_rejects.csv"
no_leftovers "too many rejects: no temporary files" "$work"
# (the name Lat\xedn, not the "Latin-1" of the iconv advice)
if LC_ALL=C grep -qaE 'Good|Lat.n([^-]|$)|1000000001' "$work/stderr"; then
	bad "messages carry no student data" "$(cat "$work/stderr")"
else
	ok "messages carry no student data"
fi

# --- unusable inputs: exit 1 with file and line ---------------------------
printf 'ssid,lea_code,school_code,grade,last_name,first_name\n1,2,3,4,5,6\n' >"$work/nocol.csv"
expect "missing column: exit 1, names it" 1 "nocol.csv: line 1: missing required column\(s\): report" -- \
	"$bin" sort --students "$work/nocol.csv" --out "$work/x.csv"
printf 'ssid,lea_code,school_code,grade,last_name,first_name,report,ssid\n' >"$work/dupcol.csv"
expect "repeated column: exit 1" 1 "dupcol.csv: line 1: column ssid appears twice" -- \
	"$bin" sort --students "$work/dupcol.csv" --out "$work/x.csv"
{ head -3 "$b/students.csv"; printf 'SB,05,"Open,Quote,1000000099,0000002,1964733,\nmore\n'; } >"$work/open.csv"
expect "quote left open at end: exit 1, names the line" 1 "open.csv: line 4: a quote opened here is never closed" -- \
	"$bin" sort --students "$work/open.csv" --out "$work/x.csv"
head -c $(( $(stat -c %s "$work/basic.csv.zst") - 7 )) "$work/basic.csv.zst" >"$work/cut.csv.zst"
expect "truncated zstd: exit 1" 1 "cut.csv.zst: the zstd stream is cut short" -- \
	"$bin" sort --students "$work/cut.csv.zst" --out "$work/x.csv"
: >"$work/empty.csv"
expect "empty file: exit 1" 1 "empty.csv: the file is empty" -- \
	"$bin" sort --students "$work/empty.csv" --out "$work/x.csv"
# a leading 0xFF (never UTF-8) and no line ends: random bytes that began
# with a few ASCII ones and a CR made a valid first "line" now and then
{ printf '\377'; head -c 4096 /dev/urandom | tr -d '\n\r'; } >"$work/binary.csv"
expect "binary file: exit 1" 1 "binary.csv: (line 1, column 1: the header is not UTF-8 text; it holds .*: is it a binary file|this is )" -- \
	"$bin" sort --students "$work/binary.csv" --out "$work/x.csv"
expect "missing file: exit 3" 3 "nope.csv: cannot open: No such file" -- \
	"$bin" sort --students "$work/nope.csv" --out "$work/x.csv"
expect "unwritable output: exit 3" 3 "cannot create" -- \
	"$bin" sort --students "$b/students.csv" --out "$work/no/such/dir/x.csv"
[ ! -e "$work/x.csv" ] && ok "failed runs leave no output" || bad "failed runs leave no output"
no_leftovers "failed runs leave no temporary files" "$work"

# --- usage: exit 2 ----------------------------------------------------------
expect "no command: exit 2" 2 "usage" -- "$bin"
expect "unknown command: exit 2" 2 "unknown command" -- "$bin" frobnicate
expect "unknown option: exit 2" 2 "unknown option '--bogus'" -- \
	"$bin" sort --bogus --students x --out y
expect "bad --memory: exit 2" 2 "--memory wants a size" -- \
	"$bin" sort --memory lots --students x --out y
expect "missing --out: exit 2, naming it" 2 "--out is required: the accepted rows" -- \
	"$bin" sort --students x

# --- generated statewide sample: cross-check with an independent oracle ----
oracle_py "$top/tests/oracle_name_key.py" >"$work/name_key.txt" 2>&1 \
	&& ok "the oracles' name key files names as docs/rules.md §9 says (ICU root, primary, shifted)" \
	|| bad "the oracles' name key files names as docs/rules.md §9 says" "$(cat "$work/name_key.txt")"
if "$bin" gen --quiet --rows 20000 --seed 7 --bad-rows 0.02 --out "$work/gen.csv" \
	--orders "$work/gen_orders.csv" 2>"$work/stderr"; then
	ok "gen writes a sample"
	"$bin" gen --quiet --rows 20000 --seed 7 --bad-rows 0.02 --out "$work/gen2.csv.zst" \
		--orders "$work/gen_orders2.csv"
	zstd -q -d -c "$work/gen2.csv.zst" >"$work/gen2.csv"
	same "gen is deterministic (and .zst holds the same bytes)" "$work/gen2.csv" "$work/gen.csv"
	"$bin" sort --quiet --students "$work/gen.csv" --out "$work/gen_sorted.csv" \
		--rejects "$work/gen_rej.csv" --max-reject-rate 0.05
	if command -v python3 >/dev/null; then
		oracle_py "$top/tests/oracle_sort.py" "$work/gen.csv" "$work/oracle.csv" "$work/oracle_rej.txt"
		# compare parsed rows: ssrfill keeps raw bytes, the oracle re-quotes
		python3 - "$work/gen_sorted.csv" "$work/oracle.csv" >"$work/cmp.txt" 2>&1 <<'PY'
import csv, sys
a = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
b = list(csv.reader(open(sys.argv[2], newline="", encoding="utf-8")))
for i, (x, y) in enumerate(zip(a, b)):
    if x != y:
        print("row", i + 1, "differs:\n ", x, "\n ", y); sys.exit(1)
if len(a) != len(b):
    print("row counts differ:", len(a), len(b)); sys.exit(1)
PY
		if [ $? = 0 ]; then ok "sort matches the independent oracle row by row"; else bad "sort matches the independent oracle row by row" "$(cat "$work/cmp.txt")"; fi
		python3 -c 'import csv,sys; print("\n".join(r[0] for r in list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8", errors="surrogateescape")))[1:]))' \
			"$work/gen_rej.csv" >"$work/rej_lines.txt"
		same "rejected lines match the oracle" "$work/rej_lines.txt" "$work/oracle_rej.txt"
	fi
	rows=$(( $(wc -l <"$work/gen.csv") - 1 ))
	got=$(( $(wc -l <"$work/gen_sorted.csv") - 1 + $(wc -l <"$work/rej_lines.txt") ))
	[ "$rows" = "$got" ] && ok "every generated row is sorted or rejected ($rows)" || bad "rows reconcile" "$rows read, $got out"
	# a clean file has no duplicates, so which copy is "first" cannot matter:
	# any input order must give the same bytes
	"$bin" gen --quiet --rows 20000 --seed 8 --out "$work/clean.csv" --orders "$work/clean_orders.csv"
	{ head -1 "$work/clean.csv"; tail -n +2 "$work/clean.csv" | shuf --random-source=<(yes); } >"$work/clean_shuf.csv"
	cmp -s "$work/clean.csv" "$work/clean_shuf.csv" && bad "shuffle changed nothing"
	"$bin" sort --quiet --students "$work/clean.csv" --out "$work/clean_sorted.csv"
	"$bin" sort --quiet --students "$work/clean_shuf.csv" --out "$work/clean_shuf_sorted.csv"
	same "shuffled input sorts to the same bytes" "$work/clean_shuf_sorted.csv" "$work/clean_sorted.csv"
else
	bad "gen writes a sample" "$(cat "$work/stderr")"
fi

# --- ssrfill run on hand-computed fixtures (fixtures/run/README.md) ------
# cols FILE COLS...: the given 0-based CSV columns of every data row, joined
# by |, for a plain or zstd CSV file.
cols() {
	python3 - "$@" <<'PY'
import csv, io, subprocess, sys
path, idx = sys.argv[1], [int(a) for a in sys.argv[2:]]
data = open(path, "rb").read()
if data[:4] == b"\x28\xb5\x2f\xfd":
    data = subprocess.run(["zstd", "-dc"], input=data, capture_output=True).stdout
rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))[1:]
sys.stdout.write("".join("|".join(r[i] for i in idx) + "\n" for r in rows))
PY
}
rr=$fx/run/rules
expect "run rules: summary line" 0 "15 rows read, 1 rejected, 11 printed in 6 boxes, 3 electronic only; 4 invoices totalling \\\$18.88" -- \
	"$bin" run --students "$rr/students.csv" --orders "$rr/orders.csv" --out "$work/run1" --max-reject-rate 0.5 \
	--invoice-date 2019-08-01
grep -q "line 8: cancelled on 2019-08-01, after the cancel deadline 2019-07-15: the cancellation is ignored" "$work/stderr" \
	&& ok "run rules: a late cancellation is a warning" || bad "run rules: a late cancellation is a warning" "$(cat "$work/stderr")"
for sh in august winter elpac; do
	cols "$work/run1/print/$sh.csv.zst" 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 24 >"$work/p_$sh.txt"
	same "run rules: $sh print stream (order, languages, paper, sheets, envelopes, weights)" \
		"$work/p_$sh.txt" "$rr/expected_print_$sh.txt"
done
cols "$work/run1/manifests/august.csv" 0 1 2 3 4 5 6 7 8 9 10 11 >"$work/m.txt"
same "run rules: august manifest (boxes, segments, gross weight)" "$work/m.txt" "$rr/expected_manifest_august.txt"
same "run rules: invoices to the cent" "$work/run1/invoices/invoices.csv" "$rr/expected_invoices.csv"
cols "$work/run1/rejects/orders.csv" 0 >"$work/ro.txt"
same "run rules: rejected orders (duplicate, late, malformed)" "$work/ro.txt" "$rr/expected_order_reject_lines.txt"
cols "$work/run1/rejects/students.csv" 0 >"$work/rs.txt"
same "run rules: rejected score reports" "$work/rs.txt" "$rr/expected_student_reject_lines.txt"
python3 - "$work/run1/summary.json" <<'PY' && ok "run rules: summary.json reconciles" || bad "run rules: summary.json reconciles"
import json, sys
s = json.load(open(sys.argv[1]))
st, sh = s["students"], s["shipments"]
assert st["rows_read"] == 15 and st["rejected"] == 1 and st["printed"] == 11 and st["electronic_only"] == 3
assert [sh[k]["sets_printed"] for k in ("august", "winter", "elpac")] == [6, 3, 2]
assert all(v["sets_printed"] == v["sets_packed"] == v["sets_invoiced"] for v in sh.values())
assert s["invoices"]["grand_total_cents"] == 1888 and s["reconciled"] is True
# warnings: the late cancellation and the count of rejected rows (both in warnings[])
assert s["orders"] == {"file": s["orders"]["file"], "rows_read": 9, "active": 4, "cancelled": 1, "rejected": 4,
                       "warnings": 2, "without_reports": 0}
assert s["overall"]["leas"] == 4 and s["overall"]["envelope_sets_without_address"] == 3
PY
pdftotext -layout "$work/run1/invoices/2222222.pdf" "$work/inv.txt" 2>/dev/null
grep -qE "Total +\\\$8\.44" "$work/inv.txt" && grep -q "PO numbers: PO-B1; PO-B2" "$work/inv.txt" \
	&& ok "run rules: PDF invoice with total and PO numbers" || bad "run rules: PDF invoice" "$(cat "$work/inv.txt")"
pdftotext -layout "$work/run1/packing/august/2222222.pdf" "$work/pk.txt" 2>/dev/null
grep -qE "Box 1 of 1 +august-2222222-0001" "$work/pk.txt" \
	&& ok "run rules: packing list shows Box N of M" || bad "run rules: packing list shows Box N of M" "$(cat "$work/pk.txt")"
modes=$(find "$work/run1" -type f -perm /o=rwx,g=w | head -3)
[ -z "$modes" ] && ok "run: no output file is world-readable" || bad "run: no output file is world-readable" "$modes"

rb=$fx/run/boxes
for v in "" _together; do
	"$bin" run --quiet --students "$rb/students.csv" --orders "$rb/orders.csv" \
		--config "$rb/boxes$v.ini" --out "$work/box$v"
	cols "$work/box$v/manifests/elpac.csv" 0 1 2 4 5 8 11 >"$work/bm$v.txt"
	same "run boxes$v: exact limit, continued divider, divider moves${v:+, keep_schools_together}" \
		"$work/bm$v.txt" "$rb/expected_manifest$v.txt"
done

# --- run: the output folder appears whole or not at all ---------------------
expect "run refuses a non-empty folder without --force" 2 "run1 exists and is not empty; use --force" -- \
	"$bin" run --students "$rr/students.csv" --orders "$rr/orders.csv" --out "$work/run1" --max-reject-rate 0.5
echo stale >"$work/run1/summary.json"
"$bin" run --quiet --force --students "$rr/students.csv" --orders "$rr/orders.csv" --out "$work/run1" --max-reject-rate 0.5
grep -q '"reconciled"' "$work/run1/summary.json" && ok "run --force replaces an earlier run's folder" || bad "run --force replaces the folder"
expect "run with too many rejects: exit 1, nothing written" 1 "1 of 15 rows rejected .* nothing was written" -- \
	"$bin" run --students "$rr/students.csv" --orders "$rr/orders.csv" --out "$work/run2"
[ ! -e "$work/run2" ] && ok "run with too many rejects leaves no folder" || bad "run with too many rejects leaves no folder"
printf '[box]\nmax_gross_mg = 486679\n' >"$work/small.ini"
expect "run: a box too small for a set is a config error" 1 "small.ini: .*max_gross_mg 486679 mg cannot hold one set" -- \
	"$bin" run --students "$rr/students.csv" --orders "$rr/orders.csv" --config "$work/small.ini" --out "$work/run3"
# weights have sane ranges (a sheet at most 100 g, a box at most 150 lb):
# a 3,000 kg sheet is a typo, refused naming the line and the range
printf '[box]\nmax_gross_mg = 68038855\ntabloid_sheet_mg = 3000000000\n' >"$work/heavy.ini"
expect "run: a 3,000 kg sheet is refused naming the line and the range" 1 \
	"heavy.ini: line 3: tabloid_sheet_mg 3000000000 mg is out of range: it must be from 100 to 100000 mg" -- \
	"$bin" run --students "$rr/students.csv" --orders "$rr/orders.csv" --config "$work/heavy.ini" --out "$work/run_heavy"
printf '[caaspp]\nset_price = 1.485\n' >"$work/price.ini"
expect "config: a price that is not whole cents names the line" 1 "price.ini: line 2" -- "$bin" config --config "$work/price.ini"
printf '[caaspp]\navailable = no\n' >"$work/noservice.ini"
"$bin" run --quiet --students "$rr/students.csv" --orders "$rr/orders.csv" --config "$work/noservice.ini" \
	--out "$work/run4" --max-reject-rate 0.5
grep -q "CAASPP: service not available for 2018-19" "$work/run4/rejects/orders.csv" \
	&& ok "run: orders for an unavailable service are rejected" || bad "run: orders for an unavailable service are rejected"
oracle_py "$top/tests/oracle_run.py" "$rr/students.csv" "$rr/orders.csv" "$work/run4" --config "$work/noservice.ini" >"$work/oracle4.txt" 2>&1 \
	&& python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["shipments"]; sys.exit(s["august"]["sets_printed"] + s["winter"]["sets_printed"])' "$work/run4/summary.json" \
	&& ok "run: nothing of an unavailable program prints, individual selections included" \
	|| bad "run: nothing of an unavailable program prints" "$(tail -5 "$work/oracle4.txt")"
"$bin" config >"$work/cfg.ini" && "$bin" config --config "$work/cfg.ini" >"$work/cfg2.ini" && cmp -s "$work/cfg.ini" "$work/cfg2.ini" \
	&& grep -q "set_price = 1.48" "$work/cfg.ini" && ok "config prints the defaults and reads them back" \
	|| bad "config prints the defaults and reads them back"
python3 -c 'import sys; s=open(sys.argv[1]).read(); a=s.index("```ini")+6; print(s[a:s.index("```", a)])' \
	"$top/README.md" >"$work/readme.ini"
"$bin" config --config "$work/readme.ini" >"$work/readme_out.ini" 2>"$work/stderr" \
	&& ok "the README's configuration example loads" || bad "the README's configuration example loads" "$(cat "$work/stderr")"
# a school order's paper_size is ignored, with a warning (only LEA-wide rows set it)
sed 's/^2222222,2000002,CAASPP,Y,,PO-B2/2222222,2000002,CAASPP,Y,8.5x11,PO-B2/' "$rr/orders.csv" >"$work/school_paper.csv"
"$bin" run --students "$rr/students.csv" --orders "$work/school_paper.csv" --out "$work/run5" \
	--max-reject-rate 0.5 2>"$work/stderr"
if grep -q "line 4: paper_size on a school order is ignored" "$work/stderr" &&
   [ "$(cols "$work/run5/print/august.csv.zst" 4 12 | grep -c '^2000002|11x17$')" = 2 ]; then
	ok "run: paper_size on a school order is ignored, with a warning"
else
	bad "run: paper_size on a school order is ignored" "$(cat "$work/stderr")"
fi
# --- a warning the run cannot keep fails the run ---------------------------
# Warnings belong in summary.json; a run that lost one to a failed
# allocation must not exit 0.  Walk a fault (SSRFILL_FAULT=N) over every
# fallible call up to the score reports, the orders phase where warnings
# are made.  That count comes from a run whose score reports file is
# missing: it makes the same calls up to that open and stops there, and
# with SSRFILL_FAULT_SIGNAL=TERM the N-th call kills it exactly when N is
# at most its count, so the largest such N is found by bisection.
kills() {   # (the braces keep the shell's "Terminated" off the test log)
	{ ( SSRFILL_FAULT=$1 SSRFILL_FAULT_SIGNAL=TERM exec "$bin" run --quiet --no-documents --threads 1 \
		--students "$work/no_such_students.csv" --orders "$rr/orders.csv" --out "$work/run6_count" ) >/dev/null 2>&1; } 2>/dev/null
	[ $? -gt 128 ]
}
summary_warnings() { python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["warnings"]))' "$1"; }
"$bin" run --quiet --no-documents --threads 1 --students "$rr/students.csv" --orders "$rr/orders.csv" \
	--out "$work/run6" --max-reject-rate 0.5
summary_warnings "$work/run6/summary.json" >"$work/warnings_all.txt"
lo=1 hi=4096
if kills $lo && ! kills $hi; then
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		if kills $mid; then lo=$mid; else hi=$mid; fi
	done
	lost="" failed=0
	for n in $(seq 1 $lo); do
		rm -rf "$work/run6"
		SSRFILL_FAULT=$n "$bin" run --quiet --no-documents --threads 1 --students "$rr/students.csv" \
			--orders "$rr/orders.csv" --out "$work/run6" --max-reject-rate 0.5 >/dev/null 2>"$work/stderr"
		rc=$?
		if [ $rc = 3 ] && grep -qE "^ssrfill run: .+" "$work/stderr"; then
			failed=$((failed + 1))
		elif [ $rc != 0 ] || ! summary_warnings "$work/run6/summary.json" | cmp -s - "$work/warnings_all.txt"; then
			lost="$lost fault $n: exit $rc;"
		fi
	done
	[ -z "$lost" ] && [ $failed -gt 0 ] && [ "$(wc -l <"$work/warnings_all.txt")" = 3 ] \
		&& ok "run: a fault at any of the $lo calls up to the score reports fails the run or keeps every warning" \
		|| bad "run: a fault before the score reports loses no warning" "$lost (exit 3 at $failed of $lo)"
else
	bad "run: a fault before the score reports loses no warning" "could not count the calls"
fi
rm -rf "$work/run6"
no_leftovers "run leaves no staging folders" "$work"
[ -z "$(ls -d "$work"/*.ssrfill-* 2>/dev/null)" ] && ok "run leaves nothing beside its folder" || bad "run leaves nothing beside its folder" "$(ls -d "$work"/*.ssrfill-*)"

# --- run on a generated sample, checked by an independent implementation ---
if [ -f "$top/tests/oracle_run.py" ] && [ -f "$work/gen.csv" ]; then
	"$bin" run --quiet --students "$work/gen.csv" --orders "$work/gen_orders.csv" --out "$work/genrun" \
		--max-reject-rate 0.05 --invoice-date 2020-02-15
	if oracle_py "$top/tests/oracle_run.py" "$work/gen.csv" "$work/gen_orders.csv" "$work/genrun" \
		--invoice-date 2020-02-15 >"$work/oracle.txt" 2>&1; then
		ok "run matches the independent oracle (invoices with each line's order and PO, dates; boxes, weights, languages)"
	else
		bad "run matches the independent oracle" "$(tail -25 "$work/oracle.txt")"
	fi
	printf '[box]\nmax_gross_mg = 1500000\nkeep_schools_together = yes\n[billing]\nterms_days = 0\n' >"$work/tight.ini"
	"$bin" run --quiet --students "$work/gen.csv" --orders "$work/gen_orders.csv" --config "$work/tight.ini" \
		--out "$work/genrun2" --max-reject-rate 0.05
	if oracle_py "$top/tests/oracle_run.py" "$work/gen.csv" "$work/gen_orders.csv" "$work/genrun2" --config "$work/tight.ini" >"$work/oracle.txt" 2>&1; then
		ok "run with small boxes and keep_schools_together matches the oracle"
	else
		bad "run with small boxes and keep_schools_together matches the oracle" "$(tail -25 "$work/oracle.txt")"
	fi
fi

# --- external sort: same bytes for one run, many runs, multi-pass merges -----
spill=$work/spill
mkdir -p "$spill"
"$bin" gen --quiet --rows 200000 --seed 11 --bad-rows 0.002 --out "$work/mid.csv" --orders "$work/mid_orders.csv"
TMPDIR=$spill "$bin" sort --students "$work/mid.csv" --out "$work/mid_mem.csv" --memory 1G 2>"$work/stderr"
grep -q "0 runs" "$work/stderr" && ok "sort: a file that fits is sorted in memory (no runs)" || bad "sort in memory" "$(cat "$work/stderr")"
for cfg in "2M 1" "8M 2" "12M 3"; do
	set -- $cfg
	TMPDIR=$spill "$bin" sort --students "$work/mid.csv" --out "$work/mid_$1_$2.csv" --memory "$1" --threads "$2" 2>"$work/stderr"
	runs=$(sed -n 's/.*; \([0-9]*\) runs.*/\1/p' "$work/stderr")
	# more than one run, yet not a run per handful of records (a budget
	# shrunk by the duplicate set once degraded into that)
	if [ "${runs:-0}" -gt 5 ] && [ "${runs:-0}" -lt 400 ] && cmp -s "$work/mid_$1_$2.csv" "$work/mid_mem.csv"; then
		ok "sort --memory $1 --threads $2: $runs runs, same bytes as in memory"
	else
		bad "sort --memory $1 --threads $2" "$(cat "$work/stderr")"
	fi
done
# a low open-file limit forces merge passes
( ulimit -n 48; TMPDIR=$spill "$bin" sort --students "$work/mid.csv" --out "$work/mid_fd.csv" --memory 1M --threads 2 ) 2>"$work/stderr"
passes=$(sed -n 's/.* \([0-9]*\) merge passes.*/\1/p' "$work/stderr")
if [ "${passes:-0}" -ge 2 ] && cmp -s "$work/mid_fd.csv" "$work/mid_mem.csv"; then
	ok "sort with ulimit -n 48: $passes merge passes, same bytes"
else
	bad "sort with ulimit -n 48" "$(cat "$work/stderr")"
fi
# resident memory means nothing under AddressSanitizer (shadow memory)
if [ -z "${SSRFILL_SANITIZED:-}" ]; then
rss=$(TMPDIR=$spill /usr/bin/time -f %M "$bin" sort --quiet --students "$work/mid.csv" --out "$work/mid_rss.csv" --memory 8M 2>&1 >/dev/null | tail -1)
[ "$rss" -lt $(( (8 + 32) * 1024 )) ] && ok "sort --memory 8M peaks at ${rss} KB (< 8M + 32M)" || bad "sort --memory 8M peak RSS" "$rss KB"
fi
TMPDIR=$spill "$bin" run --quiet --students "$work/mid.csv" --orders "$work/mid_orders.csv" --out "$work/midrun_mem" --memory 1G
TMPDIR=$spill "$bin" run --quiet --students "$work/mid.csv" --orders "$work/mid_orders.csv" --out "$work/midrun_small" --memory 1M --threads 1
# run_diffs A B: the files of run folder B that differ from A's
run_diffs() {
	local f d=""
	for f in print/august.csv.zst print/winter.csv.zst print/elpac.csv.zst manifests/august.csv manifests/winter.csv \
		manifests/elpac.csv invoices/invoices.csv reports/distribution_school.csv rejects/students.csv; do
		cmp -s "$1/$f" "$2/$f" || d="$d $f"
	done
	echo "$d"
}
diffs=$(run_diffs "$work/midrun_mem" "$work/midrun_small")
[ -z "$diffs" ] && ok "run --memory 1M --threads 1 writes the same documents as in memory" || bad "run output depends on memory" "$diffs"
# every core: the same bytes for threads 1 to 4, the rejects file too, and
# the first row by input order kept when its duplicate comes 200,000 rows
# later (another batch, checked by another thread)
TMPDIR=$spill "$bin" sort --quiet --students "$work/mid.csv" --out "$work/mid_t1.csv" --rejects "$work/mid_t1_rej.csv" --memory 1G --threads 1
python3 - "$work/mid.csv" "$work/mid_dup.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8", errors="surrogateescape")))
head, body = rows[0], rows[1:]
late = [list(r) for r in body[:3000] if len(r) == len(head)]
for r in late:
    r[head.index("last_name")] = "Zzlate" + r[head.index("last_name")]
with open(sys.argv[2], "w", newline="", encoding="utf-8", errors="surrogateescape") as f:
    csv.writer(f, lineterminator="\n").writerows([head] + body + late)
PY
TMPDIR=$spill "$bin" sort --quiet --students "$work/mid_dup.csv" --out "$work/mid_dup_t1.csv" --rejects "$work/mid_dup_t1_rej.csv" --memory 1G --threads 1 --max-reject-rate 1
for cfg in "8M 2" "12M 3" "1G 4" "16M 4"; do
	set -- $cfg
	TMPDIR=$spill "$bin" sort --quiet --students "$work/mid.csv" --out "$work/mid_s.csv" --rejects "$work/mid_s_rej.csv" --force --memory "$1" --threads "$2"
	TMPDIR=$spill "$bin" sort --quiet --students "$work/mid_dup.csv" --out "$work/mid_dup_s.csv" --rejects "$work/mid_dup_s_rej.csv" --force --memory "$1" --threads "$2" --max-reject-rate 1
	if cmp -s "$work/mid_s.csv" "$work/mid_t1.csv" && cmp -s "$work/mid_s_rej.csv" "$work/mid_t1_rej.csv" &&
	   cmp -s "$work/mid_dup_s.csv" "$work/mid_dup_t1.csv" && cmp -s "$work/mid_dup_s_rej.csv" "$work/mid_dup_t1_rej.csv"; then
		ok "sort --memory $1 --threads $2: output and rejects the same bytes as --threads 1"
	else
		bad "sort --memory $1 --threads $2 differs from --threads 1"
	fi
done
late_dups=$(grep -c 'Zzlate' "$work/mid_dup_t1_rej.csv")
if [ "$late_dups" -ge 2900 ] && ! grep -q 'Zzlate' "$work/mid_dup_t1.csv" && cmp -s "$work/mid_dup_t1.csv" "$work/mid_t1.csv"; then
	ok "duplicates 200,000 rows later: the $late_dups later rows rejected, the first ones sorted"
else
	bad "duplicates far apart" "$late_dups late duplicates in the rejects"
fi
for t in 2 3 4; do
	TMPDIR=$spill "$bin" run --quiet --students "$work/mid.csv" --orders "$work/mid_orders.csv" --out "$work/midrun_t$t" --memory 16M --threads $t
	diffs=$(run_diffs "$work/midrun_mem" "$work/midrun_t$t")
	[ -z "$diffs" ] && ok "run --memory 16M --threads $t writes the same files as --memory 1G" || bad "run --threads $t differs" "$diffs"
done
if [ -z "${SSRFILL_SANITIZED:-}" ]; then
	# more threads than the budget affords: workers are capped, not the budget
	rss=$(TMPDIR=$spill /usr/bin/time -f %M "$bin" sort --quiet --students "$work/mid.csv" --out "$work/mid_rss.csv" --force --memory 2M --threads 64 2>&1 >/dev/null | tail -1)
	[ "$rss" -lt $(( (2 + 32) * 1024 )) ] && ok "sort --memory 2M --threads 64 peaks at ${rss} KB (< 2M + 32M)" || bad "sort --memory 2M --threads 64 peak RSS" "$rss KB"
	for t in 1 2 3 4; do
		rss=$(TMPDIR=$spill /usr/bin/time -f %M "$bin" sort --quiet --students "$work/mid.csv" --out "$work/mid_rss.csv" --force --memory 8M --threads $t 2>&1 >/dev/null | tail -1)
		[ "$rss" -lt $(( (8 + 32) * 1024 )) ] && ok "sort --memory 8M --threads $t peaks at ${rss} KB (< 8M + 32M)" || bad "sort --memory 8M --threads $t peak RSS" "$rss KB"
		rss=$(TMPDIR=$spill /usr/bin/time -f %M "$bin" run --quiet --students "$work/mid.csv" --orders "$work/mid_orders.csv" --out "$work/midrun_rss$t" --memory 8M --threads $t 2>&1 >/dev/null | tail -1)
		[ "$rss" -lt $(( (8 + 32) * 1024 )) ] && ok "run --memory 8M --threads $t peaks at ${rss} KB (< 8M + 32M)" || bad "run --memory 8M --threads $t peak RSS" "$rss KB"
	done
fi
if [ -z "${SSRFILL_SANITIZED:-}" ]; then
rss=$(TMPDIR=$spill /usr/bin/time -f %M "$bin" run --quiet --students "$work/mid.csv" --orders "$work/mid_orders.csv" --out "$work/midrun_rss" --memory 8M 2>&1 >/dev/null | tail -1)
[ "$rss" -lt $(( (8 + 32) * 1024 )) ] && ok "run --memory 8M peaks at ${rss} KB (< 8M + 32M)" || bad "run --memory 8M peak RSS" "$rss KB"
# A million rows with documents and ship-to addresses, whose sort buffers
# fill their share: summary.json's memory_bytes says what the run allocated
# at most (within the budget, but for a lane's next block and the
# buffers of its last flush: 4 MiB) and its peak resident size (within
# the budget + 32 MiB).  Before the budget counted the allocator's sizes,
# 16M allocated 24 MiB and 32M 39 MiB; the documents' fonts came on top.
"$bin" gen --quiet --rows 1000000 --seed 12 --out "$work/m1.csv" --orders "$work/m1_orders.csv" --leas "$work/m1_leas.csv"
for m in 16 32; do
	TMPDIR=$spill "$bin" run --quiet --students "$work/m1.csv" --orders "$work/m1_orders.csv" --leas "$work/m1_leas.csv" \
		--out "$work/m1run$m" --memory ${m}M --threads 2
	if python3 - "$work/m1run$m/summary.json" $m <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))["memory_bytes"]
budget = int(sys.argv[2]) << 20
print("     allocated %.1f MiB, resident %.1f MiB" % (m["allocated_peak"] / 2**20, m["resident_peak"] / 2**20))
sys.exit(0 if m["budget"] == budget and budget / 2 < m["allocated_peak"] <= budget + (4 << 20)
         and m["resident_peak"] <= budget + (32 << 20) else 1)
EOF
	then
		ok "run --memory ${m}M with documents on 1,000,000 rows: within the budget (summary.json memory_bytes)"
	else
		bad "run --memory ${m}M with documents on 1,000,000 rows: over the budget" "$(grep memory_bytes "$work/m1run$m/summary.json")"
	fi
done
rm -rf "$work"/m1*
fi
[ -z "$(ls -A "$spill")" ] && ok "spill folders are removed after every run" || bad "spill folders are removed" "$(ls -A "$spill")"
interrupted=0 leftover=""
for d in 0.05 0.15; do
	# env --default-signal: a script's background jobs start with SIGINT
	# ignored, and ssrfill, like sort, leaves an ignored signal ignored
	TMPDIR=$spill env --default-signal "$bin" sort --quiet --students "$work/mid.csv" --out "$work/mid_int.csv" --memory 1M --threads 1 &
	pid=$!
	sleep $d
	kill -INT $pid 2>/dev/null
	wait $pid
	if [ $? -gt 128 ]; then
		interrupted=$((interrupted + 1))
		leftover="$leftover$(ls -A "$spill")$(ls "$work"/mid_int* 2>/dev/null)"
	fi
	rm -f "$work/mid_int.csv"
done
[ $interrupted -gt 0 ] && [ -z "$leftover" ] && ok "SIGINT while spilling: no runs, no output left ($interrupted interrupted)" \
	|| bad "SIGINT while spilling" "interrupted $interrupted; left: $leftover"
expect "unwritable --tmpdir: exit 3" 3 "cannot create a temporary folder for sorted runs" -- \
	"$bin" sort --students "$work/mid.csv" --out "$work/mid_tmp.csv" --memory 1M --tmpdir /proc/nonexistent
[ ! -e "$work/mid_tmp.csv" ] && ok "unwritable --tmpdir: no output" || bad "unwritable --tmpdir: no output"

# --- signals: an interrupted run leaves no folder and no temporary files ---
"$bin" gen --quiet --rows 400000 --seed 3 --out "$work/big.csv" --orders "$work/big_orders.csv"
for sig in INT TERM; do
	env --default-signal "$bin" run --quiet --students "$work/big.csv" --orders "$work/big_orders.csv" --out "$work/sig" &
	pid=$!
	sleep 0.3
	kill -s $sig $pid
	wait $pid
	rc=$?
	left=$(ls -d "$work"/sig* 2>/dev/null)
	if [ $rc -gt 128 ] && [ -z "$left" ]; then ok "SIG$sig during run: nothing left behind"; else bad "SIG$sig during run" "exit $rc; left: $left"; fi
done

# --- an LEA with more orders than a page of them: every PO number is billed ----
python3 - "$work/po_orders.csv" <<'PY'
import sys
rows = ["lea_code,school_code,program,envelopes,paper_size,po_number,ordered_on,cancelled_on",
        "5550001,,CAASPP,N,11x17,PO-SJ-1,2019-05-01,"]
rows += [f"5550001,{1000 + i:07d},CAASPP,N,,PO-S-{i:03d},2019-05-02," for i in range(300)]
rows.append("5550002,,CAASPP,N,8.5x11,,2019-05-03,")
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
PY
"$bin" run --quiet --no-documents --students "$fx/run/docs/students.csv" --orders "$work/po_orders.csv" --out "$work/po_run"
got=$(python3 -c "import csv,sys; r=[x for x in csv.DictReader(open(sys.argv[1])) if x['lea_code']=='5550001']; p=r[0]['po_numbers'].split('; '); print(len(p), p[0], p[-1])" "$work/po_run/invoices/invoices.csv" 2>&1)
[ "$got" = "301 PO-SJ-1 PO-S-299" ] && ok "an LEA with 301 orders: its invoice lists all 301 PO numbers" || bad "PO numbers of 301 orders" "$got"

echo "e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]
