#!/usr/bin/env bash
# Messages about inputs, codes and dates (issue 19, Helper B): what a user
# who gives ssrfill the wrong file, separator or encoding is told, and that
# it names the file, line and column and says what to do; codes of the
# orders and configuration in any case, kept canonical downstream; a date
# that is not YYYY-MM-DD says what is expected and the run's warning names
# the first rejected order row.  Every input here is synthetic.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_messages.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
bin=${SSRFILL:-$top/ssrfill}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e-messages.XXXXXX")
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
check() { if [ "$2" = 0 ]; then ok "$1"; else bad "$1" "${3:-}"; fi; }
export SOURCE_DATE_EPOCH=1561939200   # 2019-07-01: the documents' date is fixed
rr=$top/fixtures/run/rules
S=$rr/students.csv
O=$rr/orders.csv
fx=$top/fixtures/bad

# refused NAME EXIT PATTERN -- CMD...: CMD exits EXIT, stderr matches the
# extended regex PATTERN, and holds no student's name or ssid
refused() {
	local name=$1 want=$2 pat=$3
	shift 4
	"$@" >"$work/out" 2>"$work/err"
	local rc=$?
	if [ $rc != "$want" ]; then
		bad "$name" "exit $rc, wanted $want: $(cat "$work/err")"
	elif ! grep -qE -- "$pat" "$work/err"; then
		bad "$name" "stderr lacks /$pat/: $(cat "$work/err")"
	elif grep -qE 'Abernathy|Amelia|Bartholomew|2100000001|Rosalind' "$work/err"; then
		bad "$name" "student data on stderr: $(cat "$work/err")"
	else
		ok "$name"
	fi
}

# ---- magic numbers: what the file is and what to do ---------------------------
gzip -c "$S" >"$work/students.csv.gz"
refused "gzip as --students (sort): named, with gunzip and zstd" 1 \
	"students\.csv\.gz: this is a gzip-compressed file, not CSV in UTF-8: decompress it with gunzip, or recompress it with zstd, which ssrfill reads" -- \
	"$bin" sort --students "$work/students.csv.gz" --out "$work/s.csv"
refused "gzip as --students (run)" 1 "students\.csv\.gz: this is a gzip-compressed file" -- \
	"$bin" run --quiet --students "$work/students.csv.gz" --orders "$O" --out "$work/r"
gzip -c "$O" >"$work/orders.csv.gz"
refused "gzip as --orders (run)" 1 "orders\.csv\.gz: this is a gzip-compressed file" -- \
	"$bin" run --quiet --students "$S" --orders "$work/orders.csv.gz" --out "$work/r"
refused "gzip on standard input" 1 "standard input: this is a gzip-compressed file" -- \
	"$bin" sort --students - --out "$work/s.csv" <"$work/students.csv.gz"
[ ! -e "$work/s.csv" ] && [ ! -e "$work/r" ]
check "a refused file leaves no output" $?
# a workbook as Excel writes it: a zip whose first member is [Content_Types].xml
python3 - "$S" "$work/students.xlsx" "$work/students.ods" "$work/students.zip" <<'PY'
import sys, zipfile
src, xlsx, ods, zp = sys.argv[1:5]
with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", "<?xml version='1.0'?><Types/>")
    z.writestr("xl/workbook.xml", "<workbook/>")
with zipfile.ZipFile(ods, "w") as z:
    z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
    z.writestr("content.xml", "<office:document-content/>")
with zipfile.ZipFile(zp, "w", zipfile.ZIP_DEFLATED) as z:
    z.write(src, "students.csv")
PY
refused "xlsx as --students: an Excel workbook, export it as CSV UTF-8" 1 \
	"students\.xlsx: this is an Excel workbook \(\.xlsx\), not CSV in UTF-8: export it as CSV UTF-8" -- \
	"$bin" sort --students "$work/students.xlsx" --out "$work/s.csv"
refused "xlsx as --orders" 1 "students\.xlsx: this is an Excel workbook" -- \
	"$bin" run --quiet --students "$S" --orders "$work/students.xlsx" --out "$work/r"
refused "ods as --students: an OpenDocument spreadsheet" 1 "students\.ods: this is an OpenDocument spreadsheet" -- \
	"$bin" sort --students "$work/students.ods" --out "$work/s.csv"
