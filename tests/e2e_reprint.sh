#!/usr/bin/env bash
# `ssrfill reprint` (issue 16; docs/rules.md §15, SPEC §5.3, the contract
# of the command) end to end, on a season's ledger: gen --rows 3000 --seed 5,
# one `run --ledger` with documents and boxes of at most 1.5 kg (so that
# LEAs have several boxes and schools continue from box to box).  Then:
# - a box (box N of M, M > 1, several schools, one of them continued from
#   the box before) is reprinted: the new box <id>-R1 holds the original
#   box's print stream rows (dividers and the continued school's sheet
#   included), every column but seq and box_id, in the same order; its
#   manifest rows keep box_no, box_count and wave; its label and packing
#   list say "REPRINT of <id>" and the label's barcode reads <id>-R1; it is
#   free (invoices.csv header only, no invoice in the ledger); the ledger
#   has the reprint run, the new box (reprint_of the old, which is void),
#   the reprint's reason and operator and a reprint_sets row a set;
#   summary.json's reprint object says so;
# - scan answers VOID for the old box, naming the new one, and OK for the
#   new; status counts the old one void, never missing, and --check passes
#   once every other box is scanned;
# - the R1 box (given as a scanner types it) is reprinted again from a
#   students file where one of its students' last name was corrected:
#   <id>-R2 holds the new name, says so on stderr, lists the set in
#   reports/changed_since_printed.csv, and R1 is void, scanned as VOID;
# - chosen students' sets (--ssid, all their printed reports; --ssid with
#   --report: one) go into new boxes <shipment>-<lea>-R0001, R0002 ... of
#   wave 0 with the rows as printed (but seq and box_id) and dividers as a
#   run puts them; --bill bills each LEA INV-<year>-<lea>-R1, then -R2,
#   quantities the sets; the labels say REPRINT; --operator defaults to
#   $USER; status lists the boxes as reprints; find counts the reprints
#   and lists the reprint boxes;
# - refusals exit 1, write nothing and leave the ledger's rows as they
#   were: a box id or an ssid (or ssid and report) the ledger never
#   printed, a void box (naming its reprint), a set whose row the current
#   students file no longer has, a set its LEA's orders no longer ask for
#   on paper; usage errors exit 2 (--box with --ssid, no --reason,
#   --report without --ssid);
# - the ledger stays mode 0600 and holds no last name (the corrected one
#   included);
# - README.md's operator's loop, step 5 (between its marker and the end of
#   its block), runs after the season's walkthrough (e2e_find.sh's block)
#   and does what it says (not under a sanitizer: it is the walkthrough
#   again).
# About 20 s on a busy machine (30 s under ASan), most of it Python and
# pdftoppm starting up.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_reprint.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SSRFILL:-$top/ssrfill}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e-reprint.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2" | head -30; }
check() { # name got wanted
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got:    $2"$'\n'"wanted: $3"; fi
}
empty() { # name output-of-a-check: ok when the check printed nothing
	if [ -z "$2" ]; then ok "$1"; else bad "$1" "$2"; fi
}
for tool in python3 sqlite3 zstd pdftotext pdftoppm zbarimg; do
	command -v $tool >/dev/null || { echo "FAIL $tool is not installed (make deps installs it)"; exit 1; }
done
py=python3; [ -x /usr/bin/python3 ] && py=/usr/bin/python3
cat >"$work/check.py" <<'PY'
# The comparisons, in plain Python (the standard library, zstd through the
# zstd command).  Each prints what is wrong, a line each, and nothing when
# all is well.
#   box ORIG SHIP OLD NEW NEWID [SSID=LAST ...]: NEW's SHIP stream is NEWID
#     holding OLD's rows of ORIG's stream in order, every column but seq
#     and box_id (the named students' last_name as given), seq 1..n; the
#     other shipments' streams header-only
#   manifest-key / manifest-rows ORIG SHIP OLD NEW NEWID: NEWID's manifest
#     rows keep OLD's box_no, box_count and wave / are OLD's but box_id
#   ssid ORIG NEW EARLIER SSID:REPORT ...: NEW's streams hold exactly the
#     selected sets as ORIG printed them (but seq and box_id), in ORIG's
#     order, ORIG's divider before each school of a box, in boxes
#     <ship>-<lea>-R<nnnn> numbered on from the reprint boxes of EARLIER
#     (folders, comma-separated, or -); manifests: wave 0, the same boxes
#   invoices NEW EARLIER YEAR: one invoice INV-YEAR-<lea>-R<n> an LEA of
#     NEW's streams (n on from EARLIER's reprint invoices), each item's
#     quantity the LEA's sets of its shipment, and its PDF
import csv, io, json, os, re, subprocess, sys

SHIPS = ("august", "winter", "elpac")
ITEM = {"august": "ela_math_sets", "winter": "science_spanish_pairs", "elpac": "elpac_sets"}


def stream(d, ship):
    p = os.path.join(d, "print", ship + ".csv.zst")
    if not os.path.exists(p):
        raise FileNotFoundError("no " + p)
    out = subprocess.run(["zstd", "-dcq", p], capture_output=True, check=True).stdout
    r = csv.reader(io.StringIO(out.decode("utf-8"), newline=""))
    head = next(r)
    return head, [dict(zip(head, x)) for x in r]


