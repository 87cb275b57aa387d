#!/usr/bin/env bash
# Invoices end to end (issue 17; docs/rules.md §11, §16.4), on small inputs
# written here:
# - a line per (item, envelopes, order): each line's po_number is the PO of
#   the order that printed its sets (a school's own order, the LEA-wide
#   one), never another PO of the LEA; sets parents ordered individually
#   (paper_ssr = Y) are lines of their own (ordered_by parent, no PO); the
#   whole invoices.csv as expected, and the independent oracle agrees;
# - with --leas the bill-to is the directory's row (name, attention,
#   address, city, state, ZIP, phone) with the LEA code; an LEA the
#   directory lacks is billed to its name and code, as without --leas;
# - the invoice date is --invoice-date, else the documents' date
#   (SOURCE_DATE_EPOCH); the due date is [billing] terms_days later (45,
#   the default 30 across a leap February); the PDF says Date, Terms
#   "Net N", Due, REMIT TO from [shipper], and each line's order and PO;
# - an LEA with 45 school orders gets a line per order over several pages
#   ("Page 2 of n", the table's head again), every PO and the total shown;
# - with --ledger the ledger's invoice_lines keep each line's order,
#   school and PO number, and the invoice its dates; a reprint with --bill
#   bills INV-<year>-<lea>-R1 with the reprinted set's order and PO, dated
#   by its own --invoice-date.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_invoices.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SSRFILL:-$top/ssrfill}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e-invoices.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
. "$top/tests/lib.sh"
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2" | head -40; }
check() { # name got wanted
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got:    $2"$'\n'"wanted: $3"; fi
}
has() { # name file fixed-string...: every string is in the file
	local name=$1 f=$2 s missing=""; shift 2
	for s in "$@"; do grep -qF -- "$s" "$f" || missing="$missing [$s]"; done
	[ -z "$missing" ] && ok "$name" || bad "$name" "missing:$missing"$'\n'"$(head -60 "$f")"
}
for tool in python3 sqlite3 pdftotext pdfinfo; do
	command -v $tool >/dev/null || { echo "FAIL $tool is not installed (make deps installs it)"; exit 1; }
done
# the columns of invoices.csv by name, | between, a row a line
cols() { # file column...
	python3 - "$@" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
print("\n".join("|".join(r[c] for c in sys.argv[2:]) for r in rows))
PY
}

H=ssid,lea_code,lea_name,school_code,school_name,grade,last_name,first_name,report,primary_language,ssr_language,paper_ssr,guardian_name,address_line1,address_line2,city,state,zip
row() { # ssid lea school report paper_ssr
	echo "$1,$2,Lambda Unified,$3,School $3,05,Last$1,First,$4,,,$5,Pat Parent,1 Elm St,,Fresno,CA,93701"
}
{
	echo "$H"
	row 9000000001 7777777 7000001 SB Y      # parents': no CAASPP order covers school 7000001
	row 9000000002 7777777 7000001 CAST Y    # parents', winter
	row 9000000003 7777777 7000002 SB ""     # school 7000002's order (envelopes)
	row 9000000004 7777777 7000002 SB Y      # the school's order covers it, paper_ssr or not
	row 9000000005 7777777 7000003 SB ""     # school 7000003's order
	row 9000000006 7777777 7000001 ELPAC ""  # the LEA-wide ELPAC order
	row 9000000007 7777777 7000002 ELPAC Y   # the LEA-wide ELPAC order, not the parents'
	row 9000000008 7777777 7000001 SB N      # electronic only
} >"$work/s.csv"
cat >"$work/o.csv" <<'EOF'
lea_code,school_code,program,envelopes,paper_size,po_number,ordered_on,cancelled_on
7777777,,ELPAC,N,,PO-E,2019-05-01,
7777777,7000002,CAASPP,Y,,PO-S,2019-05-02,
7777777,7000003,CAASPP,N,,PO-T,2019-05-03,
EOF
cat >"$work/terms.ini" <<'EOF'
[shipper]
name = Test Press Remittance
address1 = 77 Press Row
city = Sacramento
state = CA
zip = 95814
[billing]
terms_days = 45
EOF

