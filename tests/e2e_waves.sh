#!/usr/bin/env bash
# `ssrfill gen --wave 2` (issue 15): from the same --rows and --seed as a
# wave 1, the later statewide file and orders file (gen/synth_late.c).
# Both waves are generated through the CLI and run through `ssrfill run`
# on their own: each exits 0 and the oracle agrees with each; wave 2 keeps
# most of wave 1's rows byte for byte, with late, corrected and gone rows;
# its orders are wave 1's plus a late school order for a school wave 1 did
# not have (whose sets print), one more school order and one cancelled in
# time; the same options give the same bytes; wave 1 is what gen wrote
# before --wave existed (--wave 1 is the default).  Then both waves run
# with one ledger, checked by tests/oracle_waves.py against the single run
# over wave 2's inputs.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_waves.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
bin=${SSRFILL:-$top/ssrfill}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e-waves.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
json() { # name summary.json python-expression (j = the summary) expected
	local got
	got=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2])))' "$2" "$3" 2>&1)
	if [ "$got" = "$4" ]; then ok "$1"; else bad "$1" "got $got, wanted $4"; fi
}
gen() { # name args...: `ssrfill gen` exits 0
	local name=$1; shift
	if "$bin" gen --quiet "$@" 2>"$work/$name.err"; then ok "gen $name"; else bad "gen $name" "$(cat "$work/$name.err")"; fi
}
run() { # name students orders: `ssrfill run` exits 0, and the oracle agrees
	if "$bin" run --no-documents --threads 1 --students "$2" --orders "$3" --out "$work/$1" 2>"$work/$1.err"; then
		ok "$1: run exits 0"
	else
		bad "$1: run exits 0" "$(head -c 1500 "$work/$1.err")"
	fi
	if oracle_py "$top/tests/oracle_run.py" "$2" "$3" "$work/$1" >"$work/$1.oracle" 2>&1; then
		ok "$1: the oracle agrees"
	else
		bad "$1: the oracle agrees" "$(tail -15 "$work/$1.oracle")"
	fi
}

N=20000 SEED=7
gen wave1 --rows $N --seed $SEED --out "$work/wave1.csv" --orders "$work/orders1.csv"
gen wave2 --rows $N --seed $SEED --wave 2 --out "$work/wave2.csv" --orders "$work/orders2.csv"
gen wave2_again --rows $N --seed $SEED --wave 2 --out "$work/wave2b.csv.zst" --orders "$work/orders2b.csv"
gen wave1_named --rows $N --seed $SEED --wave 1 --out "$work/wave1b.csv" --orders "$work/orders1b.csv"

if cmp -s "$work/wave2.csv" <(zstd -dc "$work/wave2b.csv.zst") && cmp -s "$work/orders2.csv" "$work/orders2b.csv"; then
	ok "the same options give the same wave 2, plain or .zst"
else
	bad "the same options give the same wave 2, plain or .zst"
fi
if cmp -s "$work/wave1.csv" "$work/wave1b.csv" && cmp -s "$work/orders1.csv" "$work/orders1b.csv"; then
	ok "--wave 1 is the default"
else
	bad "--wave 1 is the default"
fi
"$bin" gen --quiet --wave 3 --out "$work/w3.csv" --orders "$work/o3.csv" 2>"$work/w3.err"
rc=$?
if [ $rc = 2 ] && grep -q -- '--wave wants 1 or 2' "$work/w3.err" && [ ! -e "$work/w3.csv" ]; then
	ok "--wave 3 is a usage error"
else
	bad "--wave 3 is a usage error" "exit $rc: $(cat "$work/w3.err")"
fi

# the rows: keyed by (ssid, report), compared whole (Python's csv, not ours)
python3 - "$work/wave1.csv" "$work/wave2.csv" >"$work/rows.txt" 2>&1 <<'PY'
import csv, sys
def rows(p):
    with open(p, newline='', encoding='utf-8') as f:
        r = csv.reader(f)
        next(r)
        return {(x[0], x[9]): x for x in r}