def manifest(d, ship):
    with open(os.path.join(d, "manifests", ship + ".csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def strip(row, drop=("seq", "box_id")):
    return {k: v for k, v in row.items() if k not in drop}


def show(row):
    return ",".join("%s=%s" % (k, v) for k, v in row.items() if v)[:300]


def cmp_seq(name, got, want, problems):
    if len(got) != len(want):
        problems.append("%s: %d rows, wanted %d" % (name, len(got), len(want)))
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            diff = {k: (g.get(k), w.get(k)) for k in set(g) | set(w) if g.get(k) != w.get(k)}
            problems.append("%s: row %d differs (got, wanted): %s" % (name, i + 1, diff))
            problems.append("     got    %s" % show(g))
            problems.append("     wanted %s" % show(w))
            break


def box(orig, ship, old, new, newid, changes):
    problems = []
    head, rows = stream(orig, ship)
    want = [strip(r) for r in rows if r["box_id"] == old]
    if not want:
        problems.append("the original stream has no rows of %s" % old)
    for w in want:
        if w["kind"] == "set" and w["ssid"] in changes:
            w["last_name"] = changes[w["ssid"]]
    nhead, nrows = stream(new, ship)
    if nhead != head:
        problems.append("%s stream header %s, wanted %s" % (ship, nhead, head))
    ids = sorted({r["box_id"] for r in nrows})
    if ids != [newid]:
        problems.append("%s stream: box ids %s, wanted only %s" % (ship, ids[:5], newid))
    seqs = [r["seq"] for r in nrows]
    if seqs != [str(i) for i in range(1, len(nrows) + 1)]:
        problems.append("%s stream: seq is not 1..%d: %s" % (ship, len(nrows), seqs[:8]))
    cmp_seq("%s stream, %s vs %s" % (ship, newid, old), [strip(r) for r in nrows], want, problems)
    for s in SHIPS:
        if s != ship:
            h, r = stream(new, s)
            if r or h != head:
                problems.append("%s stream: %d rows (header %s), wanted the header only" % (s, len(r), h == head))
    print("\n".join(problems))


def manifest_cmp(orig, ship, old, new, newid, what):
    o = [r for r in manifest(orig, ship) if r["box_id"] == old]
    n = [r for r in manifest(new, ship) if r["box_id"] == newid]
    if not o or not n:
        print("manifest rows: %d of %s, %d of %s" % (len(o), old, len(n), newid))
        return
    others = sorted({r["box_id"] for r in manifest(new, ship)} - {newid})
    if others:
        print("the manifest has other boxes: %s" % others)
    if what == "key":
        key = lambda rows: sorted({(r["box_no"], r["box_count"], r["wave"]) for r in rows})
        if key(n) != key(o):
            print("(box_no, box_count, wave) of %s %s, of %s %s" % (newid, key(n), old, key(o)))
    else:
        problems = []
        cmp_seq("manifest rows of %s vs %s (but box_id)" % (newid, old), [strip(r, ("box_id",)) for r in n],
                [strip(r, ("box_id",)) for r in o], problems)
        print("\n".join(problems))


def earlier_boxes(dirs, ship, lea):
    n = 0
    for d in dirs:
        for r in {r["box_id"] for r in manifest(d, ship)}:
            if re.fullmatch(r"%s-%s-R\d{4}" % (ship, lea), r):
                n += 1
    return n


def ssid(orig, new, earlier, sel):
    problems = []
    sel = set(sel)
    seen = set()
    for ship in SHIPS:
        head, rows = stream(orig, ship)
        want_sets = [r for r in rows if r["kind"] == "set" and (r["ssid"], r["report"]) in sel]
        seen |= {(r["ssid"], r["report"]) for r in want_sets}
        divider = {}
        for r in rows:
            if r["kind"] == "divider":
                divider.setdefault(r["school_code"], r)
        nhead, nrows = stream(new, ship)
        if nhead != head:
            problems.append("%s stream header differs" % ship)
        got_sets = [r for r in nrows if r["kind"] == "set"]
        cmp_seq("%s stream's sets vs the original rows" % ship, [strip(r) for r in got_sets],
                [strip(r) for r in want_sets], problems)
        # the boxes: <ship>-<lea>-R<nnnn>, numbered on from earlier reprints
        order = []
        for r in got_sets:
            if r["box_id"] not in order:
                order.append(r["box_id"])
        by_lea = {}
        for b in order:
            lea = next(r["lea_code"] for r in got_sets if r["box_id"] == b)
            by_lea.setdefault(lea, []).append(b)
        for lea, boxes in by_lea.items():
            first = earlier_boxes(earlier, ship, lea) + 1
            want_ids = ["%s-%s-R%04d" % (ship, lea, first + i) for i in range(len(boxes))]
            if boxes != want_ids:
                problems.append("%s LEA %s: boxes %s, wanted %s" % (ship, lea, boxes, want_ids))
        # the whole stream: a divider before each school of a box
        want = []
        prev = None
        for r in got_sets:
            same_box = prev is not None and prev["box_id"] == r["box_id"]
            if not (same_box and prev["school_code"] == r["school_code"]):
                d = dict(divider.get(r["school_code"], {"kind": "divider (none in the original)"}))
                if prev is not None and not same_box and prev["lea_code"] == r["lea_code"] \
                        and prev["school_code"] == r["school_code"]:
                    d["kind"] = "continued"
                d["box_id"] = r["box_id"]
                want.append(strip(d, ("seq",)))
            want.append(strip(r, ("seq",)))
            prev = r
        cmp_seq("%s stream with its dividers" % ship, [strip(r, ("seq",)) for r in nrows], want, problems)
        if [r["seq"] for r in nrows] != [str(i) for i in range(1, len(nrows) + 1)]:
            problems.append("%s stream: seq is not 1..%d" % (ship, len(nrows)))
        m = manifest(new, ship)
        if sorted({r["box_id"] for r in m}) != sorted(order):
            problems.append("%s manifest boxes %s, stream's %s" % (ship, sorted({r["box_id"] for r in m}), order))
        waves = sorted({r["wave"] for r in m})
        if m and waves != ["0"]:
            problems.append("%s manifest: wave %s, wanted 0" % (ship, waves))
    if seen != sel:
        problems.append("the original streams lack %s (a bad selection)" % sorted(sel - seen))
    print("\n".join(problems))


def invoices(new, earlier, year):
    problems = []
    want_qty = {}
    for ship in SHIPS:
        for r in stream(new, ship)[1]:
            if r["kind"] == "set":
                k = (r["lea_code"], ITEM[ship])
                want_qty[k] = want_qty.get(k, 0) + 1
    with open(os.path.join(new, "invoices", "invoices.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    got_qty, ids = {}, {}
    for r in rows:
        k = (r["lea_code"], r["item"])
        got_qty[k] = got_qty.get(k, 0) + int(r["quantity"])
        ids.setdefault(r["lea_code"], set()).add(r["invoice_id"])
    if got_qty != want_qty:
        problems.append("quantities per (LEA, item) %s, the streams' sets %s" % (sorted(got_qty.items()),
                                                                              sorted(want_qty.items())))
    for lea in sorted({k[0] for k in want_qty}):
        n = 1
        for d in earlier:
            with open(os.path.join(d, "invoices", "invoices.csv"), newline="", encoding="utf-8") as f:
                n += len({r["invoice_id"] for r in csv.DictReader(f)
                          if r["lea_code"] == lea and re.search(r"-R\d+$", r["invoice_id"])})
        want = {"INV-%s-%s-R%d" % (year, lea, n)}
        if ids.get(lea) != want:
            problems.append("LEA %s: invoice ids %s, wanted %s" % (lea, sorted(ids.get(lea, [])), sorted(want)))
        elif not os.path.exists(os.path.join(new, "invoices", lea + ".pdf")):
            problems.append("LEA %s: no invoices/%s.pdf" % (lea, lea))
    extra = sorted(set(ids) - {k[0] for k in want_qty})
    if extra:
        problems.append("invoices for LEAs with no reprinted set: %s" % extra)
    print("\n".join(problems))


def dirs(arg):
    return [] if arg == "-" else arg.split(",")


cmd, a = sys.argv[1], sys.argv[2:]
try:
    if cmd == "box":
        box(a[0], a[1], a[2], a[3], a[4], dict(x.split("=", 1) for x in a[5:]))
    elif cmd in ("manifest-key", "manifest-rows"):
        manifest_cmp(*a, cmd[9:])
    elif cmd == "ssid":
        ssid(a[0], a[1], dirs(a[2]), [tuple(x.split(":")) for x in a[3:]])
    elif cmd == "invoices":
        invoices(a[0], dirs(a[1]), a[2])
    else:
        sys.exit("check.py: unknown command " + cmd)
except Exception as e:   # a missing or malformed output: one line, not a traceback
    print("%s: %s: %s" % (cmd, type(e).__name__, e))
PY
chk() { "$py" "$work/check.py" "$@" 2>&1; }
lg=$work/season.ledger
q() { # sql: its rows, fields |-separated (the sqlite3 shell, read-only: it never checkpoints)
	sqlite3 -readonly -batch "$lg" "$1" 2>&1
}
dump() { # every row of the ledger: the sqlite3 shell's .dump of a copy of the file
	# and its -wal (the shell would checkpoint the original)
	rm -f "$work"/snap*
	cp "$lg" "$work/snap" && { [ ! -e "$lg-wal" ] || cp "$lg-wal" "$work/snap-wal"; } &&
		sqlite3 -batch "$work/snap" .dump 'PRAGMA user_version' 2>&1
	rm -f "$work"/snap*
}
js() { # summary.json python-expression (j = the summary): its value as JSON
	"$py" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2]), sort_keys=True))' "$@" 2>&1
}
barcodes() { # pdf...: the Code 128 barcodes of every page rendered at $dpi (100), sorted
	local pdf png
	for pdf in "$@"; do
		rm -f "$work"/bc*.png
		pdftoppm -r "${dpi:-150}" -gray -png "$pdf" "$work/bc" 2>/dev/null
		for png in "$work"/bc*.png; do
			zbarimg --quiet --raw -Sdisable -Scode128.enable "$png" 2>/dev/null | head -1
		done
	done | LC_ALL=C sort
}
pdftext() { pdftotext -q "$1" - 2>/dev/null | tr -s ' \n' '  '; }
# refuse name exit message out args...: `ssrfill reprint args --out $work/out`
# exits `exit`, its stderr holds each line of `message` (fixed strings; one
# line in all for exit 1), it writes no output folder (not even a staged
# one) and the ledger's rows are as they were
refuse() {
	local name=$1 want=$2 msg=$3 out=$work/$4 rc m why=""
	shift 4
	local before after
	before=$(dump)
	"$bin" reprint "$@" --out "$out" >"$out.stdout" 2>"$out.err"
	rc=$?
	after=$(dump)
	[ "$rc" = "$want" ] || why="$why exit $rc, wanted $want;"
	while IFS= read -r m; do
		[ -z "$m" ] || grep -qF -- "$m" "$out.err" || why="$why stderr lacks \"$m\";"
	done <<<"$msg"
	[ "$want" != 1 ] || [ "$(wc -l <"$out.err")" = 1 ] || why="$why not one line on stderr;"
	[ ! -e "$out" ] || why="$why it wrote $out;"
	! ls -d "$out".ssrfill-tmp-* >/dev/null 2>&1 || why="$why it left a staged folder;"
	[ "$before" = "$after" ] || why="$why the ledger changed: $(diff <(echo "$before") <(echo "$after") | head -8)"
	if [ -z "$why" ]; then ok "$name"; else bad "$name" "$why"$'\n'"stderr: $(head -c 800 "$out.err")"; fi
}
# reprint out what args...: `ssrfill reprint args --out $work/out` exits 0
# and ends with its summary line
reprint() {
	local out=$1 what=$2
	shift 2
	"$bin" reprint "$@" --out "$work/$out" >"$work/$out.stdout" 2>"$work/$out.err"
	local rc=$?
	if [ $rc = 0 ]; then ok "$out: reprint $what exits 0"
	else bad "$out: reprint $what exits 0" "exit $rc: $(head -c 1500 "$work/$out.err")"; fi
	check "$out: its summary line on stderr" "$(tail -1 "$work/$out.err" | cut -c1-17)" "ssrfill reprint: "
}