# --- lines by order, dated by --invoice-date, Net 45 -----------------------------------
"$bin" run --quiet --students "$work/s.csv" --orders "$work/o.csv" --config "$work/terms.ini" \
	--out "$work/a" --invoice-date 2019-09-03 2>"$work/a.err" || bad "run a exits 0" "$(cat "$work/a.err")"
check "a line per item, envelopes and order, each with its order's PO; the parents' sets on lines of their own" \
	"$(cols "$work/a/invoices/invoices.csv" invoice_id item envelopes quantity amount_cents po_numbers po_number ordered_by school_code)" \
	"INV-2018-19-7777777|ela_math_sets|N|1|148|PO-E; PO-S; PO-T|PO-T|school|7000003
INV-2018-19-7777777|ela_math_sets|N|1|148|PO-E; PO-S; PO-T||parent|
INV-2018-19-7777777|ela_math_sets|Y|2|400|PO-E; PO-S; PO-T|PO-S|school|7000002
INV-2018-19-7777777|science_spanish_pairs|N|1|148|PO-E; PO-S; PO-T||parent|
INV-2018-19-7777777|elpac_sets|N|2|296|PO-E; PO-S; PO-T|PO-E|lea|"
check "--invoice-date 2019-09-03 with terms_days 45: every line dated 2019-09-03, due 2019-10-18" \
	"$(cols "$work/a/invoices/invoices.csv" invoice_date due_date | sort -u)" "2019-09-03|2019-10-18"
check "the invoice total is the sum of the lines (summary.json), sets invoiced = printed" \
	"$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["invoices"]["grand_total_cents"], j["reconciled"])' "$work/a/summary.json")" \
	"1140 True"
if oracle_py "$top/tests/oracle_run.py" "$work/s.csv" "$work/o.csv" "$work/a" --config "$work/terms.ini" \
	--invoice-date 2019-09-03 >"$work/a.oracle" 2>&1; then
	ok "the independent oracle agrees: each line's PO is the order that covers its sets, dates, terms"
else
	bad "the independent oracle agrees" "$(tail -20 "$work/a.oracle")"
fi
pdftotext -layout "$work/a/invoices/7777777.pdf" "$work/a.txt" 2>/dev/null
has "the PDF: date, Net 45, due date, remit-to from [shipper], bill-to LEA and code" "$work/a.txt" \
	"INV-2018-19-7777777" "Date: 2019-09-03" "Terms: Net 45" "Due: 2019-10-18" "REMIT TO" \
	"Test Press Remittance" "77 Press Row" "Sacramento, CA 95814" "BILL TO" "Lambda Unified" "LEA 7777777" \
	"Payment due 2019-10-18 (Net 45)"
has "the PDF: each line's order and PO, the parents' lines apart" "$work/a.txt" \
	"Order of school 7000003, PO number: PO-T" "Order of school 7000002, PO number: PO-S" \
	"LEA-wide order, PO number: PO-E" "Ordered individually by parents"
check "the PDF: 5 lines, the parents' twice" "$(grep -c "Ordered individually by parents" "$work/a.txt")" 2
grep -qE "Total +\\\$11\.40" "$work/a.txt" && ok "the PDF: total \$11.40" || bad "the PDF: total" "$(cat "$work/a.txt")"

# --- bill-to from the LEA directory (--leas) ------------------------------------------
{
	cat "$work/s.csv"
	row 9000000101 6666666 6000001 SB Y | sed 's/Lambda Unified/Mu Charter/'
} >"$work/s2.csv"
cat >"$work/leas.csv" <<'EOF'
lea_code,ship_to_name,attention,address1,address2,city,state,zip,phone
7777777,Lambda Unified School District,Accounts Payable,500 Ledger Ave,Suite 12,Fresno,CA,93721-2287,(559) 555-0123
EOF
"$bin" run --quiet --students "$work/s2.csv" --orders "$work/o.csv" --leas "$work/leas.csv" --out "$work/d" \
	--invoice-date 2019-09-03 2>"$work/d.err" || bad "run --leas exits 0" "$(cat "$work/d.err")"