refused "zip of a CSV: unzip it" 1 "students\.zip: this is a zip archive, not CSV in UTF-8: unzip it" -- \
	"$bin" sort --students "$work/students.zip" --out "$work/s.csv"
bzip2 -c "$S" >"$work/students.csv.bz2" 2>/dev/null && refused "bzip2 as --students" 1 \
	"students\.csv\.bz2: this is a bzip2-compressed file.*bunzip2" -- \
	"$bin" sort --students "$work/students.csv.bz2" --out "$work/s.csv"
xz -c "$S" >"$work/students.csv.xz" 2>/dev/null && refused "xz as --students" 1 \
	"students\.csv\.xz: this is an xz-compressed file.*unxz" -- \
	"$bin" sort --students "$work/students.csv.xz" --out "$work/s.csv"
iconv -f utf-8 -t utf-16 "$S" >"$work/students16.csv"
refused "UTF-16 (with its BOM): iconv -f utf-16" 1 \
	"students16\.csv: this is UTF-16 text .*iconv -f utf-16 -t utf-8 IN > OUT" -- \
	"$bin" sort --students "$work/students16.csv" --out "$work/s.csv"
gzip -c "$rr/../docs/docs.ini" >"$work/c.ini.gz"
refused "gzip as --config" 1 "c\.ini\.gz: this is a gzip-compressed file, not an INI configuration" -- \
	"$bin" config --config "$work/c.ini.gz"
printf '[shipper]\nname = Caf\xe9 Fulfilment\n' >"$work/latin1.ini"
refused "a Latin-1 configuration value: line and iconv" 1 \
	"latin1\.ini: line 2: name is not UTF-8 text; it looks like Latin-1 \(ISO-8859-1\) text: convert the file to UTF-8 with iconv -f latin1 -t utf-8 IN > OUT" -- \
	"$bin" run --quiet --students "$S" --orders "$O" --config "$work/latin1.ini" --out "$work/r"
# zstd is read, not refused
zstd -q -c "$S" >"$work/students.csv.zst"
"$bin" sort --quiet --students "$work/students.csv.zst" --out "$work/z.csv" --max-reject-rate 1 2>"$work/err"
check "a zstd file is still read" $? "$(cat "$work/err")"

# ---- another separator -----------------------------------------------------------
refused "';'-separated score reports: separated by ';' not ','" 1 \
	"semicolon\.csv: line 1: the file is separated by ';' not ',': column 1 of the header holds the names ssid, lea_code" -- \
	"$bin" sort --students "$fx/semicolon.csv" --out "$work/s.csv"
tr ',' ';' <"$O" >"$work/orders_semicolon.csv"
refused "';'-separated orders (run)" 1 \
	"orders_semicolon\.csv: line 1: the file is separated by ';' not ','.*CSV UTF-8 \(Comma delimited\)" -- \
	"$bin" run --quiet --students "$S" --orders "$work/orders_semicolon.csv" --out "$work/r"
tr ',' '\t' <"$O" >"$work/orders.tsv"
refused "tab-separated orders: separated by tabs" 1 "orders\.tsv: line 1: the file is separated by tabs not ','" -- \
	"$bin" run --quiet --students "$S" --orders "$work/orders.tsv" --out "$work/r"

# ---- the wrong file in the wrong place -------------------------------------------
refused "score reports as --orders: is it --students?" 1 \
	"students\.csv: line 1: missing required column\(s\): program, ordered_on; this looks like a score reports file \(it has ssid, lea_code, .*\): is it --students\?" -- \
	"$bin" run --quiet --students "$S" --orders "$S" --out "$work/r"
refused "orders as --students (sort): is it --orders?" 1 \
	"orders\.csv: line 1: missing required column\(s\): ssid, grade, last_name, first_name, report; this looks like an orders file \(it has lea_code, school_code, program, .*\): is it --orders\?" -- \
	"$bin" sort --students "$O" --out "$work/s.csv"
cat >"$work/leas.csv" <<'EOF'
lea_code,ship_to_name,attention,address1,address2,city,state,zip,phone
1111111,Alpha Unified District Office,Testing Coordinator,100 Example Road,,Fresno,CA,93701,(559) 555-0100
2222222,Beta Unified District Office,,200 Example Avenue,Suite 2,Oakland,CA,94601,
EOF
refused "LEA directory as --orders: is it --leas?" 1 \
	"leas\.csv: line 1: missing required column\(s\): program, ordered_on; this looks like an LEA directory \(it has lea_code, ship_to_name, .*\): is it --leas\?" -- \
	"$bin" run --quiet --students "$S" --orders "$work/leas.csv" --out "$work/r"
