#!/usr/bin/env bash
# `ssrfill scan` and `ssrfill status` (docs/rules.md §15.4) on a real
# ledger (gen --rows 3000 --seed 5, one run with documents):
# - the whole chain: every label's Code 128 barcode, rendered from
#   labels/<shipment>/*.pdf and read back with zbarimg, is a box of the
#   ledger, and piped into `scan` each is answered OK; `status --check`
#   exits 1 before, 1 after all but one box (which it lists as missing),
#   0 after the last;
# - a rescan is AGAIN (when and at which station); garbage and ids of
#   boxes the ledger never printed (another LEA, a number past the LEA's
#   last) are UNKNOWN, and every answer is a row of scans;
# - a `scan` SIGKILLed in the middle of a long, slow input keeps every
#   scan it answered (OK lines printed = OK rows, give or take the one
#   committed as the kill landed), and scanning again picks up from there;
#   lines as scanners type them (CR, spaces, capitals, empty lines) work;
# - a scan while another writer holds the ledger waits, answers BUSY and
#   records nothing;
# - `status --json` parses and agrees with the text form; bad --shipment
#   and --lea are usage errors (exit 2); status never writes the ledger.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_scan.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
bin=${SSRFILL:-$top/ssrfill}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e-scan.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
check() { # name got wanted
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got:    $2"$'\n'"wanted: $3"; fi
}
for tool in sqlite3 python3 pdftoppm zbarimg; do
	command -v $tool >/dev/null || { echo "FAIL $tool is not installed (make deps installs it)"; exit 1; }
done

"$bin" gen --rows 3000 --seed 5 --out "$work/s.csv.zst" --orders "$work/o.csv" --quiet \
	|| { echo "FAIL gen"; exit 1; }
lg=$work/season.ledger
"$bin" run --students "$work/s.csv.zst" --orders "$work/o.csv" --out "$work/out" --ledger "$lg" \
	--quiet 2>"$work/run.err" || { echo "FAIL run --ledger"; cat "$work/run.err"; exit 1; }
q() { sqlite3 "$lg" "$1" 2>&1; }
n_boxes=$(q "SELECT count(*) FROM boxes")
[ "$n_boxes" -gt 10 ] && ok "the run printed $n_boxes boxes" || bad "the run printed boxes" "$n_boxes"
# a copy of the unscanned ledger for the kill test (no connection is open)
cp "$lg" "$work/kill.ledger"
[ -f "$lg-wal" ] && cp "$lg-wal" "$work/kill.ledger-wal"

"$bin" status --ledger "$lg" --check >"$work/st0.txt" 2>"$work/st0.err"
check "status --check exits 1 before any scan" "$?" 1
check "status before: every box missing" "$(tail -1 "$work/st0.txt")" \
	"total  printed $n_boxes  scanned 0  void 0  missing $n_boxes"

# --- the chain: print the label, read its barcode, scan it ---------------------------
: >"$work/read.txt"
for pdf in "$work"/out/labels/*/*.pdf; do
	rm -f "$work"/bc*.png
	pdftoppm -r 100 -gray -png "$pdf" "$work/bc" 2>/dev/null
	for png in "$work"/bc*.png; do
		zbarimg --quiet --raw -Sdisable -Scode128.enable "$png" 2>/dev/null | head -1 >>"$work/read.txt"
	done
done
check "every label's barcode reads back as a box of the ledger" \
	"$(LC_ALL=C sort "$work/read.txt" | tr '\n' ' ')" "$(q "SELECT box_id FROM boxes ORDER BY box_id" | tr '\n' ' ')"
last=$(tail -1 "$work/read.txt")
head -n -1 "$work/read.txt" | "$bin" scan --ledger "$lg" --station dock1 >"$work/scan1.txt" 2>"$work/scan1.err"
check "scan exits 0" "$?" 0
check "each label read is answered OK" "$(grep -c '^OK ' "$work/scan1.txt")" "$((n_boxes - 1))"
check "one answer a line" "$(wc -l <"$work/scan1.txt")" "$((n_boxes - 1))"
first=$(head -1 "$work/read.txt")
lea=$(sed 's/^[a-z]*-\([0-9]*\)-.*/\1/' <<<"$first")
grep -q "^OK $first LEA $lea box [0-9]* of [0-9]*, wave 1: [0-9]* of [0-9]* scanned\$" "$work/scan1.txt" \
	&& ok "OK names the box, its LEA, box n of m, the wave and how many are scanned" \
	|| bad "OK line" "$(head -3 "$work/scan1.txt")"
