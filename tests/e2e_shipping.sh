#!/usr/bin/env bash
# The shipping desk's files (docs/rules.md §16) on generated data with the
# LEA directory `gen --leas` writes (a few LEAs left out on purpose), small
# boxes so a shipment has more than 250 of them:
# - shipping/<shipment>.csv and shipping/held.csv hold exactly the
#   manifests' boxes, each once; held boxes are those of the LEAs the
#   directory lacks and of no other; gross_mg equals the manifest's, pounds
#   are it rounded up to the tenth, kg to the gram; the ship-to is the
#   directory's row;
# - the UPS batch files: no header, every row 80 fields, every field within
#   the layout's length, printable ASCII only (an accented name and city
#   transliterated), no row starting with '#', at most 250 rows a file and
#   files numbered -001, -002...; their rows are the shipping list's boxes
#   that ship, in order, with reference 1 the box id and the same weight;
#   held LEAs are in no carrier file;
# - the run exits 0, warns about the held boxes, and summary.json counts them;
# - a directory row with a bad ZIP, a second row for an LEA, a missing
#   column: rejects/leas.csv names line and column; a header without a
#   required column is refused (exit 1, nothing written);
# - without --leas: shipping/<shipment>.csv with the LEA's name only, no
#   carrier files, no held.csv.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_shipping.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SSRFILL:-$top/ssrfill}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e-shipping.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
check() { # name got wanted
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got:    $2"$'\n'"wanted: $3"; fi
}

"$bin" gen --quiet --rows 40000 --seed 11 --out "$work/s.csv" --orders "$work/o.csv" --leas "$work/l.csv" ||
	{ echo "FAIL gen --leas"; exit 1; }
# an accented name and city (transliterated for the carrier), and small
# boxes: more than 250 in the August shipment
python3 - "$work/l.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
rows[2][1] = "Escuela Peñasco Niños Unified, \"North\""
rows[2][5] = "Cañada Flintridge"
rows[4][1] = "مدرسة"                       # no ASCII form: held for a hand-keyed label
rows[5][3] = "1234½ Straße Øst"            # a house number must not change
rows[5][5] = "Łódź"
csv.writer(open(sys.argv[1], "w", newline="", encoding="utf-8"), lineterminator="\n").writerows(rows)
PY
printf '[box]\nmax_gross_mg = 700000\n' >"$work/small.ini"
"$bin" run --students "$work/s.csv" --orders "$work/o.csv" --leas "$work/l.csv" --config "$work/small.ini" \
	--no-documents --out "$work/r" >"$work/r.out" 2>"$work/r.err"
check "run with --leas exits 0" "$?" "0"
grep -q "held: the LEA directory .* has no ship-to" "$work/r.err" &&
	ok "the run warns about held boxes" || bad "the run warns about held boxes" "$(cat "$work/r.err")"

