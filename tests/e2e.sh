#!/usr/bin/env bash
# End-to-end tests: run the built ssrfill on fixtures/ and on generated files
# and check what a user would see — output bytes, rejects, exit codes,
# messages, file modes and that nothing is left behind.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
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
if grep -q "Good\|Latin\|1000000001" "$work/stderr"; then
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
head -c 4096 /dev/urandom | tr -d '\n' >"$work/binary.csv"
expect "binary file: exit 1" 1 "binary.csv: line 1: the header is not a CSV header in UTF-8" -- \
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
expect "unknown option: exit 2" 2 "unknown or incomplete option '--bogus'" -- \
	"$bin" sort --bogus --students x --out y
expect "bad --memory: exit 2" 2 "--memory wants a size" -- \
	"$bin" sort --memory lots --students x --out y
expect "missing --out: exit 2" 2 "--students and --out are required" -- \
	"$bin" sort --students x

# --- generated statewide sample: cross-check with an independent oracle ----
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
		python3 "$top/tests/oracle_sort.py" "$work/gen.csv" "$work/oracle.csv" "$work/oracle_rej.txt"
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

echo "e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]
