#!/usr/bin/env bash
# Honest mistakes that must not give a wrong result without a word (issue
# 12, items 9, 10 and 12): a --tmpdir that cannot be used is found at the
# start, not when the big file first spills; config values outside a sane
# range are refused naming the line; a long comment is fine; a --memory
# too large says so; and names that a spreadsheet would run as formulas are
# neutralised in the operator's CSVs, while the print stream keeps them
# byte for byte.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_mistakes.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
bin=${SSRFILL:-$top/ssrfill}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e-mistakes.XXXXXX")
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
check() { if [ "$2" = 0 ]; then ok "$1"; else bad "$1" "${3:-}"; fi; }
rr=$top/fixtures/run/rules
rej=$top/fixtures/sort/rejects/students.csv

# ---- 9. --tmpdir checked at the start ---------------------------------------
for t in "$work/none" "$rr/students.csv"; do
	"$bin" sort --quiet --students "$rej" --out "$work/s.csv" --tmpdir "$t" --max-reject-rate 1 2>"$work/err"; rc=$?
	[ $rc = 3 ] && [ ! -e "$work/s.csv" ] && grep -q -- "--tmpdir $t: cannot create a temporary folder" "$work/err"
	r=$?; check "sort with an unusable --tmpdir (${t##*/}) fails at the start, even in memory" $r "exit $rc: $(cat "$work/err")"
	"$bin" run --quiet --students "$rr/students.csv" --orders "$rr/orders.csv" --max-reject-rate 0.5 \
		--out "$work/r" --tmpdir "$t" 2>"$work/err"; rc=$?
	[ $rc = 3 ] && [ ! -e "$work/r" ] && grep -q -- "--tmpdir" "$work/err"
	r=$?; check "run with an unusable --tmpdir (${t##*/}) fails at the start" $r "exit $rc: $(cat "$work/err")"
done

# ---- 10. config ranges, long comments, --memory too large --------------------
cfg() { printf '%b' "$1" >"$work/c.ini"; "$bin" config --config "$work/c.ini" >/dev/null 2>"$work/err"; }
cfg '[box]\nletter_sheet_mg = 0\n'; rc=$?
[ $rc = 1 ] && grep -q 'line 2: letter_sheet_mg 0 mg is out of range' "$work/err"
check "a 0 mg sheet is refused naming the line and the range" $? "exit $rc: $(cat "$work/err")"
cfg '[box]\nmax_gross_mg = 1000000000000\n'; rc=$?
[ $rc = 1 ] && grep -q 'max_gross_mg .* out of range' "$work/err"
check "a 1,000-tonne box is refused" $? "exit $rc: $(cat "$work/err")"
long=$(printf '%0300d' 0)
cfg "; $long\n[box]\n# $long\ntare_mg = 450000 ; $long\n"; rc=$?
check "comment lines over 199 bytes are fine" $rc "$(cat "$work/err")"
"$bin" sort --students "$rej" --out "$work/s.csv" --memory 99999999999T 2>"$work/err"; rc=$?
[ $rc = 2 ] && grep -q 'too large' "$work/err"
check "--memory 99999999999T says it is too large" $? "exit $rc: $(cat "$work/err")"

# ---- 12. formulas neutralised in the operator's CSVs -------------------------
python3 - "$rr/students.csv" "$work/evil.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
h = rows[0]
for r in rows[1:]:
    if r[h.index("lea_name")] == "Alpha Unified":
        r[h.index("lea_name")] = "@SUM(1+1)"
        r[h.index("school_name")] = "+Alpha Elem"
        r[h.index("last_name")] = "=cmd|' /C calc'!A0"
        r[h.index("first_name")] = "-Amy"
w = csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n")
w.writerows(rows)
PY
"$bin" run --quiet --no-documents --students "$work/evil.csv" --orders "$rr/orders.csv" --max-reject-rate 0.5 \
	--out "$work/evil" 2>"$work/err"
check "run on names that look like formulas" $? "$(cat "$work/err")"
python3 - "$work/evil" <<'PY' >"$work/cells"
import csv, glob, sys, os
d = sys.argv[1]
for f in sorted(glob.glob(d + "/manifests/*.csv") + glob.glob(d + "/reports/*.csv") + [d + "/invoices/invoices.csv"]):
    for r in list(csv.reader(open(f, newline="")))[1:]:
        for c in r:
            if c[:1] in ("=", "+", "-", "@", "\t", "\r"):
                print(os.path.relpath(f, d), repr(c))
            if c.startswith("'") and c[1:2] in ("=", "+", "-", "@"):
                print("NEUTRAL", os.path.relpath(f, d), repr(c))
PY
! grep -qv '^NEUTRAL' "$work/cells" && grep -q "NEUTRAL manifests/august.csv \"'=cmd" "$work/cells" &&
	grep -q "NEUTRAL reports/distribution_lea.csv \"'@SUM" "$work/cells"
check "manifests and reports hold no cell a spreadsheet would run" $? "$(cat "$work/cells")"
zstd -dc "$work/evil/print/august.csv.zst" | grep -qF ",=cmd|' /C calc'!A0," &&
	zstd -dc "$work/evil/print/august.csv.zst" | grep -qF ",-Amy,"
check "the print stream keeps the names byte for byte" $?

echo "e2e_mistakes: $pass passed, $fail failed"
[ $fail = 0 ]
