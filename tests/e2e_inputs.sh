#!/usr/bin/env bash
# Inputs that are fine but were refused or misread (issue 12, items 4-8
# and 11): pzstd files (a skippable frame first) and zstd --long windows;
# a BOM inside a header name; misspelt optional columns warned with the
# closest known name and listed in summary.json; orders that cover no score
# report row; envelope sets without a mailing address; summary.json's
# overall.leas and orders.warnings.  Fixtures: fixtures/inputs/.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_inputs.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
bin=${SSRFILL:-$top/ssrfill}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
fx=$top/fixtures/inputs
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e-inputs.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
same() { # name got want: the files are equal
	if cmp -s "$2" "$3"; then ok "$1"; else bad "$1" "$(diff "$2" "$3" 2>&1)"; fi
}
# run NAME CODE -- args...: `ssrfill run` into $work/NAME, stderr kept
run() {
	local name=$1 code=$2; shift 3
	"$bin" run --no-documents --threads 1 --out "$work/$name" "$@" 2>"$work/$name.err"
	local rc=$?
	if [ "$rc" = "$code" ]; then ok "$name: exit $code"; else bad "$name: exit $rc, wanted $code" "$(head -c 1500 "$work/$name.err")"; fi
}
has() { # name file pattern: the file holds a line matching the pattern
	if grep -qE -- "$3" "$2" 2>/dev/null; then ok "$1"; else bad "$1" "$(head -c 1500 "$2" 2>&1)"; fi
}
lacks() {
	if grep -qE -- "$3" "$2" 2>/dev/null; then bad "$1" "$(grep -E -- "$3" "$2" | head -5)"; else ok "$1"; fi
}
json() { # name summary.json python-expression (j = the summary) expected
	local got
	got=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2])))' "$2" "$3" 2>&1)
	if [ "$got" = "$4" ]; then ok "$1"; else bad "$1" "got $got, wanted $4"; fi
}
S=$fx/students.csv O=$fx/orders.csv

# ---- item 4: pzstd files and --long windows
run plain 0 -- --students "$S" --orders "$O"
if command -v pzstd >/dev/null; then
	pzstd -q -c "$S" >"$work/s.pzst"
	run pzstd 0 -- --students "$work/s.pzst" --orders "$O"
	if cmp -s <(zstd -dc "$work/pzstd/print/august.csv.zst") <(zstd -dc "$work/plain/print/august.csv.zst"); then
		ok "pzstd: the same print stream as the plain file"
	else
		bad "pzstd: the print stream differs from the plain file's"
	fi
	"$bin" sort --students "$work/s.pzst" --out "$work/sorted_pzstd.csv" 2>"$work/sortp.err" \
		&& ok "sort reads a pzstd file" || bad "sort reads a pzstd file" "$(cat "$work/sortp.err")"
fi
# a skippable frame between two frames, and a file that is only one
{ zstd -q -c "$S"; printf '\x5e\x2a\x4d\x18\x03\x00\x00\x00abc'; } >"$work/s.skip.zst"
run skip_mid 0 -- --students "$work/s.skip.zst" --orders "$O"
# streamed through a pipe, zstd --long=30 does not know the size: a 1 GiB window
cat "$S" | zstd -q --long=30 -c >"$work/s.long30.zst"
run long30 0 -- --students "$work/s.long30.zst" --orders "$O" --memory 1G
run long30_small_budget 1 -- --students "$work/s.long30.zst" --orders "$O" --memory 256M
has "long30 at 256M: says it needs a 1024 MiB window" "$work/long30_small_budget.err" \
	"s.long30.zst: the zstd stream needs a decoding window of 1024 MiB, more than the limit of 256 MiB"
# a frame header asking for a 4 GiB window (windowLog 32), beyond zstd --long=31
printf '\x28\xb5\x2f\xfd\x00\xb0\x09\x00\x00x' >"$work/s.win32.zst"
run win32 1 -- --students "$work/s.win32.zst" --orders "$O" --memory 8G
has "win32: names the window and the limit" "$work/win32.err" \
	"needs a decoding window of 4096 MiB, more than the limit of 2048 MiB"

# ---- item 5: a BOM inside a header name
run bom_in_name 0 -- --students "$fx/students_bom_in_name.csv" --orders "$O"
has "bom_in_name: warned, naming the column" "$work/bom_in_name.err" \
	'students_bom_in_name.csv: line 1: column 2 \(lea_code\): a byte order mark \(U\+FEFF\) in the name is ignored'
if cmp -s <(zstd -dc "$work/bom_in_name/print/august.csv.zst") <(zstd -dc "$work/plain/print/august.csv.zst"); then
	ok "bom_in_name: the same print stream as the plain file"