refused "LEA directory as --students: is it --leas?" 1 "leas\.csv: line 1: .*this looks like an LEA directory .*is it --leas\?" -- \
	"$bin" sort --students "$work/leas.csv" --out "$work/s.csv"
refused "score reports as --leas: is it --students?" 1 \
	"students\.csv: line 1: missing required column\(s\): ship_to_name, address1.*this looks like a score reports file .*is it --students\?" -- \
	"$bin" run --quiet --students "$S" --orders "$O" --leas "$S" --out "$work/r"
refused "orders as --leas: is it --orders?" 1 "orders\.csv: line 1: .*this looks like an orders file .*is it --orders\?" -- \
	"$bin" run --quiet --students "$S" --orders "$O" --leas "$O" --out "$work/r"
printf 'line,reason,raw\n' >"$work/rejects.csv"
refused "a rejects file as --students: give the input itself" 1 \
	"rejects\.csv: line 1: .*this looks like a rejects file ssrfill wrote \(it has line, reason, raw\): give the input file itself" -- \
	"$bin" sort --students "$work/rejects.csv" --out "$work/s.csv"
refused "a file without its header line: put the header first" 1 \
	"no_header\.csv: line 1: missing required column\(s\): .*the first line looks like a row of data, not a header" -- \
	"$bin" sort --students "$fx/no_header.csv" --out "$work/s.csv"
refused "orders as --config: looks like CSV, not INI" 1 \
	"orders\.csv: line 1: not a \[section\] header, a key = value pair or a comment; this looks like a CSV file, not an INI configuration: is it meant for --students, --orders or --leas\?" -- \
	"$bin" config --config "$O"

# ---- Latin-1 / Windows-1252 --------------------------------------------------------
refused "Latin-1 header: line, column and iconv" 1 \
	"latin1_header\.csv: line 1, column [0-9]+: the header is not UTF-8 text; it looks like Latin-1 \(ISO-8859-1\) text: convert the file to UTF-8 with iconv -f latin1 -t utf-8 IN > OUT" -- \
	"$bin" sort --students "$fx/latin1_header.csv" --out "$work/s.csv"
# the file converted as the message says reads
iconv -f latin1 -t utf-8 "$fx/latin1_header.csv" >"$work/latin1_header_utf8.csv"
"$bin" sort --quiet --students "$work/latin1_header_utf8.csv" --out "$work/l.csv" --force --max-reject-rate 1 2>"$work/err"
check "the header converted with the iconv command given reads" $? "$(cat "$work/err")"
"$bin" sort --quiet --students "$fx/latin1_rows.csv" --out "$work/l.csv" --force --rejects "$work/l.rej.csv" \
	--max-reject-rate 1 2>"$work/err"
rc=$?
python3 - "$work/l.rej.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", errors="surrogateescape", newline="")))[1:]
want = "column 7 (last_name): invalid UTF-8; it looks like Latin-1 (ISO-8859-1) text: convert the file to UTF-8 with iconv -f latin1 -t utf-8 IN > OUT"
assert [r[0] for r in rows] == ["2", "4", "6"], [r[0] for r in rows]
for r in rows:
    assert r[1] == want, r[1]
PY
r=$?
[ $rc = 0 ] && [ $r = 0 ] && ! grep -qE 'iconv|M.ller|Nu.ez' "$work/err"
check "Latin-1 rows: each reject reason says to convert with iconv (in the rejects file, not on stderr)" $? "exit $rc: $(cat "$work/err")"
# ... and the warning about them says so once, with the first line, and no row
"$bin" sort --students "$fx/latin1_rows.csv" --out "$work/l.csv" --force --max-reject-rate 1 2>"$work/err"
grep -qF 'ssrfill sort: warning: '"$fx"'/latin1_rows.csv: 3 rows rejected for not being UTF-8, the first on line 2: it looks like Latin-1 (ISO-8859-1) text: convert the file to UTF-8 with iconv -f latin1 -t utf-8 IN > OUT' "$work/err" &&
	[ "$(grep -c iconv "$work/err")" = 1 ] && ! grep -qE 'M.ller|Nu.ez' "$work/err"
