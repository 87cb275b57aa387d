#!/usr/bin/env bash
# End-to-end tests of the operator documents (PDF packing lists, box labels,
# invoices), read back the way a person or a scanner would: pdftotext for
# the words, pdfinfo for paper sizes and page counts, pdftoppm for pixels,
# zbarimg for the labels' barcodes, pdffonts for the embedded fonts.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_docs.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
bin=${SSRFILL:-$top/ssrfill}
fx=$top/fixtures/run/docs
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
has() { # name file fixed-string...: every string is in the file
	local name=$1 f=$2 s missing=""; shift 2
	for s in "$@"; do grep -qF -- "$s" "$f" || missing="$missing [$s]"; done
	[ -z "$missing" ] && ok "$name" || bad "$name" "missing:$missing"$'\n'"$(head -40 "$f")"
}
txt() { pdftotext -layout "$1" "$2" 2>/dev/null; }
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
producer() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Producer: *//p'; }
size() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Page size: *\([0-9.]* x [0-9.]*\) pts.*/\1/p'; }
# the box ids a label file's barcodes decode to, one per page, in page order
barcodes() { # pdf dpi [page...]: every page when none are given
	local pdf=$1 dpi=$2 i list
	shift 2
	list=${*:-$(seq 1 "$(pages "$pdf")")}
	for i in $list; do
		pdftoppm -r "$dpi" -gray -png -f "$i" -l "$i" "$pdf" "$work/bc" 2>/dev/null
		zbarimg --quiet --raw -Sdisable -Scode128.enable "$work"/bc*.png 2>/dev/null | head -1
		rm -f "$work"/bc*.png
	done
}
# share of dark pixels on page 1, in per mille
ink() { # pdf
	pdftoppm -r 40 -gray -f 1 -l 1 "$1" "$work/ink" 2>/dev/null
	python3 - "$work"/ink*.pgm <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
# P5 header: magic, width, height, maxval, then one byte a pixel
parts = data.split(maxsplit=4)
w, h = int(parts[1]), int(parts[2])
px = parts[4][-w * h:]
print(sum(1 for b in px if b < 128) * 1000 // (w * h))
PY
	rm -f "$work"/ink*.pgm
}

export SOURCE_DATE_EPOCH=1564617600   # 2019-08-01: the invoices' date, reproducible files
o=$work/run
"$bin" run --quiet --students "$fx/students.csv" --orders "$fx/orders.csv" --config "$fx/docs.ini" \
	--out "$o" && ok "docs fixture: run exits 0" || bad "docs fixture: run exits 0"

# --- which files ---------------------------------------------------------------
files="invoices/5550001.pdf invoices/5550002.pdf labels/august.pdf labels/august/5550001.pdf labels/august/5550002.pdf
labels/winter.pdf labels/winter/5550001.pdf packing/august.pdf packing/august/5550001.pdf packing/august/5550002.pdf
packing/winter.pdf packing/winter/5550001.pdf"
got=$(cd "$o" && find . -name '*.pdf' | sed 's|^\./||' | sort | tr '\n' ' ')
[ "$got" = "$(tr '\n' ' ' <<<"$files" | tr -s ' ' | sed 's/ *$/ /')" ] \
	&& ok "one packing list and one label file per (shipment, LEA) and per shipment, one invoice per LEA" \
	|| bad "PDF files" "got: $got"
[ -z "$(find "$o" -name '*.txt')" ] && ok "no text packing lists or invoices are left" || bad "text documents remain"
modes=$(find "$o" -name '*.pdf' -perm /o=rwx,g=w)
[ -z "$modes" ] && ok "PDFs are not world-readable (they name students)" || bad "PDF modes" "$modes"

# --- packing list ----------------------------------------------------------------
pk=$o/packing/august/5550001.pdf
[ "$(size "$pk")" = "612 x 792" ] && ok "packing list is US letter" || bad "packing list size" "$(size "$pk")"
txt "$pk" "$work/pk.txt"
has "packing list: header with shipment, LEA, ship window and totals" "$work/pk.txt" \
	"PACKING LIST" "Distrito Escolar Unificado de San José (LEA 5550001)" "August shipment" \
	"Ship window: August 2019" "Totals: 6 boxes, 10 sets, 20 SSR sheets, 6 dividers, 6 envelopes" \
	"Gross weight 2.951 kg (6.6 lb)" "Page 1 of 1"
has "packing list: every box, N of M, with its id and gross weight" "$work/pk.txt" \
	"Box 1 of 6" "Box 2 of 6" "Box 3 of 6" "Box 4 of 6" "Box 5 of 6" "Box 6 of 6" \
	"august-5550001-0001" "august-5550001-0006" "gross 0.509 kg (1.2 lb)" "gross 0.473 kg (1.1 lb)"
has "packing list: segments with school, grades, first and last student, continued markers" "$work/pk.txt" \
	"0000011 Escuela Primaria Núñez" "0000022 Washington Middle" "04-05" "CONTINUED"
has "packing list: accented, Vietnamese, Chinese and Korean names come out as text" "$work/pk.txt" \
	"Nguyễn, Thị Ánh" "Zúñiga, Zoë" "Đặng, Văn Hùng" "王, 芳" "김, 민준"
fonts=$(pdffonts "$pk" 2>/dev/null)
grep -q DejaVuSans <<<"$fonts" && grep -qE 'DroidSansFallback|NanumGothic' <<<"$fonts" \
	&& ! grep -qE ' no +(yes|no) ' <<<"$fonts" \
	&& ok "packing list embeds its fonts, CJK ones included" || bad "packing list fonts" "$fonts"
# the manifest and the packing list agree row by row: first and last students
python3 - "$o/manifests/august.csv" "$work/pk.txt" <<'PY' && ok "packing list shows each manifest segment's first and last student" || bad "packing list vs manifest"
import csv, sys
text = open(sys.argv[2], encoding="utf-8").read()
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if r["lea_code"] == "5550001"]
missing = [r["box_id"] for r in rows if r["first_student"] not in text or r["last_student"] not in text]
assert rows and not missing, missing
PY
n=$(ink "$pk")
[ "${n:-0}" -ge 10 ] && ok "packing list page 1 renders with ink on it (${n}‰ dark)" || bad "packing list renders" "${n:-none}‰"

