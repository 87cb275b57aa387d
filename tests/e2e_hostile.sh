#!/usr/bin/env bash
# Hostile input end to end (issue 12, items 1-3): huge fields and records,
# many columns, zstd bombs, combining-mark bombs and blank-line bombs
# (fixtures/hostile/, the large files made here by make_hostile.py) through
# `ssrfill sort` and `ssrfill run --memory 16M --threads 2`, each under a
# virtual memory limit and a time limit, checking what an operator relies
# on: the exit code, the reject of every hostile row with its line and the
# limit it breaks, a raw prefix never longer than the limits, peak resident
# memory within --memory + 32 MiB (README "How the sort works"), and
# counts that reconcile in summary.json.  A hostile header makes the file
# unusable (exit 1, the file, the line and the limit named).
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_hostile.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SSRFILL:-$top/ssrfill}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
fx=$top/fixtures/hostile
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e-hostile.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR" "$work/o" "$work/in"
o=$work/o
in=$work/in
pass=0 fail=0
python=("$(python3 -c 'import sys; print(sys.executable)')" -S)
start=$SECONDS

ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }

# Limits of every command.  A normal run at --memory 16M --threads 2
# reserves about 100 MiB of address space (jemalloc arenas, thread stacks,
# fontconfig); 512 MiB leaves room for that and stops a regression long
# before it hurts the machine.  The promise checked is peak RSS.
MEMORY_MIB=16
RSS_MAX_KB=$(((MEMORY_MIB + 32) * 1024))
VMEM_KB=$((512 * 1024))
SECONDS_MAX=20   # per command; the marks cases get 5 s (below)
# Sanitizers reserve terabytes of shadow address space and run several
# times slower: no address-space or RSS limit there, a longer timeout.
sanitized=${SSRFILL_SANITIZED:-}
[ -n "$sanitized" ] && SECONDS_MAX=120

# limited NAME CODE PATTERN -- command...: the command under ulimit -v and
# timeout, its exit code, a stderr pattern, and its peak RSS.
limited() {
	local name=$1 code=$2 pat=$3; shift 4
	(
		[ -z "$sanitized" ] && ulimit -v "$VMEM_KB"
		exec /usr/bin/time -f %M -o "$work/rss" timeout -s KILL "$SECONDS_MAX" "$@"
	) >"$work/stdout" 2>"$work/stderr"
	local rc=$? rss
	rss=$(tail -n 1 "$work/rss" 2>/dev/null)
	if [ "$rc" != "$code" ]; then
		bad "$name: exit $code" "exit $rc; stderr: $(head -c 1500 "$work/stderr")"
	elif ! grep -qE -- "$pat" "$work/stderr"; then
		bad "$name: exit $code" "stderr lacks /$pat/: $(head -c 1500 "$work/stderr")"
	else
		ok "$name: exit $code"
	fi
	if [ -n "$sanitized" ]; then
		:
	elif [[ "$rss" =~ ^[0-9]+$ ]] && [ "$rss" -le "$RSS_MAX_KB" ]; then
		ok "$name: peak RSS $((rss / 1024)) MiB within --memory ${MEMORY_MIB}M + 32 MiB"
	else
		bad "$name: peak RSS within --memory ${MEMORY_MIB}M + 32 MiB" "peak RSS ${rss:-?} KB, limit $RSS_MAX_KB KB"
	fi
}

# check.py: the rejects and summary.json against expected.txt
cat >"$work/check.py" <<'PY'
import csv, json, os, re, sys
csv.field_size_limit(1 << 30)
RECORD_MAX, PREFIX_MAX = 65536, 1024

def die(msg):
    print(msg)
    sys.exit(1)

def expected(exp, name):
    rows, rejects = None, []
    for l in open(exp, encoding="utf-8"):
        f, line, reason = l.rstrip("\n").split("|", 2)
        if f != name:
            continue
        if line == "rows":
            rows = int(reason)
        else:
            rejects.append((int(line), reason))
    return rows, rejects

def check_rejects(path, want):
    with open(path, "rb") as fh:
        text = fh.read().decode("utf-8", "surrogateescape")
    got = list(csv.reader(text.splitlines(True)))[1:]
    for line, reason in want:
        if reason == "!":
            if any(int(r[0]) == line for r in got):
                die("%s: line %d is rejected: %s" % (os.path.basename(path), line,
                                                     [r[1] for r in got if int(r[0]) == line]))
            continue
        if not any(int(r[0]) == line and re.search(reason, r[1]) for r in got):
            die("%s: no reject on line %d matching /%s/; got %s" %
                (os.path.basename(path), line, reason, [(r[0], r[1][:90]) for r in got][:6]))
    for r in got:
        raw = r[2].encode("utf-8", "surrogateescape")
        if len(raw) > RECORD_MAX:
            die("line %s: a raw of %d bytes, over the record limit" % (r[0], len(raw)))
        if "record limit" in r[1] and len(raw) > PREFIX_MAX:
            die("line %s: a too-long record kept %d raw bytes, more than %d" % (r[0], len(raw), PREFIX_MAX))
    return len(got)

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "sort":          # EXPECTED NAME REJECTS STDERR
    rows, want = expected(args[0], args[1])
    n = check_rejects(args[2], want)
    m = re.search(r"(\d+) rows read, (\d+) sorted, (\d+) rejected", open(args[3]).read())
    if not m:
        die("no summary line on stderr")
    read, ok, rej = map(int, m.groups())
    if rows is not None and read != rows:
        die("%d rows read, the file has %d" % (read, rows))
    if read != ok + rej or rej != n:
        die("%d read != %d sorted + %d rejected (rejects file: %d rows)" % (read, ok, rej, n))