a, b = rows(sys.argv[1]), rows(sys.argv[2])
same = sum(1 for k in a if b.get(k) == a[k])
changed = sum(1 for k in a if k in b and b[k] != a[k])
gone = sum(1 for k in a if k not in b)
late = [k for k in b if k not in a]
schools = {x[3] for x in a.values()}
leas = {x[1] for x in a.values()}
ssids = {k[0] for k in a}
print(len(a), len(b), same, changed, gone, len(late),
      sum(1 for k in late if k[0] in ssids),
      len({b[k][3] for k in late if b[k][3] not in schools}),
      len({b[k][1] for k in late if b[k][1] not in leas}))
PY
read -r n1 n2 same changed gone late late_old new_schools new_leas <"$work/rows.txt"
echo "     wave 1 $n1 rows, wave 2 ${n2:-?}: ${same:-?} the same, ${changed:-?} corrected, ${gone:-?} gone, ${late:-?} late (${late_old:-?} of wave 1 students, ${new_schools:-?} new schools, ${new_leas:-?} new LEAs)"
if [ "${n1:-0}" = $N ] && [ $((same * 100)) -ge $((N * 97)) ] \
   && [ $((changed * 1000)) -ge $((N * 4)) ] && [ $((changed * 1000)) -le $((N * 20)) ] \
   && [ $((gone * 1000)) -ge $((N * 2)) ] && [ $((gone * 1000)) -le $((N * 10)) ] \
   && [ $((late * 100)) -ge $((N * 2)) ] && [ $((late * 100)) -le $((N * 6)) ] \
   && [ "$late_old" -gt 0 ] && [ "$new_schools" -gt 0 ] && [ "$new_leas" -gt 0 ]; then
	ok "wave 2: most rows as in wave 1, some corrected, some gone, some late (also at new schools and a new LEA)"
else
	bad "wave 2: most rows as in wave 1, some corrected, some gone, some late" "$(cat "$work/rows.txt")"
fi

# the orders: wave 1's lines in order, then late ones
added=$(diff "$work/orders1.csv" "$work/orders2.csv" | grep '^>' | cut -c3-)
if [ "$(diff "$work/orders1.csv" "$work/orders2.csv" | grep -c '^<')" = 0 ] && [ "$(wc -l <<<"$added")" = 3 ]; then
	ok "orders 2: wave 1's lines and three more"
else
	bad "orders 2: wave 1's lines and three more" "$(diff "$work/orders1.csv" "$work/orders2.csv")"
fi
late_school=$(awk -F, '$2 != "" && $8 == "" { print $2; exit }' <<<"$added")

run wave1 "$work/wave1.csv" "$work/orders1.csv"
run wave2 "$work/wave2.csv" "$work/orders2.csv"
json "wave 2 reads its rows" "$work/wave2/summary.json" 'j["students"]["rows_read"]' "$n2"
json "wave 2: the late orders are active, the cancelled one cancelled" "$work/wave2/summary.json" \
	'[j["orders"]["active"], j["orders"]["cancelled"], j["orders"]["without_reports"]]' \
	"$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))["orders"]; print(json.dumps([j["active"] + 2, j["cancelled"] + 1, 0]))' "$work/wave1/summary.json")"
if [ -n "$late_school" ] && grep -q ",$late_school,.*,paper," "$work/wave2/reports/distribution_school.csv" \
   && ! grep -q ",$late_school," "$work/wave1/reports/distribution_school.csv"; then
	ok "the late school order prints the sets of a school wave 1 did not have ($late_school)"
else
	bad "the late school order prints the sets of a school wave 1 did not have (${late_school:-none})" \
		"$(grep ",$late_school," "$work/wave2/reports/distribution_school.csv" | head -5)"
fi