# --- the season: wave 1, boxes of at most 1.5 kg ---------------------------------------
"$bin" gen --quiet --rows 3000 --seed 5 --out "$work/s.csv" --orders "$work/o.csv" || { echo "FAIL gen"; exit 1; }
printf '[box]\nmax_gross_mg = 1500000\n' >"$work/box.ini"
inputs=(--ledger "$lg" --orders "$work/o.csv" --config "$work/box.ini")
"$bin" run --quiet "${inputs[@]}" --students "$work/s.csv" --out "$work/w1" 2>"$work/w1.err" ||
	{ echo "FAIL run --ledger: $(cat "$work/w1.err")"; exit 1; }
year=2018-19

# the box: box N of M (M > 1; N < M if there is one), several schools, the
# first continued from the box before
box=$("$py" - "$work/w1/manifests/august.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
cands = []
for b in dict.fromkeys(r["box_id"] for r in rows):
    m = [r for r in rows if r["box_id"] == b]
    if len(m) >= 2 and m[0]["segment"] == "continued":
        cands.append((m[0]["box_no"] == m[0]["box_count"], b))
print(sorted(cands)[0][1] if cands else "")
PY
)
[ -n "$box" ] || { echo "FAIL wave 1 has no August box with several schools and a continued one"; exit 1; }
lea=$(cut -d- -f2 <<<"$box")
IFS='|' read -r box_key box_wave box_no box_count box_sets <<<"$(q "SELECT box_key, wave, wave_box_no, wave_box_count, n_sets FROM boxes WHERE box_id = '$box'")"
orig_sets=$(q "SELECT set_key FROM sets WHERE box_key = $box_key ORDER BY seq" | tr '\n' ' ')
echo "     the box: $box (box $box_no of $box_count, wave $box_wave, $box_sets sets)"