pdftotext -layout "$work/d/invoices/7777777.pdf" "$work/d.txt" 2>/dev/null
has "--leas: BILL TO is the directory's row and the LEA code" "$work/d.txt" "BILL TO" \
	"Lambda Unified School District" "Attn: Accounts Payable" "500 Ledger Ave" "Suite 12" \
	"Fresno, CA 93721-2287" "(559) 555-0123" "LEA 7777777" "REMIT TO" "Score Report Fulfillment Center"
pdftotext -layout "$work/d/invoices/6666666.pdf" "$work/d6.txt" 2>/dev/null
has "--leas, an LEA the directory lacks: billed to its name and code" "$work/d6.txt" "Mu Charter" "LEA 6666666"
grep -q "Ledger Ave" "$work/d6.txt" && bad "an LEA the directory lacks gets no other LEA's address" ||
	ok "an LEA the directory lacks gets no other LEA's address"
check "--leas changes no invoice line" \
	"$(cols "$work/d/invoices/invoices.csv" invoice_id item envelopes quantity amount_cents po_number ordered_by school_code | grep -v 6666666)" \
	"$(cols "$work/a/invoices/invoices.csv" invoice_id item envelopes quantity amount_cents po_number ordered_by school_code)"

# --- the date: the documents' date without --invoice-date; --invoice-date changes both --------
SOURCE_DATE_EPOCH=1564617600 "$bin" run --quiet --students "$work/s.csv" --orders "$work/o.csv" \
	--config "$work/terms.ini" --out "$work/b" 2>"$work/b.err" || bad "run b exits 0" "$(cat "$work/b.err")"
check "without --invoice-date: the documents' date (SOURCE_DATE_EPOCH 2019-08-01), due 45 days later" \
	"$(cols "$work/b/invoices/invoices.csv" invoice_date due_date | sort -u)" "2019-08-01|2019-09-15"
SOURCE_DATE_EPOCH=1564617600 "$bin" run --quiet --students "$work/s.csv" --orders "$work/o.csv" \
	--out "$work/c" --invoice-date 2020-02-15 2>"$work/c.err" || bad "run c exits 0" "$(cat "$work/c.err")"
check "--invoice-date 2020-02-15 (default Net 30): dated 2020-02-15, due 2020-03-16 (2020 is a leap year)" \
	"$(cols "$work/c/invoices/invoices.csv" invoice_date due_date | sort -u)" "2020-02-15|2020-03-16"
pdftotext -layout "$work/c/invoices/7777777.pdf" "$work/c.txt" 2>/dev/null
has "the PDF follows --invoice-date, not the documents' date" "$work/c.txt" "Date: 2020-02-15" \
	"Terms: Net 30" "Due: 2020-03-16" "Score Report Fulfillment Center"
check "only the dates differ between the runs' lines" \
	"$(cols "$work/c/invoices/invoices.csv" invoice_id item envelopes quantity amount_cents po_number ordered_by school_code)" \
	"$(cols "$work/b/invoices/invoices.csv" invoice_id item envelopes quantity amount_cents po_number ordered_by school_code)"

# --- 45 school orders: a line each, over several pages --------------------------------------
{
	echo "$H"
	for i in $(seq 10 54); do row "90000001$i" 8888888 "80000$i" SB ""; done
} >"$work/many.csv"
{
	echo "lea_code,school_code,program,envelopes,paper_size,po_number,ordered_on,cancelled_on"
	for i in $(seq 10 54); do echo "8888888,80000$i,CAASPP,N,,PO-MANY-$i,2019-05-01,"; done
} >"$work/many_o.csv"
"$bin" run --quiet --students "$work/many.csv" --orders "$work/many_o.csv" --out "$work/m" \
	--invoice-date 2019-09-03 2>"$work/m.err" || bad "run m exits 0" "$(cat "$work/m.err")"