check "the tally on stderr" "$(cat "$work/scan1.err")" \
	"ssrfill scan: $((n_boxes - 1)) scanned: $((n_boxes - 1)) OK, 0 AGAIN, 0 VOID, 0 UNKNOWN"
check "the ledger: the boxes scanned, a scans row each, station dock1" \
	"$(q "SELECT count(*) FROM boxes WHERE status = 'scanned'") $(q "SELECT count(*) FROM scans WHERE result = 'OK' AND station = 'dock1'")" \
	"$((n_boxes - 1)) $((n_boxes - 1))"
"$bin" status --ledger "$lg" --check >"$work/st1.txt" 2>"$work/st1.err"
check "status --check exits 1 with one box left" "$?" 1
check "status: the one box left is missing, by id" "$(grep -c "missing 1: $last\$" "$work/st1.txt") $(tail -1 "$work/st1.txt")" \
	"1 total  printed $n_boxes  scanned $((n_boxes - 1))  void 0  missing 1"
grep -q "1 box not scanned yet" "$work/st1.err" && ok "status --check says what is left" \
	|| bad "status --check message" "$(cat "$work/st1.err")"

# --json agrees with the text form
"$bin" status --ledger "$lg" --json >"$work/st1.json"
if python3 - "$work/st1.json" "$work/st1.txt" <<'PY'
import json, re, sys
j = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines()
groups = []
for g in j["groups"]:
    s = (f'{g["shipment"]:<6}  wave {g["wave"]}  LEA {g["lea_code"]}  printed {g["printed"]}  '
         f'scanned {g["scanned"]}  void {g["void"]}  missing {g["missing"]}')
    if g["missing_ids"]:
        s += ": " + " ".join(g["missing_ids"])
    assert len(g["missing_ids"]) == g["missing"], g
    groups.append(s)
t = j["total"]
groups.append(f'total  printed {t["printed"]}  scanned {t["scanned"]}  void {t["void"]}  missing {t["missing"]}')
assert groups == lines, (groups[:3], lines[:3])
assert j["complete"] is False and t["missing"] == 1
PY
then ok "status --json parses and agrees with the text form"; else bad "status --json agrees with the text form"; fi

echo "$last" | "$bin" scan --ledger "$lg" --station dock1 >"$work/scan2.txt" 2>/dev/null
grep -q "^OK $last " "$work/scan2.txt" && ok "the last box: OK" || bad "the last box" "$(cat "$work/scan2.txt")"
"$bin" status --ledger "$lg" --check >"$work/st2.txt" 2>&1
check "status --check exits 0 once every box is scanned" "$?" 0
"$bin" status --ledger "$lg" --json | python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["complete"] and j["total"]["missing"] == 0' \
	&& ok "status --json: complete" || bad "status --json: complete"

# --- AGAIN, UNKNOWN ----------------------------------------------------------------------
printf '%s\n' "$first" 'garbage*&^%' "august-0000001-0001" "${first%-*}-9999" \
	| "$bin" scan --ledger "$lg" --station dock2 >"$work/scan3.txt" 2>"$work/scan3.err"
grep -q "^AGAIN $first LEA $lea box [0-9]* of [0-9]*, wave 1: scanned before [0-9-]* [0-9:]* UTC at dock1 (" "$work/scan3.txt" \
	&& ok "a rescan is AGAIN, with when and at which station" || bad "AGAIN" "$(cat "$work/scan3.txt")"