# the students: A (sets in two shipments), B (another LEA), C (A's LEA, a
# report in one of A's shipments: one chosen with --report), D (one of its
# rows will be gone), each with two printed reports or more, none in the box;
# E, a student of the box whose last name will be corrected
picks=$("$py" - "$lg" "$box" "$work/s.csv" <<'PY'
import csv, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
in_box = {r[0] for r in db.execute("SELECT ssid FROM printed WHERE box_id = ?", (sys.argv[2],))}
multi = [m for m in db.execute(
    "SELECT ssid, lea, group_concat(shipment), group_concat(report) FROM printed "
    "GROUP BY ssid HAVING count(*) >= 2 AND ssid >= 1000000000 ORDER BY ssid") if m[0] not in in_box]
a = next(m for m in multi if len(set(m[2].split(","))) >= 2)
b = next(m for m in multi if m[1] != a[1])
c = next(m for m in multi if m[1] == a[1] and m[0] != a[0] and set(m[2].split(",")) & set(a[2].split(",")))
cx = next(r for s, r in zip(c[2].split(","), c[3].split(",")) if s in a[2].split(","))
d = next(m for m in multi if m[0] not in (a[0], b[0], c[0]))
no_report = next(r for r in ("ELPAC", "CAA", "CSA", "CAAS", "CAST", "SB") if r not in a[3].split(","))
names = {}
for r in csv.DictReader(open(sys.argv[3], newline="", encoding="utf-8")):
    names.setdefault(r["ssid"], r["last_name"])
box_ssids = [r[0] for r in db.execute(
    "SELECT ssid FROM sets WHERE box_key = (SELECT box_key FROM boxes WHERE box_id = ?) ORDER BY seq",
    (sys.argv[2],))]
e = next(s for s in box_ssids[2:] if names["%010d" % s].isascii() and names["%010d" % s].isalpha())
print(a[0], a[3].replace(",", " "), "|", b[0], "|", c[0], cx, "|", d[0], "|", no_report, "|", e)
PY
)
IFS='|' read -r pa pb pc pd no_report E <<<"$picks"
read -r A A_reports <<<"$pa"; read -r B <<<"$pb"; read -r C X <<<"$pc"; read -r D <<<"$pd"
read -r no_report <<<"$no_report"; read -r E <<<"$E"
if [ -z "${E:-}" ]; then echo "FAIL no students to reprint: $picks"; exit 1; fi
echo "     the students: A $A ($A_reports), B $B, C $C ($X), D $D, E $E (in the box)"
pairs() { # ssid...: ssid:report of each printed set of theirs
	local s
	for s in "$@"; do q "SELECT printf('%010d', ssid) || ':' || report FROM sets WHERE ssid = $s ORDER BY set_key"; done
}

# --- refused before anything: what the ledger never printed; usage ---------------------
refuse "a box id the ledger never printed: exit 1, nothing written, the ledger as it was" 1 \
	"box august-$lea-0099: the ledger $lg never printed it" no_box \
	"${inputs[@]}" --students "$work/s.csv" --box "august-$lea-0099" --reason "water damage"
unknown=9999999999
while [ "$(q "SELECT count(*) FROM sets WHERE set_key BETWEEN $unknown * 16 AND $unknown * 16 + 15")" != 0 ]; do
	unknown=$((unknown - 1))
done
refuse "an ssid the ledger never printed: exit 1, nothing written, the ledger as it was" 1 \
	"ssid $unknown"$'\n'"the ledger $lg never printed" no_ssid \
	"${inputs[@]}" --students "$work/s.csv" --ssid $unknown --reason "lost in the mail"
refuse "a report of a printed ssid the ledger never printed: exit 1, naming both" 1 \
	"ssid $A (report $no_report): the ledger $lg never printed it" no_report \
	"${inputs[@]}" --students "$work/s.csv" --ssid "$A" --report "$no_report" --reason "lost in the mail"
refuse "--box with --ssid: usage error (exit 2), nothing written" 2 "" u1 \
	"${inputs[@]}" --students "$work/s.csv" --box "$box" --ssid "$A" --reason "water damage"
refuse "no --reason: usage error (exit 2), nothing written" 2 "" u2 \
	"${inputs[@]}" --students "$work/s.csv" --box "$box"
refuse "--report without --ssid: usage error (exit 2), nothing written" 2 "" u3 \
	"${inputs[@]}" --students "$work/s.csv" --box "$box" --report SB --reason "water damage"

# --- the box again: <box>-R1 -----------------------------------------------------------------
invoices_before=$(q "SELECT count(*) FROM invoices")
t0=$(date +%s)
reprint r1 "--box $box" "${inputs[@]}" --students "$work/s.csv" --box "$box" --reason "water damage" --operator tester
t1=$(date +%s)
r1=$box-R1
empty "r1: its print stream is the box's rows (dividers, the continued school's sheet, sets), every column but seq and box_id, in order, as box $r1" \
	"$(chk box "$work/w1" august "$box" "$work/r1" "$r1")"
empty "r1: its manifest keeps the box's box_no, box_count and wave (box $box_no of $box_count, wave $box_wave)" \
	"$(chk manifest-key "$work/w1" august "$box" "$work/r1" "$r1")"
empty "r1: its manifest rows are the box's (but box_id)" \
	"$(chk manifest-rows "$work/w1" august "$box" "$work/r1" "$r1")"
check "r1: one label file and one packing list, the box's LEA's" \
	"$(cd "$work/r1" 2>/dev/null && ls labels/*/*.pdf packing/*/*.pdf 2>&1 | tr '\n' ' ')" \
	"labels/august/$lea.pdf packing/august/$lea.pdf "
grep -qF "REPRINT of $box" <<<"$(pdftext "$work/r1/labels/august/$lea.pdf")" &&
	ok "r1: the label says REPRINT of $box" ||
	bad "r1: the label says REPRINT of $box" "$(pdftext "$work/r1/labels/august/$lea.pdf" | head -c 600)"
grep -qF "REPRINT of $box" <<<"$(pdftext "$work/r1/packing/august/$lea.pdf")" &&
	ok "r1: the packing list says REPRINT of $box" ||
	bad "r1: the packing list says REPRINT of $box" "$(pdftext "$work/r1/packing/august/$lea.pdf" | head -c 600)"