# --- labels --------------------------------------------------------------------------
lb=$o/labels/august/5550001.pdf
[ "$(size "$lb")" = "288 x 432" ] && ok "labels are 4x6 inches" || bad "label size" "$(size "$lb")"
[ "$(pages "$lb")" = 6 ] && ok "one label page per box (6)" || bad "label pages" "$(pages "$lb")"
txt "$lb" "$work/lb.txt"
has "labels: LEA, Box N of M, shipment, school range, weight, box id" "$work/lb.txt" \
	"Distrito Escolar Unificado de San José" "LEA 5550001" "Box 1 of 6" "Box 6 of 6" "August shipment" \
	"From" "0000011 Escuela Primaria Núñez" "0000022 Washington Middle (continued)" \
	"Gross weight" "0.509 kg (1.2 lb)" "august-5550001-0001" "august-5550001-0006"
has "labels: the return address, the paper and envelope kind, the whole contents line" "$work/lb.txt" \
	"FROM" "Score Report Fulfillment Center" "1200 Distribution Way" "West Sacramento, CA 95691" \
	"Paper 11x17, no envelopes" "Contents: 3 sets, 6 SSR sheets, 1 divider, 0 envelopes"
got=$(barcodes "$lb" 150 | tr '\n' ' ')
want=$(for i in 1 2 3 4 5 6; do printf 'august-5550001-%04d ' "$i"; done)
[ "$got" = "$want" ] && ok "every label's barcode scans (150 dpi) back to its box id, in order" \
	|| bad "label barcodes at 150 dpi" "got: $got"$'\n'"want: $want"
got=$(barcodes "$o/labels/winter/5550001.pdf" 100)
[ "$got" = "winter-5550001-0001" ] && ok "a winter label scans at 100 dpi" || bad "winter label barcode" "$got"

# --- invoice -----------------------------------------------------------------------
inv=$o/invoices/5550001.pdf
txt "$inv" "$work/inv.txt"
total=$(python3 -c "import csv,sys; print(sum(int(r['amount_cents']) for r in csv.DictReader(open(sys.argv[1])) if r['lea_code']=='5550001'))" "$o/invoices/invoices.csv")
dollars=$(python3 -c "print('\$%d.%02d' % divmod($total, 100))")
has "invoice: id, date, LEA, PO numbers" "$work/inv.txt" "INVOICE" "INV-2018-19-5550001" "Date: 2019-08-01" \
	"Distrito Escolar Unificado de San José" "LEA 5550001" "PO numbers: PO-SJ-1; PO-SJ-2"
has "invoice: lines with quantity, unit price and amount" "$work/inv.txt" \
	"ELA/mathematics SSR sets (August)" "Science and Spanish SSR pairs" '$1.48' '$2.00'
grep -qE "Total +\\$dollars" "$work/inv.txt" && ok "invoice total ($dollars) is the sum of its CSV lines" \
	|| bad "invoice total" "want $dollars"$'\n'"$(cat "$work/inv.txt")"