check "garbage and boxes the ledger never printed are UNKNOWN" "$(grep -c '^UNKNOWN "' "$work/scan3.txt")" 3
check "each is a row of scans; text that is no box id at all is not kept (it could be a name)" \
	"$(q "SELECT result || ' ' || scanned FROM scans WHERE station = 'dock2' ORDER BY scan_id" | tr '\n' '|')" \
	"AGAIN $first|UNKNOWN (not a box id)|UNKNOWN august-0000001-0001|UNKNOWN ${first%-*}-9999|"
check "UNKNOWN rows have no box; the rescan left the box scanned" \
	"$(q "SELECT count(*) FROM scans WHERE result = 'UNKNOWN' AND box_key IS NULL") $(q "SELECT count(*) FROM boxes WHERE status <> 'scanned'")" "3 0"
check "the tally counts each answer" "$(cat "$work/scan3.err")" \
	"ssrfill scan: 4 scanned: 0 OK, 1 AGAIN, 0 VOID, 3 UNKNOWN"
printf 'Maria Garcia 123 Main St\n' | "$bin" scan --ledger "$lg" --station dock3 >/dev/null 2>&1
check "a typed name and address scanned by mistake is not in the ledger" \
	"$(grep -a -c -e Garcia -e 'Main St' "$lg" "$lg-wal" 2>/dev/null | awk -F: '{s += $NF} END {print s + 0}')" 0

# --- SIGKILL mid-stream, what scanners type ----------------------------------------------
klg=$work/kill.ledger
mkfifo "$work/fifo"
"$bin" scan --ledger "$klg" --station kill <"$work/fifo" >"$work/kill.txt" 2>/dev/null &
spid=$!
pids+=("$spid")
# every box twice (the second time AGAIN), as a scanner types: capitals,
# spaces, CR, an empty line now and then; slowly, so the kill lands mid-stream
( for round in 1 2 3 4; do
	while read -r id; do
		printf '  %s \r\n\n' "${id^^}"
		sleep 0.02
	done <"$work/read.txt"
  done ) >"$work/fifo" 2>/dev/null &
fpid=$!
pids+=("$fpid")
for _ in $(seq 1 200); do
	[ "$(wc -l <"$work/kill.txt")" -ge 8 ] && break
	sleep 0.05
done
{ kill -9 "$spid"; wait "$spid"; kill "$fpid"; wait "$fpid"; } 2>/dev/null
answered=$(wc -l <"$work/kill.txt")
ok_lines=$(grep -c '^OK ' "$work/kill.txt")
ok_rows=$(sqlite3 "$klg" "SELECT count(*) FROM scans WHERE result = 'OK'")
rows=$(sqlite3 "$klg" "SELECT count(*) FROM scans")
[ "$answered" -ge 8 ] && [ "$answered" -lt $((4 * n_boxes)) ] \
	&& ok "the kill landed mid-stream ($answered of $((4 * n_boxes)) answered)" \
	|| bad "the kill landed mid-stream" "$answered answered"
[ "$ok_rows" -ge "$ok_lines" ] && [ "$ok_rows" -le $((ok_lines + 1)) ] && [ "$rows" -ge "$answered" ] \
	&& [ "$rows" -le $((answered + 1)) ] \
	&& ok "a SIGKILLed scan keeps every scan it answered ($ok_lines OK lines, $ok_rows OK rows)" \
	|| bad "a SIGKILLed scan keeps every answered scan" "OK lines $ok_lines, OK rows $ok_rows, answered $answered, rows $rows"
missing_ok=$(grep '^OK ' "$work/kill.txt" | awk '{print $2}' | while read -r id; do
	[ "$(sqlite3 "$klg" "SELECT count(*) FROM scans WHERE result = 'OK' AND scanned = '$id'")" = 1 ] || echo "$id"; done)
check "each box answered OK is a row of scans, as it was typed but lowercased" "$missing_ok" ""
grep -qv '^[A-Z]* [a-z]*-[0-9]*-[0-9]* \|^UNKNOWN' "$work/kill.txt" \
	&& bad "answers name the cleaned id" "$(head -3 "$work/kill.txt")" || ok "capitals, spaces and CR are cleaned away"