# (README.md, Documents: a box reprint's label "scans from 150 dpi", and
# the operator's loop reads labels so)
got=$(barcodes "$work/r1/labels/august/$lea.pdf" | tr '\n' ' ')
if [ "$got" = "$r1 " ]; then ok "r1: the label's barcode reads $r1 (from a 150 dpi rendering)"
else bad "r1: the label's barcode reads $r1 (from a 150 dpi rendering)" "got: '$got'; at 200 dpi: '$(dpi=200 barcodes "$work/r1/labels/august/$lea.pdf" | tr '\n' ' ')'"; fi
check "r1: summary.json has run's keys and the reprint object" \
	"$("$py" -c 'import json,sys; a, b = (set(json.load(open(f))) for f in sys.argv[1:]); print(sorted(a - b), "reprint" in b)' "$work/w1/summary.json" "$work/r1/summary.json" 2>&1)" \
	"[] True"
check "r1: free: invoices.csv has its header only, no invoice PDF, no invoice in the ledger" \
	"$(wc -l <"$work/r1/invoices/invoices.csv" 2>&1) $(ls "$work/r1/invoices" 2>/dev/null | grep -c '\.pdf$') $(q "SELECT count(*) FROM invoices")" \
	"1 0 $invoices_before"
check "r1: summary.json's reprint object" \
	"$(js "$work/r1/summary.json" '{k: j["reprint"].get(k) for k in ("kind", "reason", "operator", "billed", "sets", "changed")} | {"boxes": [{k: b.get(k) for k in ("box_id", "reprint_of", "shipment", "lea_code", "sets")} for b in j["reprint"]["boxes"]]}')" \
	"$("$py" -c 'import json,sys; print(json.dumps({"kind": "box", "reason": "water damage", "operator": "tester", "billed": False, "sets": int(sys.argv[3]), "changed": 0, "boxes": [{"box_id": sys.argv[1] + "-R1", "reprint_of": sys.argv[1], "shipment": "august", "lea_code": sys.argv[2], "sets": int(sys.argv[3])}]}, sort_keys=True))' "$box" "$lea" "$box_sets")"
check "r1: the ledger has the reprint's run (command reprint, printed)" \
	"$(q "SELECT command, status FROM runs ORDER BY run_id DESC LIMIT 1")" "reprint|printed"
check "r1: the ledger: the old box void, the new one printed, replacing it, with its wave and box N of M, no box_no" \
	"$(q "SELECT o.status, n.status, n.shipment, printf('%07d', n.lea), n.wave, n.box_no IS NULL, n.wave_box_no, n.wave_box_count, n.n_sets FROM boxes n JOIN boxes o ON o.box_key = n.reprint_of WHERE n.box_id = '$r1' AND o.box_id = '$box'")" \
	"void|printed|august|$lea|$box_wave|1|$box_no|$box_count|$box_sets"
check "r1: the ledger: a reprints row, kind box, reason, operator, not billed, its time, the reprint's run" \
	"$(q "SELECT kind, reason, operator, billed, at BETWEEN $t0 AND $t1, run_id = (SELECT max(run_id) FROM runs) FROM reprints")" \
	"box|water damage|tester|0|1|1"
check "r1: the ledger: reprint_sets holds every set of the box, in the box's order, unchanged" \
	"$(q "SELECT r.set_key FROM reprint_sets r JOIN boxes b ON b.box_key = r.new_box_key WHERE b.box_id = '$r1' ORDER BY r.seq" | tr '\n' ' ')|$(q "SELECT coalesce(sum(changed), -1) FROM reprint_sets")" \
	"$orig_sets|0"

# a reprinted box is void: its reprint is the box to reprint
# (the contract's words: "box <id> is void: it was reprinted as <new id>;
# reprint that box"; docs/rules.md §15.5 asks only that it name the box that
# replaces it, and ssrfill says "<new id> replaces it now; reprint that box
# instead")
refuse "a void box: exit 1, naming its reprint, nothing written" 1 \
	"box $box is void: "$'\n'" $r1 "$'\n'"reprint that box" void1 \
	"${inputs[@]}" --students "$work/s.csv" --box "$box" --reason "water damage"

# --- scan and status ---------------------------------------------------------------------------------
printf '%s\n' "$box" "$r1" | "$bin" scan --ledger "$lg" --station dock1 >"$work/scan1.txt" 2>&1
grep -q "^VOID $box .*replaced by a reprint $r1\b" "$work/scan1.txt" &&
	ok "scan: the old box is VOID, naming $r1" || bad "scan: the old box is VOID, naming $r1" "$(cat "$work/scan1.txt")"
grep -q "^OK $r1 LEA $lea box $box_no of $box_count, wave $box_wave: " "$work/scan1.txt" &&
	ok "scan: $r1 is OK, box $box_no of $box_count of wave $box_wave" ||
	bad "scan: $r1 is OK, box $box_no of $box_count of wave $box_wave" "$(cat "$work/scan1.txt")"
"$bin" status --ledger "$lg" --check >"$work/st1.txt" 2>"$work/st1.err"
rc=$?
missing_ids=$(sed -n 's/.*missing [0-9]*: //p' "$work/st1.txt" | tr ' ' '\n')
if [ $rc = 1 ] && ! grep -qxF "$box" <<<"$missing_ids" && ! grep -qxF "$r1" <<<"$missing_ids" &&
	grep -q "  void 1  missing [0-9]*$" <(tail -1 "$work/st1.txt"); then
	ok "status: the void box is counted void, not missing; --check exits 1 while other boxes are unscanned"
else
	bad "status: the void box is counted void, not missing" "exit $rc: $(grep -e "LEA $lea" -e '^total' "$work/st1.txt")"
fi
q "SELECT box_id FROM boxes WHERE status = 'printed'" | "$bin" scan --ledger "$lg" --station dock1 >/dev/null 2>&1
"$bin" status --ledger "$lg" --check >"$work/st2.txt" 2>"$work/st2.err"
check "status --check exits 0 once every box but the void one is scanned (total: void 1, missing 0)" \
	"$? $(tail -1 "$work/st2.txt" | sed 's/.*  void/void/')" "0 void 1  missing 0"

# --- R1 again, from a file where E's last name was corrected: <box>-R2 --------------------------
new_name=Zyxwvutsr
"$py" - "$work/s.csv" "$work/s_fixed.csv" "$E" "$new_name" <<'PY' || { echo "FAIL writing the corrected students file"; exit 1; }
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f, open(sys.argv[2], "w", newline="", encoding="utf-8") as g:
    r, w = csv.reader(f), csv.writer(g, lineterminator="\n")
    head = next(r)
    w.writerow(head)
    ssid, last = head.index("ssid"), head.index("last_name")
    for x in r:
        if x[ssid] == "%010d" % int(sys.argv[3]):
            x[last] = sys.argv[4]
        w.writerow(x)