else
	bad "bom_in_name: the print stream differs"
fi

# ---- item 6: misspelt optional columns
run misspelt 0 -- --students "$fx/students_misspelt.csv" --orders "$fx/orders_misspelt.csv"
e=$work/misspelt.err
has "misspelt: ssr_lang" "$e" 'students_misspelt.csv: line 1: column 11 "ssr_lang" is not a column ssrfill knows and is ignored \(did you mean ssr_language\?\)'
has "misspelt: paper-ssr" "$e" 'column 12 "paper-ssr" is not a column ssrfill knows and is ignored \(did you mean paper_ssr\?\)'
has "misspelt: address1" "$e" 'column 14 "address1" .*\(did you mean address_line1\?\)'
has "misspelt: notes, nothing close" "$e" 'column 19 "notes" is not a column ssrfill knows and is ignored$'
has "misspelt: orders' PO Numbr" "$e" 'orders_misspelt.csv: line 1: column 6 "PO Numbr" .*\(did you mean po_number\?\)'
json "misspelt: summary.json unknown_columns" "$work/misspelt/summary.json" \
	'[[u["file"].split("/")[-1], u["column"], u["name"], u["did_you_mean"]] for u in j["unknown_columns"]]' \
	'[["students_misspelt.csv", 11, "ssr_lang", "ssr_language"], ["students_misspelt.csv", 12, "paper-ssr", "paper_ssr"], ["students_misspelt.csv", 14, "address1", "address_line1"], ["students_misspelt.csv", 19, "notes", null], ["orders_misspelt.csv", 6, "PO Numbr", "po_number"]]'
json "plain: no unknown columns" "$work/plain/summary.json" 'j["unknown_columns"]' '[]'
"$bin" sort --students "$fx/students_misspelt.csv" --out "$work/sorted.csv" 2>"$work/sort.err"
has "sort warns too" "$work/sort.err" 'ssrfill sort: warning: .*column 12 "paper-ssr" .*did you mean paper_ssr'

# ---- item 7: orders that cover no score report row
w=$work/plain
printf '%s\n' 'line,lea_code,school_code,program,po_number,reason' \
	'3,1111112,,CAASPP,PO-TYPO,no score report rows for this LEA' \
	'4,2222222,2999999,CAASPP,PO-B9,no score report rows for this school' \
	'5,2222222,,ELPAC,PO-B2,no ELPAC score report rows for this LEA' >"$work/want_orders.csv"
same "orders_without_reports.csv" "$w/reports/orders_without_reports.csv" "$work/want_orders.csv"
has "orders without reports: warned" "$work/plain.err" \
	'orders.csv: line 3: the CAASPP order of LEA 1111112 covers no score report row \(no score report rows for this LEA\)'
json "orders without reports: summary.json" "$w/summary.json" 'j["orders"]["without_reports"]' '3'

# ---- item 8: envelope sets without a mailing address
printf '%s\n' 'shipment,box_id,seq,lea_code,school_code,grade,ssid,report,last_name,first_name,missing' \
	'august,august-1111111-0001,3,1111111,1000001,05,2100000002,SB,Bartholomew,Benedict,address_line1 city state zip' \
	>"$work/want_env.csv"
same "envelopes_without_address.csv" "$w/reports/envelopes_without_address.csv" "$work/want_env.csv"
has "envelopes without address: warned" "$work/plain.err" \
	'1 set goes into envelopes without a complete mailing address \(listed in reports/envelopes_without_address.csv\)'
json "envelopes without address: summary.json" "$w/summary.json" 'j["overall"]["envelope_sets_without_address"]' '1'
lacks "no SSID or name on standard error" "$work/plain.err" '2100000002|Bartholomew|Benedict'
lacks "no SSID or name in summary.json" "$w/summary.json" '2100000002|Bartholomew|Benedict'

if oracle_py "$top/tests/oracle_run.py" "$S" "$O" "$w" >"$work/oracle.txt" 2>&1; then
	ok "the oracle agrees (both reports, overall.leas)"
else
	bad "the oracle agrees" "$(tail -15 "$work/oracle.txt")"
fi

# ---- item 11: summary.json counts
json "overall.leas counts distinct LEAs" "$w/summary.json" 'j["overall"]["leas"]' '2'
json "orders.warnings agrees with the orders file's warnings" "$w/summary.json" \
	'j["orders"]["warnings"] == len([x for x in j["warnings"] if x.startswith(j["orders"]["file"] + ":")])' 'true'
json "orders.warnings: three orders and their total" "$w/summary.json" 'j["orders"]["warnings"]' '4'

echo "e2e_inputs: $pass passed, $fail failed"
[ "$fail" = 0 ]