check "45 school orders: 45 lines, each its own school's PO" \
	"$(python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(len(r), all(x["po_number"] == "PO-MANY-" + x["school_code"][-2:] and x["ordered_by"] == "school" for x in r))' "$work/m/invoices/invoices.csv")" \
	"45 True"
pdftotext -layout "$work/m/invoices/8888888.pdf" "$work/m.txt" 2>/dev/null
np=$(pdfinfo "$work/m/invoices/8888888.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
[ "${np:-0}" -ge 2 ] && ok "the invoice goes on over $np pages" || bad "a long invoice has several pages" "pages: $np"
has "every page numbered, the table's head repeated, the total at the end" "$work/m.txt" \
	"Page 1 of $np" "Page $np of $np" "INVOICE INV-2018-19-8888888 (continued)" "Total"
missing=""
for i in $(seq 10 54); do grep -qF "PO number: PO-MANY-$i" "$work/m.txt" || missing="$missing $i"; done
[ -z "$missing" ] && ok "every line's PO is printed" || bad "every line's PO is printed" "missing:$missing"
check "a table head on every page" "$(grep -c "Unit price" "$work/m.txt")" "$np"

# --- the ledger keeps each line's order; a billed reprint ------------------------------------
lg=$work/season.ledger
"$bin" run --quiet --students "$work/s.csv" --orders "$work/o.csv" --config "$work/terms.ini" \
	--ledger "$lg" --out "$work/l" --invoice-date 2019-09-03 2>"$work/l.err" || bad "run --ledger exits 0" "$(cat "$work/l.err")"
check "the ledger's invoice_lines: each line's order, school and PO" \
	"$(sqlite3 "$lg" "SELECT l.item, l.envelopes, l.quantity, l.ordered_by, coalesce(l.school, ''), coalesce(l.po_number, '') FROM invoice_lines l ORDER BY l.line_no")" \
	"ela_math_sets|0|1|1|7000003|PO-T
ela_math_sets|0|1|3||
ela_math_sets|1|2|1|7000002|PO-S
science_spanish_pairs|0|1|3||
elpac_sets|0|2|2||PO-E"
check "the ledger's invoice: its date and due date" \
	"$(sqlite3 "$lg" "SELECT invoice_id, date(invoice_date, 'unixepoch'), date(due_date, 'unixepoch') FROM invoices")" \
	"INV-2018-19-7777777|2019-09-03|2019-10-18"
"$bin" reprint --ledger "$lg" --students "$work/s.csv" --orders "$work/o.csv" --config "$work/terms.ini" \
	--out "$work/r" --ssid 9000000003 --ssid 9000000001 --reason "parent asked" --operator tester --bill \
	--invoice-date 2019-11-01 2>"$work/r.err" || bad "reprint --bill exits 0" "$(cat "$work/r.err")"
check "a billed reprint: INV-<year>-<lea>-R1, its sets on their orders' lines, dated by --invoice-date" \
	"$(cols "$work/r/invoices/invoices.csv" invoice_id item envelopes quantity po_number ordered_by school_code invoice_date due_date)" \
	"INV-2018-19-7777777-R1|ela_math_sets|N|1||parent||2019-11-01|2019-12-16
INV-2018-19-7777777-R1|ela_math_sets|Y|1|PO-S|school|7000002|2019-11-01|2019-12-16"
check "the ledger: the reprint's invoice and its lines' orders" \
	"$(sqlite3 "$lg" "SELECT i.kind, l.ordered_by, coalesce(l.po_number, '') FROM invoices i JOIN invoice_lines l USING (invoice_key) WHERE i.invoice_id LIKE '%-R1' ORDER BY l.line_no")" \
	"reprint|3|
reprint|1|PO-S"

echo "e2e_invoices: $pass passed, $fail failed"
[ "$fail" = 0 ]