PY
E_sets=$(q "SELECT printf('%010d', ssid) || ':' || report FROM sets WHERE box_key = $box_key AND ssid = $E ORDER BY set_key" | tr '\n' ' ')
reprint r2 "--box ' ${r1^^} ' (a corrected students file)" "${inputs[@]}" --students "$work/s_fixed.csv" --box " ${r1^^} " --reason "torn in transit" --operator tester
r2=$box-R2
empty "r2: $r1 (given as '  ${r1^^} ', as a scanner may type it) reprinted as $r2: the box's rows, with E's corrected last name" \
	"$(chk box "$work/w1" august "$box" "$work/r2" "$r2" "$(printf '%010d' "$E")=$new_name")"
empty "r2: its manifest keeps box $box_no of $box_count, wave $box_wave" \
	"$(chk manifest-key "$work/w1" august "$box" "$work/r2" "$r2")"
grep -qF "reprinted from the current rows (listed in reports/changed_since_printed.csv)" "$work/r2.err" &&
	ok "r2: stderr says the changed sets were reprinted from the current rows" ||
	bad "r2: stderr says the changed sets were reprinted from the current rows" "$(cat "$work/r2.err")"
check "r2: reports/changed_since_printed.csv lists E's sets of the box, with the name as it is now" \
	"$("$py" -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")): print("%s:%s:%s" % (r["ssid"], r["report"], r["last_name"]), end=" ")' \
	"$work/r2/reports/changed_since_printed.csv" 2>&1)" \
	"$(for s in $E_sets; do printf '%s:%s ' "$s" "$new_name"; done)"
check "r2: summary.json's reprint: box, the changed sets counted, $r2 replacing $r1" \
	"$(js "$work/r2/summary.json" '[j["reprint"]["kind"], j["reprint"]["sets"], j["reprint"]["changed"], [[b["box_id"], b["reprint_of"]] for b in j["reprint"]["boxes"]]]')" \
	"[\"box\", $box_sets, $(wc -w <<<"$E_sets"), [[\"$r2\", \"$r1\"]]]"
check "r2: the ledger: $r1 void, $r2 replacing it, the changed sets marked" \
	"$(q "SELECT o.status, n.status, n.wave, n.wave_box_no, n.wave_box_count FROM boxes n JOIN boxes o ON o.box_key = n.reprint_of WHERE n.box_id = '$r2' AND o.box_id = '$r1'")|$(q "SELECT printf('%010d', set_key >> 4) FROM reprint_sets WHERE changed = 1" | sort -u | tr '\n' ' ')" \
	"void|printed|$box_wave|$box_no|$box_count|$(printf '%010d' "$E") "
grep -qF "REPRINT of $box" <<<"$(pdftext "$work/r2/labels/august/$lea.pdf")" &&
	ok "r2: the label says it is a REPRINT of the box" ||
	bad "r2: the label says it is a REPRINT of the box" "$(pdftext "$work/r2/labels/august/$lea.pdf" | head -c 600)"
got=$(barcodes "$work/r2/labels/august/$lea.pdf" | tr '\n' ' ')
if [ "$got" = "$r2 " ]; then ok "r2: the label's barcode reads $r2 (from a 150 dpi rendering)"
else bad "r2: the label's barcode reads $r2 (from a 150 dpi rendering)" "got: '$got'; at 200 dpi: '$(dpi=200 barcodes "$work/r2/labels/august/$lea.pdf" | tr '\n' ' ')'"; fi
# a later wave from the corrected file: the LEA was sent the corrected
# reports, so nothing of E is "changed since printed" any more (the
# ledger's digest is the reprint's); a run on the original file lists E's
# sets as changed, naming the box they are in now, r2
"$bin" run --quiet --students "$work/s_fixed.csv" --orders "$work/o.csv" --config "$work/box.ini" \
	--ledger "$lg" --no-documents --out "$work/w2fixed" >"$work/w2fixed.err" 2>&1
check "a later wave from the corrected file: E's sets of the box are not changed since printed (the reprint sent the new name)" \
	"$("$py" -c 'import csv,sys
want = set(sys.argv[2].split())
print(sorted("%s:%s" % (r["ssid"], r["report"]) for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"))
      if "%s:%s" % (r["ssid"], r["report"]) in want))' "$work/w2fixed/reports/changed_since_printed.csv" "$E_sets" 2>&1)" "[]"
"$bin" run --quiet --students "$work/s.csv" --orders "$work/o.csv" --config "$work/box.ini" \
	--ledger "$lg" --no-documents --out "$work/w2orig" >"$work/w2orig.err" 2>&1
check "a later wave from the old file: E's sets changed since printed, in $r2" \
	"$("$py" -c 'import csv,sys
want = set(sys.argv[2].split())
print(sorted(set(r["box_id"] for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"))
                 if "%s:%s" % (r["ssid"], r["report"]) in want)))' \
	"$work/w2orig/reports/changed_since_printed.csv" "$E_sets" 2>&1)" "['$r2']"
echo "$r1" | "$bin" scan --ledger "$lg" --station dock1 >"$work/scan2.txt" 2>&1
grep -q "^VOID $r1 .*replaced by a reprint $r2\b" "$work/scan2.txt" &&
	ok "scan: $r1 is now VOID, naming $r2" || bad "scan: $r1 is now VOID, naming $r2" "$(cat "$work/scan2.txt")"
refuse "$r1, void now: exit 1, naming $r2" 1 "box $r1 is void: "$'\n'" $r2 "$'\n'"reprint that box" void2 \
	"${inputs[@]}" --students "$work/s.csv" --box "$r1" --reason "water damage"

# --- students' sets: --ssid A --ssid B (every printed report), billed ------------------------------
AB_pairs=$(pairs "$A" "$B")
reprint s1 "--ssid $A --ssid $B --bill" "${inputs[@]}" --students "$work/s.csv" --ssid "$A" --ssid "$B" --reason "lost in the mail" --operator tester --bill
empty "s1: A's and B's printed sets, as printed (but seq and box_id), a run's order and dividers, in boxes <shipment>-<lea>-R0001" \
	"$(chk ssid "$work/w1" "$work/s1" - $AB_pairs)"
empty "s1: --bill: one invoice an LEA, INV-$year-<lea>-R1, its quantities the sets" \
	"$(chk invoices "$work/s1" - "$year")"