elif cmd == "run":         # EXPECTED NAME DIR
    rows, want = expected(args[0], args[1])
    n = check_rejects(os.path.join(args[2], "rejects", "students.csv"), want)
    s = json.load(open(os.path.join(args[2], "summary.json")))
    st = s["students"]
    if rows is not None and st["rows_read"] != rows:
        die("rows_read %d, the file has %d" % (st["rows_read"], rows))
    if st["rows_read"] != st["rejected"] + st["printed"] + st["electronic_only"]:
        die("rows_read %(rows_read)d != rejected %(rejected)d + printed %(printed)d + electronic_only %(electronic_only)d" % st)
    if st["rejected"] != n:
        die("rejects/students.csv has %d rows, summary.json says %d" % (n, st["rejected"]))
    if s["reconciled"] is not True:
        die("reconciled is not true")
elif cmd == "orders":      # EXPECTED NAME DIR
    rows, want = expected(args[0], args[1])
    n = check_rejects(os.path.join(args[2], "rejects", "orders.csv"), want)
    od = json.load(open(os.path.join(args[2], "summary.json")))["orders"]
    if od["rows_read"] != rows or od["rejected"] != n:
        die("orders: %r, wanted %d rows and %d rejected" % (od, rows, n))
PY
py() { "${python[@]}" "$work/check.py" "$@"; }
pycheck() {
	local name=$1 out; shift
	if out=$(py "$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}

if ! "${python[@]}" "$fx/make_hostile.py" "$in"; then
	bad "make_hostile.py makes the corpus"
	exit 1
fi
exp=$in/expected.txt
cp "$fx/students.csv" "$fx/orders.csv" "$in/"
echo "corpus made in $((SECONDS - start)) s"

# sort and run on a file with hostile rows: exit 0, every row accounted for
rows_case() {
	local f=$1
	limited "$f: sort" 0 "rows read" -- "$bin" sort --students "$in/$f" --out "$o/$f.sorted" \
		--rejects "$o/$f.rej.csv" --memory ${MEMORY_MIB}M --threads 2 --max-reject-rate 1
	pycheck "$f: sort rejects the hostile rows with their lines and limits; counts add up" \
		sort "$exp" "$f" "$o/$f.rej.csv" "$work/stderr"
	limited "$f: run" 0 "rows read" -- "$bin" run --students "$in/$f" --orders "$in/orders.csv" \
		--out "$o/$f.run" --memory ${MEMORY_MIB}M --threads 2 --max-reject-rate 1
	pycheck "$f: run rejects the hostile rows; summary.json reconciles" run "$exp" "$f" "$o/$f.run"
	rm -rf "$o/$f.run" "$o/$f.sorted" "$o/$f.rej.csv"
}
for f in huge_field.csv long_field.csv huge_record.csv.zst comma_bomb.csv.zst many_fields.csv \
	blank_bomb.csv.zst; do
	rows_case "$f"
done
# a name of 32 K combining marks took pango 1.9 s, 1 M over 10 minutes; at
# most 4 a letter in at most 4 KB, a run of the 16-row file takes 0.2 s
[ -z "$sanitized" ] && SECONDS_MAX=5
for f in marks.csv marks_bomb.csv.zst; do
	rows_case "$f"
done
[ -z "$sanitized" ] && SECONDS_MAX=20

# a hostile header: the file is unusable, nothing written
header_case() {
	local f=$1 pat=$2
	limited "$f: sort" 1 "$pat" -- "$bin" sort --students "$in/$f" --out "$o/$f.sorted" \
		--rejects "$o/$f.rej.csv" --memory ${MEMORY_MIB}M --threads 2
	limited "$f: run" 1 "$pat" -- "$bin" run --students "$in/$f" --orders "$in/orders.csv" \
		--out "$o/$f.run" --memory ${MEMORY_MIB}M --threads 2
	if [ -e "$o/$f.sorted" ] || [ -e "$o/$f.run" ]; then bad "$f: nothing written"; else ok "$f: nothing written"; fi
}
header_case header_bomb.csv.zst "header_bomb\.csv\.zst: line 1: the header is a record of [0-9]+ bytes, over the 65536-byte record limit"
header_case header_columns.csv "header_columns\.csv: line 1: the header has more than 1024 columns, over the column limit"
header_case header_field.csv "header_field\.csv: line 1: header column 19 is 5000 bytes, over the 4096-byte field limit"

# orders: a 10 MB row is rejected and counted; a 60 M-column header is unusable
limited "orders_huge.csv: run" 0 "rows read" -- "$bin" run --students "$in/students.csv" \
	--orders "$in/orders_huge.csv" --out "$o/orders_huge.run" --memory ${MEMORY_MIB}M --threads 2
pycheck "orders_huge.csv: the row is rejected with its line and the limit; counted" \
	orders "$exp" orders_huge.csv "$o/orders_huge.run"
limited "orders_header_bomb.csv.zst: run" 1 \
	"orders_header_bomb\.csv\.zst: line 1: the header is a record of [0-9]+ bytes, over the 65536-byte record limit" -- \
	"$bin" run --students "$in/students.csv" --orders "$in/orders_header_bomb.csv.zst" \
	--out "$o/orders_header_bomb.run" --memory ${MEMORY_MIB}M --threads 2

left=$(ls -A "$TMPDIR")
[ -z "$left" ] && ok "no spill folder left" || bad "no spill folder left" "$left"
echo "e2e_hostile: $pass passed, $fail failed in $((SECONDS - start)) s"
[ "$fail" = 0 ]