# The same two waves with one ledger (issue 15, docs/rules.md §15.2): wave 1, then
# wave 2 printing only what wave 1 did not; tests/oracle_waves.py checks
# them against the single run above over wave 2's inputs ("wave2").
lrun() { # name students orders: `ssrfill run --ledger` exits 0
	if "$bin" run --no-documents --threads 1 --ledger "$work/season.ledger" --students "$2" --orders "$3" \
		--out "$work/$1" 2>"$work/$1.err"; then
		ok "$1: run --ledger exits 0"
	else
		bad "$1: run --ledger exits 0" "$(head -c 1500 "$work/$1.err")"
	fi
}
lrun ledger1 "$work/wave1.csv" "$work/orders1.csv"
lrun ledger2 "$work/wave2.csv" "$work/orders2.csv"
same=""
for f in print/august.csv.zst print/winter.csv.zst print/elpac.csv.zst manifests/august.csv manifests/winter.csv \
	manifests/elpac.csv invoices/invoices.csv rejects/students.csv; do
	cmp -s "$work/wave1/$f" "$work/ledger1/$f" || same="$same $f"
done
if [ -z "$same" ]; then
	ok "wave 1 with a new ledger prints and bills as without one"
else
	bad "wave 1 with a new ledger prints and bills as without one" "differ:$same"
fi
if oracle_py "$top/tests/oracle_run.py" "$work/wave1.csv" "$work/orders1.csv" "$work/ledger1" >"$work/ledger1.oracle" 2>&1; then
	ok "ledger1: the oracle agrees"
else
	bad "ledger1: the oracle agrees" "$(tail -15 "$work/ledger1.oracle")"
fi
if oracle_py "$top/tests/oracle_waves.py" "$work/wave1.csv" "$work/wave2.csv" "$work/orders2.csv" "$work/ledger1" "$work/ledger2" \
	"$work/wave2" "$work/orders1.csv" >"$work/waves.oracle" 2>&1; then
	ok "two waves with a ledger = one run over wave 2's inputs ($(tail -1 "$work/waves.oracle" | sed 's/^oracle_waves: //'))"
else
	bad "two waves with a ledger = one run over wave 2's inputs" "$(tail -15 "$work/waves.oracle")"
fi

# What an operator gets wrong at 2 a.m. (docs/rules.md §15.2): a new
# ledger is said, even with --quiet; --force never replaces a folder the
# ledger says a wave printed into; last season's ledger is refused.
if grep -q "created the ledger .*season.ledger" "$work/ledger1.err" && ! grep -q "created the ledger" "$work/ledger2.err"; then
	ok "the run that creates the ledger says so, the next does not"
else
	bad "the run that creates the ledger says so, the next does not" "$(cat "$work/ledger1.err" "$work/ledger2.err")"
fi
before=$(cat "$work/ledger1/invoices/invoices.csv" "$work/ledger1/manifests/august.csv" | md5sum)
"$bin" run --quiet --no-documents --ledger "$work/season.ledger" --students "$work/wave2.csv" --orders "$work/orders2.csv" \
	--out "$work/ledger1" --force 2>"$work/force.err"; rc=$?
if [ $rc = 2 ] && grep -q "holds what run 1 printed" "$work/force.err" &&
	[ "$before" = "$(cat "$work/ledger1/invoices/invoices.csv" "$work/ledger1/manifests/august.csv" | md5sum)" ]; then
	ok "--force onto wave 1's folder is refused (exit 2) and the folder kept"
else
	bad "--force onto wave 1's folder is refused (exit 2) and the folder kept" "exit $rc: $(cat "$work/force.err")"
fi
printf 'admin_year = 2019-20\n' >"$work/next_year.ini"
"$bin" run --quiet --no-documents --ledger "$work/season.ledger" --students "$work/wave2.csv" --orders "$work/orders2.csv" \
	--config "$work/next_year.ini" --out "$work/next_year" 2>"$work/year.err"; rc=$?
if [ $rc = 1 ] && grep -q "2018-19 season" "$work/year.err" && grep -q "2019-20" "$work/year.err" && [ ! -e "$work/next_year" ]; then
	ok "another administration year's run on this season's ledger is refused, naming both"
else
	bad "another administration year's run on this season's ledger is refused, naming both" "exit $rc: $(cat "$work/year.err")"
fi

echo "e2e_waves: $pass passed, $fail failed"
[ "$fail" = 0 ]