s1_boxes=$(cat "$work"/s1/manifests/*.csv 2>/dev/null | grep -v '^box_id,' | cut -d, -f1 | LC_ALL=C sort -u)
check "s1: every label's barcode is a box of the manifests" \
	"$(barcodes "$work"/s1/labels/*/*.pdf | tr '\n' ' ')" "$(tr '\n' ' ' <<<"$s1_boxes")"
labels_ok=1
for f in "$work"/s1/labels/*/*.pdf "$work"/s1/packing/*/*.pdf; do
	t=$(pdftext "$f")
	grep -q REPRINT <<<"$t" && ! grep -q "REPRINT of" <<<"$t" || { labels_ok=0; bad "s1: ${f#"$work"/} says REPRINT (not of a box)" "$(head -c 400 <<<"$t")"; }
done
[ $labels_ok = 1 ] && ok "s1: labels and packing lists say REPRINT"
check "s1: summary.json's reprint: ssid, billed, the sets, boxes replacing none" \
	"$(js "$work/s1/summary.json" '[j["reprint"][k] for k in ("kind", "reason", "operator", "billed", "sets", "changed")] + [sorted(b["box_id"] for b in j["reprint"]["boxes"]), sum(b["sets"] for b in j["reprint"]["boxes"]), sorted({str(b["reprint_of"]) for b in j["reprint"]["boxes"]})]')" \
	"$("$py" -c 'import json,sys; print(json.dumps(["ssid", "lost in the mail", "tester", True, int(sys.argv[1]), 0, sys.argv[2].split(), int(sys.argv[1]), ["None"]], sort_keys=True))' "$(wc -w <<<"$AB_pairs")" "$s1_boxes")"
check "s1: the ledger: the boxes replace none, no box_no, wave 0; a reprints row (ssid, billed); a reprint_sets row a set; invoices kind reprint, wave 0" \
	"$(q "SELECT group_concat(box_id, ' '), sum(reprint_of IS NULL AND box_no IS NULL AND wave = 0) FROM (SELECT * FROM boxes WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY box_id)")|$(q "SELECT kind, billed, reason FROM reprints ORDER BY reprint_id DESC LIMIT 1")|$(q "SELECT count(*) FROM reprint_sets WHERE reprint_id = (SELECT max(reprint_id) FROM reprints)")|$(q "SELECT group_concat(invoice_id || ' ' || kind || ' ' || wave, ', ') FROM (SELECT * FROM invoices WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY invoice_id)")" \
	"$(tr '\n' ' ' <<<"$s1_boxes" | sed 's/ $//')|$(wc -l <<<"$s1_boxes")|ssid|1|lost in the mail|$(wc -w <<<"$AB_pairs")|$(tail -n +2 "$work/s1/invoices/invoices.csv" 2>/dev/null | cut -d, -f1 | LC_ALL=C sort -u | sed 's/$/ reprint 0/' | paste -sd, | sed 's/,/, /g')"
"$bin" status --ledger "$lg" >"$work/st3.txt" 2>&1
not_listed=""
for b in $s1_boxes; do
	grep "reprints" "$work/st3.txt" | tr ' ' '\n' | grep -qxF "$b" || not_listed="$not_listed $b"
done
if [ -n "$s1_boxes" ] && [ -z "$not_listed" ]; then ok "status lists the new boxes as reprints (missing until scanned)"
else bad "status lists the new boxes as reprints (missing until scanned)" "not on a line saying reprints:$not_listed"$'\n'"$(cat "$work/st3.txt")"; fi

# --- --ssid C --report X: one set, numbered on; the operator is $USER -----------------------------
env USER=floorlead "$bin" reprint "${inputs[@]}" --students "$work/s.csv" --ssid "$C" --report "$X" \
	--reason "family asked" --bill --out "$work/s2" >/dev/null 2>"$work/s2.err"
check "s2: reprint --ssid $C --report $X --bill (no --operator) exits 0" "$?" 0
empty "s2: only C's $X set, in a box numbered on from s1's boxes of its shipment and LEA" \
	"$(chk ssid "$work/w1" "$work/s2" "$work/s1" "$(printf '%010d' "$C"):$X")"
empty "s2: billed as INV-$year-<lea>-R2 (the LEA's second reprint invoice), its quantity 1" \
	"$(chk invoices "$work/s2" "$work/s1" "$year")"
check "s2: the reprint's operator is \$USER" \
	"$(q "SELECT operator, kind, billed FROM reprints ORDER BY reprint_id DESC LIMIT 1")|$(js "$work/s2/summary.json" 'j["reprint"]["operator"]')" \
	"floorlead|ssid|1|\"floorlead\""

# --- find counts the reprints ----------------------------------------------------------------------
"$bin" find --ledger "$lg" --ssid "$A" --json >"$work/findA.json" 2>&1
check "find: each of A's reports was reprinted once" \
	"$(js "$work/findA.json" 'sorted((r["report"], r["reprints"]) for r in j["reports"])')" \
	"$("$py" -c 'import json,sys; print(json.dumps(sorted([r, 1] for r in sys.argv[1:])))' $A_reports)"
"$bin" find --ledger "$lg" --ssid "$A" >"$work/findA.txt" 2>&1
not_listed=""
for b in $(q "SELECT DISTINCT b.box_id FROM reprint_sets r JOIN boxes b ON b.box_key = r.new_box_key WHERE r.set_key BETWEEN $A * 16 AND $A * 16 + 15"); do
	grep -qF -- "$b" "$work/findA.txt" || not_listed="$not_listed $b"
done
empty "find: A's answer lists the reprint boxes" "${not_listed:+not listed:$not_listed$'\n'$(cat "$work/findA.txt")}"
"$bin" find --ledger "$lg" --ssid "$E" --json >"$work/findE.json" 2>&1
check "find: E's set of the box was reprinted twice, the latest in $r2" \
	"$(js "$work/findE.json" '[[r["reprints"], r.get("reprint_box_id")] for r in j["reports"] if r["box_id"] == sys.argv[3]]' "$box" 2>&1)" "[[2, \"$r2\"]]"