[ "$(size "$inv")" = "612 x 792" ] && ok "invoice is US letter" || bad "invoice size"

# --- reproducible, thread-independent, optional ---------------------------------------
"$bin" run --quiet --threads 1 --students "$fx/students.csv" --orders "$fx/orders.csv" --config "$fx/docs.ini" --out "$work/run1t"
diffs=""
for f in $files; do cmp -s "$o/$f" "$work/run1t/$f" || diffs="$diffs $f"; done
[ -z "$diffs" ] && ok "same PDF bytes with one thread and with workers (SOURCE_DATE_EPOCH set)" || bad "PDFs differ" "$diffs"
"$bin" run --quiet --no-documents --students "$fx/students.csv" --orders "$fx/orders.csv" --config "$fx/docs.ini" --out "$work/nodocs"
[ -z "$(find "$work/nodocs" -name '*.pdf')" ] && [ ! -e "$work/nodocs/labels" ] && [ ! -e "$work/nodocs/packing" ] \
	&& ok "--no-documents writes no PDFs" || bad "--no-documents" "$(find "$work/nodocs" -name '*.pdf' | head)"
diffs=""
for f in invoices/invoices.csv manifests/august.csv manifests/winter.csv print/august.csv.zst reports/distribution_lea.csv; do
	cmp -s "$o/$f" "$work/nodocs/$f" || diffs="$diffs $f"
done
[ -z "$diffs" ] && ok "--no-documents writes the same CSVs" || bad "--no-documents CSVs differ" "$diffs"
python3 - "$o/summary.json" "$work/nodocs/summary.json" <<'PY' && ok "summary.json counts the documents (and null without them)" || bad "summary.json documents"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["documents"] == {"packing_lists": 3, "label_files": 3, "labels": 8, "invoices": 2}, a["documents"]
assert b["documents"] is None and "documents" in a["timings_s"]
PY

# --- text that needs a shaper ----------------------------------------------------------
# Arabic and Hebrew are laid out by pango (cairo writes that file); a
# Vietnamese name typed with combining marks is composed (NFC) and written
# by ssrfill's own writer like every other document.
python3 - "$work" <<'PY'
import sys, unicodedata
d = sys.argv[1]
nfd = unicodedata.normalize("NFD", "Nguyễn")
assert nfd != "Nguyễn"
head = "ssid,lea_code,lea_name,school_code,school_name,grade,last_name,first_name,report,primary_language,ssr_language,paper_ssr\n"
rows = [f"3000000001,5550008,Gamma Unified,0000081,Gamma Elementary,03,{nfd},Lan,SB,02,,",
        "3000000002,5550008,Gamma Unified,0000081,Gamma Elementary,03,Young,Yul,SB,00,,",
        "3000000003,5550009,Delta Unified,0000091,Delta Elementary,03,حداد,ليلى,SB,00,,",
        "3000000004,5550009,Delta Unified,0000091,Delta Elementary,03,כהן,Dana,SB,00,,"]
open(f"{d}/shape.csv", "w", encoding="utf-8").write(head + "\n".join(rows) + "\n")
open(f"{d}/shape_orders.csv", "w").write("lea_code,school_code,program,envelopes,paper_size,po_number,ordered_on,cancelled_on\n"
    "5550008,,CAASPP,N,8.5x11,,2019-05-03,\n5550009,,CAASPP,N,8.5x11,,2019-05-03,\n")
PY
"$bin" run --students "$work/shape.csv" --orders "$work/shape_orders.csv" --out "$work/shape" 2>"$work/shape.err" \
	&& ok "names in Arabic and Hebrew: run exits 0" || bad "names in Arabic and Hebrew: run exits 0"
# the shipment's book has every label, its names drawn unshaped, and says so
grep -q "2 names in labels/<shipment>.pdf or packing/<shipment>.pdf need a shaper" "$work/shape.err" \
	&& [ "$(pages "$work/shape/labels/august.pdf")" = 2 ] \
	&& [ "$(producer "$work/shape/packing/august.pdf")" = ssrfill ] \
	&& ok "names that need a shaper: the books hold them unshaped and the run warns" \
	|| bad "names that need a shaper in the books" "$(cat "$work/shape.err"; pdfinfo "$work/shape/labels/august.pdf")"
txt "$work/shape/packing/august/5550009.pdf" "$work/shape_rtl.txt"
grep -qF "حداد" "$work/shape_rtl.txt" && grep -q "^cairo" <<<"$(producer "$work/shape/packing/august/5550009.pdf")" \
	&& ok "an Arabic name is shaped by pango and comes out as text" \
	|| bad "Arabic name" "$(producer "$work/shape/packing/august/5550009.pdf")"$'\n'"$(cat "$work/shape_rtl.txt")"