# the operator scans everything again: what was answered is AGAIN, the rest OK
sed 's/$/\r/; s/^/\t /' "$work/read.txt" | tr 'a-z' 'A-Z' \
	| "$bin" scan --ledger "$klg" --station kill >"$work/kill2.txt" 2>/dev/null
check "scanning again after the kill: the rest OK, the committed ones AGAIN" \
	"$(grep -c '^OK ' "$work/kill2.txt") $(grep -c '^AGAIN ' "$work/kill2.txt")" "$((n_boxes - ok_rows)) $ok_rows"
"$bin" status --ledger "$klg" --check >/dev/null 2>&1
check "then status --check exits 0" "$?" 0

# --- BUSY ------------------------------------------------------------------------------------
( echo "BEGIN IMMEDIATE;"; echo "SELECT 1;"; sleep 7; echo "ROLLBACK;" ) | sqlite3 "$klg" >/dev/null 2>&1 &
hpid=$!
pids+=("$hpid")
sleep 0.5
before=$(sqlite3 "$klg" "SELECT count(*) FROM scans")
t0=$(date +%s)
echo "$first" | "$bin" scan --ledger "$klg" --station busy >"$work/busy.txt" 2>"$work/busy.err"
rc=$? t1=$(date +%s)
wait "$hpid" 2>/dev/null
grep -q "^BUSY $first: ledger .* is held by another process; waited 5 s; .*not recorded, scan it again\$" "$work/busy.txt" \
	&& [ "$rc" = 0 ] && [ $((t1 - t0)) -ge 4 ] \
	&& ok "a scan while another writer holds the ledger waits 5 s, answers BUSY, goes on (exit 0)" \
	|| bad "BUSY" "rc $rc, $((t1 - t0)) s: $(cat "$work/busy.txt" "$work/busy.err")"
check "BUSY is not recorded" "$(sqlite3 "$klg" "SELECT count(*) FROM scans")" "$before"

# --- usage --------------------------------------------------------------------------------------
"$bin" status --ledger "$lg" --shipment july >/dev/null 2>"$work/u1.err"
check "status --shipment july: usage error" "$? $(grep -c 'august, winter or elpac' "$work/u1.err")" "2 1"
"$bin" status --ledger "$lg" --lea 12a >/dev/null 2>"$work/u2.err"
check "status --lea 12a: usage error" "$? $(grep -c -- '--lea wants' "$work/u2.err")" "2 1"
"$bin" status --ledger "$lg" --lea "$lea" --shipment august >"$work/one.txt"
check "status --lea --shipment: that LEA's August boxes only" \
	"$(grep -vc "^august  wave [0-9]  LEA $lea \|^total " "$work/one.txt")" 0
"$bin" status --ledger "$work/none.ledger" >/dev/null 2>&1
check "status on a missing ledger exits 1 and creates nothing" "$? $(ls "$work" | grep -c none)" "1 0"
"$bin" scan >/dev/null 2>&1 </dev/null
check "scan without --ledger: usage error" "$?" 2
echo "$first" | "$bin" scan --ledger "$lg" >/dev/null 2>&1
check "the station defaults to the host name" \
	"$(q "SELECT station FROM scans ORDER BY scan_id DESC LIMIT 1")" "$(hostname)"
echo "$first" | "$bin" scan --ledger "$lg" --station "" >/dev/null 2>&1
check "scan --station '': usage error" "$?" 2
echo "$first" | "$bin" scan --ledger "$work/typo.ledger" >/dev/null 2>"$work/typo.err"
check "scan on a missing ledger exits 1 and creates nothing" "$? $(ls "$work" | grep -c '^typo.ledger')" "1 0"
sum1=$(sha256sum <"$lg")
"$bin" status --ledger "$lg" >/dev/null
check "status does not write the ledger" "$(sha256sum <"$lg")" "$sum1"

echo "e2e_scan: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