check "Latin-1 rows: sort warns once how many, the first line and the iconv command" $? "$(cat "$work/err")"
"$bin" sort --students "$fx/latin1_rows.csv" --out "$work/l.csv" --force 2>"$work/err"
rc=$?
[ $rc = 1 ] && grep -q 'more than --max-reject-rate.*; 3 rows rejected for not being UTF-8, the first on line 2: .*iconv -f latin1 -t utf-8' "$work/err"
check "Latin-1 rows over the reject rate: the refusal says to convert with iconv" $? "exit $rc: $(cat "$work/err")"
"$bin" run --no-documents --students "$fx/latin1_rows.csv" --orders "$O" --out "$work/rl1" --max-reject-rate 1 2>"$work/err"
rc=$?
[ $rc = 0 ] && grep -qF 'ssrfill run: warning: '"$fx"'/latin1_rows.csv: 3 rows rejected for not being UTF-8, the first on line 2: it looks like Latin-1' "$work/err" &&
	grep -q 'iconv -f latin1 -t utf-8' "$work/rl1/summary.json"
check "Latin-1 rows: run warns with the iconv command, in summary.json too" $? "exit $rc: $(cat "$work/err")"
# Windows-1252 curly quotes in an orders row's po_number
{ head -1 "$O"; printf '1111111,,CAASPP,Y,8.5x11,\x93PO-A1\x94,2019-05-01,\n'; } >"$work/orders_1252.csv"
"$bin" run --students "$S" --orders "$work/orders_1252.csv" --out "$work/r1252" --max-reject-rate 1 2>"$work/err"
rc=$?
grep -q '^2,column 6 (po_number): invalid UTF-8; it looks like Windows-1252 text: convert the file to UTF-8 with iconv -f windows-1252 -t utf-8 IN > OUT,' \
	"$work/r1252/rejects/orders.csv" &&
	grep -q 'orders_1252.csv: 1 of 1 order rows rejected, the first on line 2: column 6 (po_number): invalid UTF-8; it looks like Windows-1252' "$work/err"
check "Windows-1252 orders row: reason and warning say iconv -f windows-1252" $? "exit $rc: $(cat "$work/err"; cat "$work/r1252/rejects/orders.csv" 2>/dev/null)"

# ---- codes in any case, canonical downstream ---------------------------------------
sed -e 's/,CAASPP,/,caaspp,/; 3s/,CAASPP,/,Caaspp,/; s/,ELPAC,/,elpac,/' \
    -e 's/,Y,/,y,/; s/,N,/,n,/; s/,8\.5x11,/,8.5X11,/; s/,11x17,/,11X17,/' "$O" >"$work/orders_lower.csv"
grep -q 'caaspp' "$work/orders_lower.csv" && grep -q '8.5X11' "$work/orders_lower.csv" && grep -q '11X17' "$work/orders_lower.csv" &&
	grep -q ',elpac,' "$work/orders_lower.csv" && grep -q ',y,' "$work/orders_lower.csv"
check "the lower-case orders file has lower-case codes and sizes" $?
"$bin" run --quiet --students "$S" --orders "$O" --out "$work/canon" --max-reject-rate 1 2>"$work/canon.err"
rc1=$?
"$bin" run --quiet --students "$S" --orders "$work/orders_lower.csv" --out "$work/lower" --max-reject-rate 1 2>"$work/lower.err"
rc2=$?
[ $rc1 = 0 ] && [ $rc2 = 0 ]
check "runs with canonical and lower-case codes both succeed" $? "$rc1 $rc2: $(cat "$work/canon.err" "$work/lower.err")"
same_out=0
for f in print/august.csv.zst print/winter.csv.zst print/elpac.csv.zst; do
	cmp -s <(zstd -dc "$work/canon/$f") <(zstd -dc "$work/lower/$f") || { same_out=1; echo "     $f differs"; }
done
for f in manifests/august.csv manifests/winter.csv manifests/elpac.csv invoices/invoices.csv \
	reports/orders_without_reports.csv reports/distribution_lea.csv; do
	cmp -s "$work/canon/$f" "$work/lower/$f" || { same_out=1; echo "     $f differs"; }