txt "$work/shape/packing/august/5550008.pdf" "$work/shape_nfd.txt"
grep -qF "Nguyễn, Lan" "$work/shape_nfd.txt" && [ "$(producer "$work/shape/packing/august/5550008.pdf")" = ssrfill ] \
	&& [ "$(producer "$work/shape/labels/august/5550009.pdf")" = ssrfill ] \
	&& ok "combining marks are composed (NFC); documents without shaped text are ssrfill's own" \
	|| bad "NFD name" "$(producer "$work/shape/packing/august/5550008.pdf")"$'\n'"$(cat "$work/shape_nfd.txt")"

# Latin-1 symbols (U+00A0..U+00BF: no-break space, º, ½, ¿, §) are outside the
# shared Latin-1 font, so these documents get a font subset of their own.
python3 - "$work" <<'PY'
import sys
d = sys.argv[1]
head = "ssid,lea_code,lea_name,school_code,school_name,grade,last_name,first_name,report,primary_language,ssr_language,paper_ssr\n"
open(f"{d}/latin1.csv", "w", encoding="utf-8").write(head +
    "3000000005,5550010,Epsilon\u00a0Unified,0000101,Escuela N\u00ba 5,03,L\u00f3pez\u00a0\u00bd,\u00bfAna?,SB,00,,\n")
open(f"{d}/latin1_orders.csv", "w", encoding="utf-8").write("lea_code,school_code,program,envelopes,paper_size,po_number,ordered_on,cancelled_on\n"
    "5550010,,CAASPP,N,8.5x11,PO\u00a0\u00a717,2019-05-03,\n")
PY
"$bin" run --quiet --students "$work/latin1.csv" --orders "$work/latin1_orders.csv" --out "$work/latin1" \
	&& ok "names with Latin-1 symbols: run exits 0" || bad "names with Latin-1 symbols: run exits 0"
l1=$work/latin1/packing/august/5550010.pdf
txt "$l1" "$work/latin1_pk.txt"
txt "$work/latin1/invoices/5550010.pdf" "$work/latin1_inv.txt"
has "names with a no-break space, º, ½ and ¿ print as written on the packing list" "$work/latin1_pk.txt" \
	"López ½, ¿Ana?" "0000101 Escuela Nº 5"
has "an invoice's PO number with a no-break space and § prints as written" "$work/latin1_inv.txt" "PO §17"
[ "$(producer "$l1")" = ssrfill ] && ok "documents with Latin-1 symbols are ssrfill's own" || bad "Latin-1 symbols producer" "$(producer "$l1")"