# --- a set whose row the current file no longer has ----------------------------------------------
IFS=: read -r _ D_report <<<"$(pairs "$D" | head -1)"
D_box=$(q "SELECT box_id FROM printed WHERE set_key = $D * 16 + (SELECT CASE '$D_report' WHEN 'SB' THEN 0 WHEN 'CAA' THEN 1 WHEN 'CAST' THEN 2 WHEN 'CAAS' THEN 3 WHEN 'CSA' THEN 4 ELSE 5 END)")
"$py" - "$work/s.csv" "$work/s_gone.csv" "$D" "$D_report" <<'PY' || { echo "FAIL writing the students file without D's row"; exit 1; }
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f, open(sys.argv[2], "w", newline="", encoding="utf-8") as g:
    r, w = csv.reader(f), csv.writer(g, lineterminator="\n")
    head = next(r)
    w.writerow(head)
    for x in r:
        if (x[head.index("ssid")], x[head.index("report")]) != ("%010d" % int(sys.argv[3]), sys.argv[4]):
            w.writerow(x)
PY
refuse "a set whose row the students file no longer has: exit 1 naming the ssid, report and box, nothing written" 1 \
	"$D"$'\n'"$D_report"$'\n'"$D_box" gone \
	"${inputs[@]}" --students "$work/s_gone.csv" --ssid "$D" --reason "lost in the mail"

# --- a set whose LEA's orders no longer ask for paper ---------------------------------------------
B_lea=$(q "SELECT printf('%07d', lea) FROM printed WHERE ssid = $B LIMIT 1")
IFS=: read -r _ B_report <<<"$(pairs "$B" | head -1)"
# the box the LEA has the set in now (docs/rules.md §15.5): B's ssid reprint's
B_box=$(q "SELECT coalesce((SELECT n.box_id FROM reprint_sets p JOIN boxes n ON n.box_key = p.new_box_key
	WHERE p.set_key = s.set_key ORDER BY p.new_box_key DESC LIMIT 1), box_id)
	FROM printed s WHERE ssid = $B AND report = '$B_report'")
grep -v "^$B_lea," "$work/o.csv" >"$work/o_less.csv"
refuse "a set its LEA's orders no longer ask for on paper: exit 1 naming the ssid, report and box, nothing written" 1 \
	"$B"$'\n'"$B_report"$'\n'"$B_box" unordered \
	--ledger "$lg" --orders "$work/o_less.csv" --config "$work/box.ini" --students "$work/s.csv" \
	--ssid "$B" --report "$B_report" --reason "lost in the mail"

# --- the ledger: four reprints, mode 0600, no names -------------------------------------------------
check "the ledger: four reprint runs, four reprints rows" \
	"$(q "SELECT count(*) FROM runs WHERE command = 'reprint' AND status = 'printed'") $(q "SELECT count(*) FROM reprints")" "4 4"
check "the ledger is mode 0600" "$(stat -c %a "$lg")" 600
names=$("$py" -c 'import csv,sys
seen = []
for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    n = r["last_name"]
    if len(n) >= 6 and n not in seen:
        seen.append(n)
print("\n".join(seen[:20]))' "$work/s.csv")
leaked=""
while IFS= read -r n; do
	grep -qaF -- "$n" "$lg" "$lg-wal" 2>/dev/null && leaked="$leaked [$n]"
done <<<"$names"$'\n'"$new_name"$'\n'"water damage"
# (the reason is no name: it must be there, as a control that the grep sees the ledger's text)
if [ "$(wc -l <<<"$names")" = 20 ] && [ "$leaked" = " [water damage]" ]; then
	ok "the ledger holds none of 20 last names of the input nor the corrected one"
else
	bad "the ledger holds no names" "found:$leaked"
fi

# --- README.md: the operator's loop, step 5, after the season's walkthrough ---------------------
# (as tests/e2e_find.sh runs the walkthrough: on --rows 3000 --seed 5)
readme_block() { # marker: the fenced block after the README line holding it, without its fences
	awk -v m="$1" 'index($0, m) { on = 1; next }
		on && /^```/ { if (in_block) exit; in_block = 1; next }
		in_block { print }' "$top/README.md"
}
if [ -n "${SSRFILL_SANITIZED:-}" ]; then
	echo "skip README.md's step 5 under a sanitizer (it runs the whole walkthrough again)"
else
	mkdir -p "$work/readme"
	{ readme_block "e2e_find.sh runs this block"; readme_block "e2e_reprint.sh runs this block"; } |
		sed -e "s|\./ssrfill|\"\$SSRFILL_BIN\"|g" -e 's/--rows 60000 --seed 2019/--rows 3000 --seed 5/g' \
		>"$work/readme/loop.sh"
	grep -q -- '--box [a-z]' "$work/readme/loop.sh" && grep -q -- '--ssid "\$ssid"' "$work/readme/loop.sh" &&
		ok "README: step 5 (reprint a box, a student's reports) is there, after its marker" ||
		bad "README: step 5 is there, after its marker" "$(cat "$work/readme/loop.sh")"
	if (cd "$work/readme" && USER=floorlead SSRFILL_BIN=$bin bash -e -o pipefail loop.sh) \
		>"$work/readme/out.txt" 2>"$work/readme/err.txt"; then
		ok "README: the walkthrough and step 5 run"
	else
		bad "README: the walkthrough and step 5 run" "$(tail -8 "$work/readme/err.txt")"
	fi
	ro=$work/readme/out
	rbox=$(sed -n 's/.*--box \([a-z0-9-]*\).*/\1/p' "$work/readme/loop.sh" | head -1)
	check "README 5a: the box ($rbox) reprinted as $rbox-R1, the old box scanned VOID" \
		"$(cut -d, -f1 "$ro/reprint_box/manifests/${rbox%%-*}.csv" 2>&1 | sort -u | tr '\n' ' ')$(grep -c "^VOID $rbox .*$rbox-R1\b" "$work/readme/out.txt")" \
		"box_id $rbox-R1 1"
	rssid=$(sed -n 's/^ssid \([0-9]*\): .*/\1/p' "$work/readme/out.txt" | head -1)
	check "README 5b: the student's printed reports reprinted, billed, and find counts a reprint each" \
		"$(js "$ro/reprint_family/summary.json" '[j["reprint"]["kind"], j["reprint"]["billed"], j["reprint"]["sets"]]')|$(grep -c '^  reprints  1\b' "$work/readme/out.txt")" \
		"[\"ssid\", true, $(lg=$ro/season.ledger q "SELECT count(*) FROM sets WHERE set_key BETWEEN ${rssid:-0} * 16 AND ${rssid:-0} * 16 + 15")]|$(lg=$ro/season.ledger q "SELECT count(*) FROM sets WHERE set_key BETWEEN ${rssid:-0} * 16 AND ${rssid:-0} * 16 + 15")"
fi

echo "e2e_reprint: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