done
# the rejected rows are the same lines for the same reasons (raw is as written)
cmp -s <(cut -d, -f1-2 "$work/canon/rejects/orders.csv") <(cut -d, -f1-2 "$work/lower/rejects/orders.csv") ||
	{ same_out=1; echo "     rejects/orders.csv: other lines or reasons"; }
check "caaspp, elpac, y, n, 8.5X11, 11X17: the same print streams, manifests, invoices and rejects" $same_out
python3 - "$work/canon/summary.json" "$work/lower/summary.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("active", "cancelled", "rejected", "warnings"):
    assert a["orders"][k] == b["orders"][k], (k, a["orders"], b["orders"])
assert a["shipments"] == b["shipments"]
assert a["invoices"] == b["invoices"]
PY
check "summary.json: the same orders counts, shipments and invoices" $?
oracle_py "$top/tests/oracle_run.py" "$S" "$work/orders_lower.csv" "$work/lower" >"$work/oracle.txt" 2>&1
check "the oracle (docs/rules.md in Python) agrees with the lower-case run" $? "$(tail -5 "$work/oracle.txt")"
sed 's/^[^:]*: //' "$work/canon.err" >"$work/canon.w"; sed 's/^[^:]*: //' "$work/lower.err" >"$work/lower.w"
cmp -s "$work/canon.w" "$work/lower.w"
check "the same warnings" $? "$(diff "$work/canon.w" "$work/lower.w")"
# the configuration
printf '[Shipper]\nNAME = Example Fulfilment\naddress1 = 1 Example Way\ncity = Sacramento\nState = ca\nzip = 95814\n[CAASPP]\nAvailable = YES\nlanguages = es vi zh fil\n' >"$work/lower.ini"
"$bin" config --config "$work/lower.ini" >"$work/lower.ini.out" 2>"$work/err"
rc=$?
[ $rc = 0 ] && grep -q '^state = CA$' "$work/lower.ini.out" && grep -q '^available = yes$' "$work/lower.ini.out" &&
	grep -q '^languages = ES VI ZH FIL$' "$work/lower.ini.out"
check "config: state = ca, YES, es vi read and printed canonical" $? "exit $rc: $(cat "$work/err" "$work/lower.ini.out")"
"$bin" run --quiet --students "$S" --orders "$O" --config "$work/lower.ini" --out "$work/cfg" --max-reject-rate 1 2>"$work/err"
rc=$?
pdftotext "$work/cfg/labels/august.pdf" - 2>/dev/null | grep -q 'Sacramento, CA 95814'
check "run with state = ca: the labels' return address says CA" $? "exit $rc: $(cat "$work/err")"

# ---- dates -------------------------------------------------------------------------
{ head -1 "$O"; sed -n '2,3p' "$O"; printf '6666666,,CAASPP,N,,PO-F1,2019/05/01,\n7777777,,CAASPP,N,,PO-G1,05/01/2019,\n'; } >"$work/orders_dates.csv"
"$bin" run --students "$S" --orders "$work/orders_dates.csv" --out "$work/rd" --max-reject-rate 1 2>"$work/err"
rc=$?
python3 - "$work/rd/rejects/orders.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))[1:]
want = "column 7 (ordered_on): must be a date written YYYY-MM-DD, like 2019-05-01 (not with '/' or '.', not month first)"
assert [(r[0], r[1]) for r in rows] == [("4", want), ("5", want)], rows
PY
check "2019/05/01 and 05/01/2019: the reject reason says YYYY-MM-DD" $? "exit $rc: $(cat "$work/rd/rejects/orders.csv" 2>/dev/null)"
grep -qE "orders_dates\.csv: 2 of 4 order rows rejected, the first on line 4: column 7 \(ordered_on\): must be a date written YYYY-MM-DD, like 2019-05-01 .*\(every reason in rejects/orders\.csv\)" "$work/err"
check "the run's warning names the first rejected line and its reason" $? "exit $rc: $(cat "$work/err")"
python3 - "$work/rd/summary.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert any("the first on line 4: column 7 (ordered_on)" in w for w in d["warnings"]), d["warnings"]
PY
check "summary.json's warnings carry the same line" $?

echo "e2e_messages: $pass passed, $fail failed"
[ $fail = 0 ]