# --- the longest fields: pango, cairo and HarfBuzz get a bounded string ------------------
# Ingest takes fields up to 4 KiB (README "Limits"), so an LEA, school,
# student name or PO number may be 4,000 bytes long, far beyond any line;
# the documents draw a short prefix of each (pdf_text_bound), natively or,
# for the Arabic name, through pango.
python3 - "$work" <<'PY'
import sys
d = sys.argv[1]
mb = 1 << 20
head = "ssid,lea_code,lea_name,school_code,school_name,grade,last_name,first_name,report,primary_language,ssr_language,paper_ssr\n"
# big: 4,000-byte fields; short: the same file with short ones, to compare
for name, n in (("big", 4000), ("short", 40)):
    latin = ("Wolfeschlegelsteinhausenbergerdorff" * (n // 35 + 1))[:n]
    arabic = ("حداد" * (n // 8 + 1))[:n // 2]   # two bytes a letter
    rows = [f"3000000011,5550011,{latin},0000111,{latin},03,{latin},Lan,SB,00,,",
            f"3000000012,5550011,{latin},0000111,{latin},03,Young,{latin},SB,00,,",
            f"3000000013,5550012,Zeta Unified,0000121,Zeta Elementary,03,{arabic},ليلى,SB,00,,"]
    open(f"{d}/{name}.csv", "w", encoding="utf-8").write(head + "\n".join(rows) + "\n")
    open(f"{d}/{name}_orders.csv", "w", encoding="utf-8").write("lea_code,school_code,program,envelopes,paper_size,po_number,ordered_on,cancelled_on\n"
        f"5550011,,CAASPP,N,8.5x11,{latin},2019-05-03,\n5550012,,CAASPP,N,8.5x11,{arabic},2019-05-03,\n")
PY
peak_kb() { # name: peak RSS in KB of the run whose arguments follow
	local name=$1
	shift
	/usr/bin/time -f %M -o "$work/$name.rss" "$bin" run --quiet "$@" 2>"$work/$name.err" || echo "exit $?" >>"$work/$name.err"
	tail -1 "$work/$name.rss"
}
for m in 16 64; do   # 16M: documents drawn inline; 64M: by worker threads
	"$bin" run --quiet --students "$work/big.csv" --orders "$work/big_orders.csv" --out "$work/big$m" \
		--memory ${m}M --threads 2 2>"$work/big_err" \
		&& ok "4 KB fields, --memory ${m}M: run exits 0" || bad "4 KB fields, --memory ${m}M: run exits 0" "$(cat "$work/big_err")"
	# resident memory means nothing under AddressSanitizer (shadow memory)
	[ -n "${SSRFILL_SANITIZED:-}" ] && continue
	# What the documents add to a run's peak: the CSV part alone of a run
	# with 4 KB rows peaks above the budget + 32M at 16M (ingest and the
	# sort hold whole rows), and the documents' own part (fonts, pango and
	# cairo) is larger with worker threads; 4 KB fields must add nothing.
	add=""
	for f in big short; do
		with=$(peak_kb "$f$m" --students "$work/$f.csv" --orders "$work/${f}_orders.csv" --out "$work/${f}_rss$m" --memory ${m}M --threads 2)
		without=$(peak_kb "$f${m}_csv" --no-documents --students "$work/$f.csv" --orders "$work/${f}_orders.csv" \
			--out "$work/${f}_csv$m" --memory ${m}M --threads 2)
		add="$add $((with - without))"
	done
	set -- $add
	[ "$1" -lt $(($2 + 4096)) ] \
		&& ok "4 KB fields, --memory ${m}M: the documents add $1 KB to peak RSS, as with short fields ($2 KB)" \
		|| bad "4 KB fields, --memory ${m}M: what the documents add to peak RSS" "$1 KB, with short fields $2 KB"
	if [ "$m" = 64 ]; then
		rss=$(tail -1 "$work/big64.rss")
		[ "$rss" -lt $(( (m + 32) * 1024 )) ] && ok "4 KB fields, --memory ${m}M: peak RSS ${rss} KB (< ${m}M + 32M)" \
			|| bad "4 KB fields, --memory ${m}M: peak RSS" "$rss KB"
	fi
done
txt "$work/big16/packing/august/5550011.pdf" "$work/big_pk.txt"
txt "$work/big16/labels/august/5550011.pdf" "$work/big_lb.txt"
txt "$work/big16/invoices/5550011.pdf" "$work/big_inv.txt"
txt "$work/big16/packing/august/5550012.pdf" "$work/big_rtl.txt"
has "4 KB LEA, school and student names print (wrapped in their cells)" "$work/big_pk.txt" \
	"PACKING LIST" "Wolfeschlegelsteinhausenbergerdorff" "0000111" "Young," "Wolfeschlege"
has "a 4 KB LEA name prints on the labels" "$work/big_lb.txt" "Box 1 of 1" "Wolfeschlegelsteinhausenbergerdorff"
has "a 4 KB PO number prints on the invoice" "$work/big_inv.txt" "PO numbers: Wolfeschlegel" "Total"
has "a 4 KB Arabic name prints, shaped by pango" "$work/big_rtl.txt" "PACKING LIST" "حداد"
python3 - "$work"/big_pk.txt "$work"/big_lb.txt "$work"/big_inv.txt <<'PY' >"$work/big_cut.txt" 2>&1 \
	&& ok "every 4 KB name is cut, with an ellipsis, after a few lines" || bad "4 KB names cut" "$(cat "$work/big_cut.txt")"
import re, sys
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    # a name too long for its place is wrapped onto a few lines, and only
    # past that (a 4 KB name, not a real one) cut with "..."
    assert "..." in text, f"{path}: no ellipsis"
    for line in text.splitlines():
        for run in re.findall(r"(?:Wolfeschlegelsteinhausenbergerdorff)+[a-z]*\S*", line):
            assert len(run) < 200, f"{path}: {run[:60]}...{run[-20:]} ({len(run)} characters)"
PY
n=$(cat "$work/big_pk.txt" "$work/big_lb.txt" "$work/big_inv.txt" "$work/big_rtl.txt" | wc -c)
[ "$n" -lt 20000 ] && ok "the documents of 4 KB fields hold a few lines of text ($n bytes)" || bad "4 KB fields: text size" "$n bytes"
big=$(find "$work/big16" "$work/big64" -name '*.pdf' -size +200k)
[ -z "$big" ] && ok "the documents of 4 KB fields are small files" || bad "4 KB fields: PDF sizes" "$(ls -l $big)"

# --- a generated run: every box of every LEA, multi-page lists ---------------------------
"$bin" gen --quiet --rows 12000 --seed 7 --out "$work/gen.csv" --orders "$work/gen_orders.csv" --leas "$work/gen_leas.csv"
"$bin" run --quiet --students "$work/gen.csv" --orders "$work/gen_orders.csv" --leas "$work/gen_leas.csv" \
	--config "$fx/docs.ini" --out "$work/gen" --max-reject-rate 1 \
	&& ok "generated run with small boxes and an LEA directory exits 0" || bad "generated run"
python3 - "$work/gen" <<'PY' >"$work/gen_check.txt" 2>&1 && ok "every box of every (shipment, LEA) is on its packing list and has its label page" || bad "generated documents" "$(tail -15 "$work/gen_check.txt")"
import csv, os, subprocess, sys
out = sys.argv[1]
def text(pdf):
    return subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
def pages(pdf):
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    return int(next(l.split()[1] for l in info.splitlines() if l.startswith("Pages:")))
groups, multi = {}, 0
for sh in ("august", "winter", "elpac"):
    for r in csv.DictReader(open(f"{out}/manifests/{sh}.csv", encoding="utf-8")):
        groups.setdefault((sh, r["lea_code"]), set()).add((int(r["box_no"]), int(r["box_count"]), r["box_id"]))
problems = []
for (sh, lea), boxes in sorted(groups.items()):
    m = next(iter(boxes))[1]
    pk, lb = f"{out}/packing/{sh}/{lea}.pdf", f"{out}/labels/{sh}/{lea}.pdf"
    t = text(pk)
    n = pages(pk)
    multi += n > 1
    if f"Page {n} of {n}" not in t:
        problems.append(f"{pk}: no 'Page {n} of {n}'")
    lt = text(lb)
    if pages(lb) != m:
        problems.append(f"{lb}: {pages(lb)} pages for {m} boxes")
    for no, _, box_id in boxes:
        if f"Box {no} of {m}" not in t or box_id not in t:
            problems.append(f"{pk}: box {no} of {m} ({box_id}) missing")
        if f"Box {no} of {m}" not in lt or box_id not in lt:
            problems.append(f"{lb}: label {box_id} missing")
pdfs = sum(len(os.listdir(f"{out}/{d}/{sh}")) for d in ("packing", "labels") for sh in ("august", "winter", "elpac"))
if pdfs != 2 * len(groups):
    problems.append(f"{pdfs} packing/label files for {len(groups)} (shipment, LEA) pairs")
if multi == 0:
    problems.append("no packing list ran to a second page")
print(len(groups), "groups,", multi, "multi-page packing lists")
assert not problems, "\n".join(problems[:20])
PY
# --- ship-to, held LEAs and nothing cut, on gen's directory and names ------------------------
python3 - "$work/gen" "$work/gen_leas.csv" <<'PY' >"$work/gen_shipto.txt" 2>&1 \
	&& ok "labels: the directory's ship-to block for each LEA in it, SHIP-TO MISSING: HOLD and no address for the others" \
	|| bad "generated labels: ship-to" "$(tail -15 "$work/gen_shipto.txt")"
import csv, re, subprocess, sys
out, leas = sys.argv[1], sys.argv[2]
def text(pdf):   # reading order, white space as one space (a wrapped line reads on)
    t = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", t)
directory = {r["lea_code"]: r for r in csv.DictReader(open(leas, encoding="utf-8"))}
problems, known, held = [], 0, 0
for sh in ("august", "winter", "elpac"):
    seen = []
    for r in csv.DictReader(open(f"{out}/manifests/{sh}.csv", encoding="utf-8")):
        if r["lea_code"] not in seen:
            seen.append(r["lea_code"])
    for lea in seen:
        t = text(f"{out}/labels/{sh}/{lea}.pdf")
        first = t.split("Box 1 of")[0]   # the first label, down to its box number
        row = directory.get(lea)
        if row:
            known += 1
            city = f"{row['city']}, {row['state']} {row['zip']}"
            want = [row["ship_to_name"], row["address1"], row["address2"], city, row["phone"]]
            if row["attention"]:
                want.insert(1, "ATTN: " + row["attention"])
            at = first.find("SHIP TO")
            for w in [w for w in want if w]:
                k = first.find(w, at)
                if k < 0:
                    problems.append(f"{sh}/{lea}: '{w}' missing or out of order in: {first[:400]}")
                    break
                at = k + len(w)
            if "SHIP-TO MISSING" in t:
                problems.append(f"{sh}/{lea}: HOLD on a label with an address")
        else:
            held += 1
            if "SHIP-TO MISSING: HOLD" not in first:
                problems.append(f"{sh}/{lea}: held, no SHIP-TO MISSING: HOLD: {first[:300]}")
        if "FROM" not in first or "Score Report Fulfillment Center" not in first:
            problems.append(f"{sh}/{lea}: no return address")
print(known, "labels files with a ship-to,", held, "held")
assert known and held, "want both kinds"
assert not problems, "\n".join(problems[:20])
PY
python3 - "$work/gen" <<'PY' >"$work/gen_cut.txt" 2>&1 \
	&& ok "nothing cut on gen's data: every school, first and last student whole on the packing lists and labels, no ellipsis" \
	|| bad "generated documents: something cut" "$(tail -15 "$work/gen_cut.txt")"
import csv, re, subprocess, sys
out = sys.argv[1]
def text(pdf):
    t = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", t)
problems, longest = [], ""
for sh in ("august", "winter", "elpac"):
    rows = list(csv.DictReader(open(f"{out}/manifests/{sh}.csv", encoding="utf-8")))
    for lea in sorted({r["lea_code"] for r in rows}):
        pk, lb = text(f"{out}/packing/{sh}/{lea}.pdf"), text(f"{out}/labels/{sh}/{lea}.pdf")
        for t, name in ((pk, "packing list"), (lb, "labels")):
            if "..." in t or "\u2026" in t:
                problems.append(f"{sh}/{lea} {name}: an ellipsis: {t[max(0, t.find('...') - 80):t.find('...') + 10]}")
        boxes = {}
        for r in (r for r in rows if r["lea_code"] == lea):
            boxes.setdefault(r["box_id"], []).append(r)
            for k in ("first_student", "last_student", "school_name"):
                v = r[k].lstrip("'")
                longest = max(longest, v, key=len)
                if v not in pk:
                    problems.append(f"{sh}/{lea}: packing list lacks {k} '{v}'")
        for box_id, segs in boxes.items():   # a label names its first and last school
            for r in (segs[0], segs[-1]):
                if f"{r['school_code']} {r['school_name'].lstrip(chr(39))}" not in lb:
                    problems.append(f"{sh}/{lea}: label {box_id} lacks '{r['school_name']}'")
        if not re.search(r"Paper (11x17|8\.5x11), (envelopes (6x9|#10)|no envelopes)", lb + pk):
            problems.append(f"{sh}/{lea}: no paper and envelope line")
print("longest name:", longest)
assert not problems, "\n".join(problems[:20])
PY
python3 - "$work/gen" <<'PY' >"$work/gen_books.txt" 2>&1 \
	&& ok "books: labels/<shipment>.pdf has a page a box and packing/<shipment>.pdf every list, LEAs in print order" \
	|| bad "generated books" "$(tail -15 "$work/gen_books.txt")"
import csv, re, subprocess, sys
out = sys.argv[1]
def run(*a):
    return subprocess.run(a, capture_output=True, text=True, check=True).stdout
def pages(pdf):
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", pdf), re.M).group(1))
problems = []
for sh in ("august", "winter", "elpac"):
    ids, leas = [], []
    for r in csv.DictReader(open(f"{out}/manifests/{sh}.csv", encoding="utf-8")):
        if r["box_id"] not in ids:
            ids.append(r["box_id"])
        if r["lea_code"] not in leas:
            leas.append(r["lea_code"])
    lb, pk = f"{out}/labels/{sh}.pdf", f"{out}/packing/{sh}.pdf"
    if pages(lb) != len(ids):
        problems.append(f"{lb}: {pages(lb)} pages for {len(ids)} boxes")
    got = re.findall(rf"\b{sh}-\d{{7}}-\d{{4}}\b", run("pdftotext", lb, "-"))
    got = [g for i, g in enumerate(got) if i == 0 or got[i - 1] != g]
    if got != ids:
        problems.append(f"{lb}: box ids out of print order: {got[:6]} want {ids[:6]}")
    heads = re.findall(r"\(LEA (\d{7})\)", run("pdftotext", pk, "-"))
    heads = [h for i, h in enumerate(heads) if i == 0 or heads[i - 1] != h]   # page heads repeat it
    if heads != leas:
        problems.append(f"{pk}: LEAs {heads[:6]} want print order {leas[:6]}")
    want = sum(pages(f"{out}/packing/{sh}/{lea}.pdf") for lea in leas)
    if pages(pk) != want:
        problems.append(f"{pk}: {pages(pk)} pages, the lists have {want}")
    print(sh, len(ids), "boxes,", len(leas), "LEAs")
assert not problems, "\n".join(problems[:20])
PY
# a book's barcodes scan like the labels' own: a sample of pages
ids=$(python3 -c "import csv,sys; ids=[]; [ids.append(r['box_id']) for r in csv.DictReader(open(sys.argv[1])) if r['box_id'] not in ids]; print(' '.join(ids))" \
	"$work/gen/manifests/august.csv")
m=$(wc -w <<<"$ids")
sample=$(printf '%s\n' 1 $((m / 2)) "$m" | awk '$1 >= 1' | sort -nu | tr '\n' ' ')
got=$(barcodes "$work/gen/labels/august.pdf" 100 $sample | tr '\n' ' ')
want=$(for i in $sample; do printf '%s ' "$(cut -d' ' -f"$i" <<<"$ids")"; done)
[ "$got" = "$want" ] && ok "labels/august.pdf: barcodes scan at 100 dpi, in print order (pages $sample of $m)" \
	|| bad "labels/august.pdf barcodes" "got: $got"$'\n'"want: $want"

# the largest label file: a sample of its pages, first and last included
lea=$(ls -S "$work/gen/labels/august" | head -1)
ids=$(python3 -c "import csv,sys; ids=[]; [ids.append(r['box_id']) for r in csv.DictReader(open(sys.argv[1])) if r['lea_code']+'.pdf'==sys.argv[2] and r['box_id'] not in ids]; print(' '.join(ids))" \
	"$work/gen/manifests/august.csv" "$lea")
m=$(wc -w <<<"$ids")
sample=$(printf '%s\n' 1 2 $((m / 3)) $((m / 2)) $((m - 1)) "$m" | awk '$1 >= 1' | sort -nu | tr '\n' ' ')
got=$(barcodes "$work/gen/labels/august/$lea" 150 $sample | tr '\n' ' ')
want=$(for i in $sample; do printf '%s ' "$(cut -d' ' -f"$i" <<<"$ids")"; done)
[ "$got" = "$want" ] && ok "the largest label file's barcodes scan back to their box ids (pages $sample of $m)" \
	|| bad "largest label file barcodes" "got: $got"$'\n'"want: $want"

# --- structure: every PDF of every run above passes qpdf's checks -------------------------
bad_pdfs=""
n_pdfs=0
while IFS= read -r f; do
	n_pdfs=$((n_pdfs + 1))
	qpdf --check "$f" >/dev/null 2>&1 || bad_pdfs="$bad_pdfs $f"
done < <(find "$o" "$work/shape" "$work/latin1" "$work/big16" "$work/big64" "$work/gen" -name '*.pdf')
[ -z "$bad_pdfs" ] && [ "$n_pdfs" -gt 100 ] && ok "every PDF ($n_pdfs) passes qpdf --check (cross-reference table, streams, objects)" \
	|| bad "qpdf --check" "$n_pdfs files; failing:$bad_pdfs"$'\n'"$(qpdf --check ${bad_pdfs%% *} 2>&1 | head)"

# No fonts (a fontconfig that knows none): the run stops before it reads
# a row, naming the font and its package, not after minutes of sorting;
# a file over the reject rate is not read either, so the font is what it
# names.  --no-documents needs no font.
mkdir -p "$work/nofonts"
cat >"$work/nofonts/fonts.conf" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>$work/nofonts/none</dir><cachedir>$work/nofonts/cache</cachedir></fontconfig>
EOF
"$bin" gen --quiet --rows 2000 --bad-rows 0.5 --seed 3 --out "$work/nofonts/s.csv" --orders "$work/nofonts/o.csv"
FONTCONFIG_FILE=$work/nofonts/fonts.conf "$bin" run --students "$work/nofonts/s.csv" --orders "$work/nofonts/o.csv" \
	--out "$work/nofonts/out" 2>"$work/nofonts/err"
rc=$?
if [ $rc = 3 ] && grep -q "cannot find the font DejaVu Sans (Debian package fonts-dejavu-core)" "$work/nofonts/err" &&
	! grep -q "rejected" "$work/nofonts/err" && [ ! -e "$work/nofonts/out" ]; then
	ok "no fonts: exit 3 before the rows are read, naming the font and its package, no output"
else
	bad "no fonts (exit $rc)" "$(cat "$work/nofonts/err")"
fi
FONTCONFIG_FILE=$work/nofonts/fonts.conf "$bin" run --quiet --no-documents --max-reject-rate 1 \
	--students "$work/nofonts/s.csv" --orders "$work/nofonts/o.csv" --out "$work/nofonts/out2" &&
	ok "no fonts, --no-documents: the run needs none" || bad "no fonts, --no-documents: exit $?"

echo "e2e_docs: $pass passed, $fail failed"
[ "$fail" = 0 ]