out=$(python3 - "$work" <<'PY'
import csv, glob, json, math, os, re, sys
w = sys.argv[1]
r = w + "/r"
fails = []
def need(cond, what):
    if not cond:
        fails.append(what)
rd = lambda p: list(csv.DictReader(open(p, newline="", encoding="utf-8")))
directory = {x["lea_code"]: x for x in rd(w + "/l.csv")}
boxes = {}   # manifest: box -> (lea, gross)
for m in glob.glob(r + "/manifests/*.csv"):
    sh = os.path.basename(m)[:-4]
    for x in rd(m):
        boxes[x["box_id"]] = (sh, x["lea_code"], int(x["gross_mg"]))
ship, held = {}, {}
for sh in ("august", "winter", "elpac"):
    for x in rd("%s/shipping/%s.csv" % (r, sh)):
        need(x["box_id"] not in ship, "box %s listed twice" % x["box_id"])
        ship[x["box_id"]] = (sh, x)
for x in rd(r + "/shipping/held.csv"):
    held[x["box_id"]] = x
need(set(ship) | set(held) == set(boxes), "shipping + held != the manifests' boxes: %d + %d vs %d"
     % (len(ship), len(held), len(boxes)))
need(not (set(ship) & set(held)), "a box both shipped and held")
need(len(held) > 0, "no box is held (gen leaves LEAs out)")
for b, x in held.items():
    need(x["lea_code"] not in directory or "no ASCII form" in x["reason"],
         "box %s held though the directory has LEA %s" % (b, x["lea_code"]))
for b, (sh, x) in ship.items():
    msh, lea, gross = boxes[b]
    need(x["lea_code"] in directory, "box %s ships to LEA %s, which the directory lacks" % (b, x["lea_code"]))
    need(directory.get(x["lea_code"], {}).get("ship_to_name") != "مدرسة", "box %s of the Arabic-named LEA ships" % b)
    need(int(x["gross_mg"]) == gross, "box %s: gross %s mg, the manifest says %d" % (b, x["gross_mg"], gross))
    tenths = -(-gross * 1000 // 45359237)
    need(x["weight_lb"] == "%d.%d" % (tenths // 10, tenths % 10), "box %s: %s lb for %d mg" % (b, x["weight_lb"], gross))
    need(tenths / 10 >= gross / 453592.37, "box %s: pounds rounded down" % b)
    g = (gross + 500) // 1000
    need(x["weight_kg"] == "%d.%03d" % (g // 1000, g % 1000), "box %s: %s kg for %d mg" % (b, x["weight_kg"], gross))
    d = directory.get(x["lea_code"], {})
    for k in ("ship_to_name", "attention", "address1", "address2", "city", "zip", "phone"):
        need(x[k] == d.get(k), "box %s: %s %r, the directory says %r" % (b, k, x[k], d.get(k)))
    need(x["reference"] == b, "box %s: reference %s" % (b, x["reference"]))
# the UPS files
lengths = {1: 35, 2: 35, 3: 2, 4: 35, 5: 35, 6: 35, 7: 30, 8: 30, 9: 10, 10: 15, 11: 5, 12: 1, 13: 50,
           14: 2, 15: 15, 16: 5, 25: 2, 33: 35, 34: 35, 35: 35}
ups_rows = {}
for sh in ("august", "winter", "elpac"):
    files = sorted(glob.glob("%s/shipping/ups/%s-*.csv" % (r, sh)))
    want = ["%s/shipping/ups/%s-%03d.csv" % (r, sh, i + 1) for i in range(len(files))]
    need(files == want, "%s: UPS files %s" % (sh, [os.path.basename(f) for f in files]))
    order = []
    for f in files:
        raw = open(f, "rb").read()
        need(all(c in (10, 13) or 32 <= c <= 126 for c in raw), "%s holds bytes outside printable ASCII" % f)
        lines = raw.decode("ascii", "replace").split("\r\n")
        need(lines[-1] == "", "%s does not end with CRLF" % f)
        lines = lines[:-1]
        need(0 < len(lines) <= 250, "%s has %d rows" % (f, len(lines)))
        for ln in lines:
            fields = ln.split(",")
            need(len(fields) == 80, "%s: a row of %d fields" % (f, len(fields)))
            need(not ln.startswith("#"), "%s: a row starts with #" % f)
            need(not ln.lower().startswith("lea") and not ln.lower().startswith("contact"), "%s: a header row" % f)
            for pos, mx in lengths.items():
                need(len(fields[pos - 1]) <= mx, "%s: field %d %r longer than %d" % (f, pos, fields[pos - 1], mx))
            need(fields[2] == "US" and fields[13] == "2" and fields[24] == "03", "%s: country/packaging/service %r" % (f, fields[:25]))
            ups_rows[fields[32]] = fields
            order.append(fields[32])
    listed = [b for b, (s2, x) in ship.items() if s2 == sh]
    need(order == listed, "%s: UPS rows %d, not the shipping list's %d boxes in its order" % (sh, len(order), len(listed)))
for b, f in ups_rows.items():
    sh, x = ship[b]
    need(f[15] == x["weight_lb"], "UPS %s: weight %s, the list says %s" % (b, f[15], x["weight_lb"]))
    need(f[8] == x["zip"] and f[7] == x["state"], "UPS %s: zip/state %s %s" % (b, f[8], f[7]))
need(any(len(glob.glob("%s/shipping/ups/%s-002.csv" % (r, sh))) for sh in ("august",)),
     "august has more than 250 boxes but one UPS file")
lodz = [f for f in ups_rows.values() if f[6] == "Lodz"]
need(lodz and lodz[0][3] == "1234 1/2 Strasse Ost", "the transliterated street: %r" % ([a[3] for a in lodz][:1],))
ar = [c for c, d in directory.items() if d["ship_to_name"] == "مدرسة"]
need(ar and all(x["lea_code"] != ar[0] for s2, x in ship.values()), "the Arabic-named LEA ships")
need(ar and any(x["lea_code"] == ar[0] and "no ASCII form" in x["reason"] for x in held.values()),
     "the Arabic-named LEA is not held for a hand-keyed label")
acc = [f for f in ups_rows.values() if f[6].startswith("Canada Flintridge")]
need(acc and acc[0][1] == "Escuela Penasco Ninos Unified North", "the accented LEA: %r" % ([a[:8] for a in acc][:1],))
s = json.load(open(r + "/summary.json"))["shipping"]
need(s["directory"] is True and s["boxes"] == len(ship) and s["held_boxes"] == len(held)
     and s["held_leas"] == len({x["lea_code"] for x in held.values()}), "summary.json shipping %r" % s)
print("%d boxes ship, %d held, %d UPS rows" % (len(ship), len(held), len(ups_rows)))
for f in fails[:12]:
    print("BAD " + f)
PY
)
if grep -q "^BAD " <<<"$out"; then bad "shipping files agree with the manifests, the directory and UPS's layout" "$out"
else ok "shipping files agree with the manifests, the directory and UPS's layout ($out)"; fi

# --- the directory's rejects -----------------------------------------------
python3 - "$work/l.csv" "$work/l_bad.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
bad_zip = list(rows[3]); bad_zip[7] = "9581"          # line 4
rows[3] = bad_zip
rows.append(list(rows[1]))                            # a second row for line 2's LEA
rows.append(rows[5][:-1])                             # a field short
crlf = list(rows[6]); crlf[1] = "Two\nLines"; rows[6] = crlf # line 7: a line break in a name
csv.writer(open(sys.argv[2], "w", newline="", encoding="utf-8"), lineterminator="\n").writerows(rows)
PY
"$bin" run --quiet --students "$work/s.csv" --orders "$work/o.csv" --leas "$work/l_bad.csv" \
	--no-documents --out "$work/rb" >"$work/rb.err" 2>&1
check "a directory with bad rows still runs (exit 0)" "$?" "0"
n=$(($(wc -l <"$work/l_bad.csv")))
rej=$(cat "$work/rb/rejects/leas.csv" 2>/dev/null)
grep -q '^4,"column 8 (zip): must be a ZIP code' <<<"$rej" && grep -q "^$((n - 1)),\"\{0,1\}column 1 (lea_code): LEA [0-9]\{7\} already has a ship-to address on line 2" <<<"$rej" &&
	grep -q "^$n,\"expected 9 fields as in the header, found 8" <<<"$rej" &&
	grep -q '^7,"column 2 (ship_to_name): holds a control character' <<<"$rej" &&
	ok "rejects/leas.csv names the line and column of a bad ZIP, a second row, a short row, a line break" ||
	bad "rejects/leas.csv names the line and column of a bad ZIP, a second row, a short row, a line break" "$rej"
lea4=$(sed -n 4p "$work/l_bad.csv" | cut -d, -f1)
grep -q ",$lea4," "$work/rb/shipping/held.csv" && ! grep -q "LEA $lea4" "$work/rb"/shipping/ups/*.csv &&
	ok "the LEA of the rejected row is held, in no carrier file" ||
	bad "the LEA of the rejected row is held, in no carrier file" "$(head -3 "$work/rb/shipping/held.csv")"

sed '1s/,zip,/,zipcode,/' "$work/l.csv" >"$work/l_nozip.csv"
"$bin" run --quiet --students "$work/s.csv" --orders "$work/o.csv" --leas "$work/l_nozip.csv" \
	--no-documents --out "$work/rn" >"$work/rn.err" 2>&1
code=$?
[ $code = 1 ] && [ ! -e "$work/rn" ] && grep -q "l_nozip.csv: line 1: .*zip" "$work/rn.err" &&
	ok "a directory without its zip column is refused (exit 1, naming file and line), nothing written" ||
	bad "a directory without its zip column is refused (exit 1, naming file and line), nothing written" "exit $code: $(cat "$work/rn.err")"

printf 'lea_code,ship_to_name,address1,city,state,zip\nx,A,B,C,CA,95814\n1234567,,B,C,CA,95814\n' >"$work/l_none.csv"
"$bin" run --quiet --students "$work/s.csv" --orders "$work/o.csv" --leas "$work/l_none.csv" \
	--no-documents --out "$work/rz" >"$work/rz.err" 2>&1
code=$?
[ $code = 1 ] && [ ! -e "$work/rz" ] && grep -q "none of its 2 rows is usable (line 2: column 1 (lea_code)" "$work/rz.err" &&
	ok "a directory none of whose rows is usable is refused (exit 1), nothing written" ||
	bad "a directory none of whose rows is usable is refused (exit 1), nothing written" "exit $code: $(cat "$work/rz.err")"

# --- a long bill-to: the invoice shows the directory's whole row ------------------
python3 - "$work/l.csv" "$work/l_long.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
rows[1][1] = "Los Angeles Unified School District Office"
rows[1][2] = "Attn: Dr. Maria Fernanda Gonzalez-Villanueva"
rows[1][3] = "12345 West Martin Luther King Junior Boulevard Building 7"
csv.writer(open(sys.argv[2], "w", newline="", encoding="utf-8"), lineterminator="\n").writerows(rows)
PY
lea1=$(sed -n 2p "$work/l_long.csv" | cut -d, -f1)
"$bin" run --quiet --students "$work/s.csv" --orders "$work/o.csv" --leas "$work/l_long.csv" --out "$work/rl" 2>/dev/null
if [ -e "$work/rl/invoices/$lea1.pdf" ]; then
	txt=$(pdftotext -layout "$work/rl/invoices/$lea1.pdf" - 2>&1)
	grep -q "Los Angeles Unified School District Office" <<<"$txt" &&
		grep -q "12345 West Martin Luther King Junior Boulevard Building 7" <<<"$txt" &&
		grep -q "Attn: Dr. Maria Fernanda Gonzalez-Villanueva" <<<"$txt" && ! grep -q "Attn: Attn" <<<"$txt" &&
		ok "the invoice bills to the directory's whole row (a 42-character name, a 57-character street), Attn once" ||
		bad "the invoice bills to the directory's whole row (a 42-character name, a 57-character street), Attn once" "$(head -12 <<<"$txt")"
else
	bad "the invoice bills to the directory's whole row" "no invoice for LEA $lea1: $(ls "$work/rl/invoices" | head -3)"
fi

# --- without a directory -------------------------------------------------------
"$bin" run --quiet --students "$work/s.csv" --orders "$work/o.csv" --no-documents --out "$work/r0" 2>/dev/null
[ -s "$work/r0/shipping/august.csv" ] && [ ! -e "$work/r0/shipping/ups" ] && [ ! -e "$work/r0/shipping/held.csv" ] &&
	[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["shipping"]["directory"])' "$work/r0/summary.json")" = False ] &&
	ok "without --leas: the shipping lists (LEA names only), no carrier files, no held list" ||
	bad "without --leas: the shipping lists (LEA names only), no carrier files, no held list" "$(ls -R "$work/r0/shipping")"

echo "e2e_shipping: $pass passed, $fail failed"
[ "$fail" = 0 ]
