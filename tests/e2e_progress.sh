#!/usr/bin/env bash
# The progress line (SPEC §4, issue 19): on a terminal (a pty made by
# script(1)) `sort` and `run` show the phase, rows, MB/s, the percentage and
# an ETA, redrawn in place (\r ... ESC[K) at most ten times a second, no
# wider than the terminal, and erased before a warning and before the
# summary line; a zstd file's percentage is of its size on disk.  Standard
# error in a pipe or a file, --quiet, TERM=dumb, and output to standard
# output on the terminal get no progress bytes at all.  The inputs are
# generated (synthetic), big enough for the line to be drawn several times.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_progress.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
bin=${SSRFILL:-$top/ssrfill}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e-progress.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }

if ! command -v script >/dev/null; then
	echo "FAIL script(1) (util-linux) is needed to give ssrfill a terminal"
	exit 1
fi
cd "$work" || exit 1
"$bin" gen --quiet --rows 300000 --seed 19 --bad-rows 0.002 --out s.csv --orders o.csv --leas l.csv ||
	{ echo "FAIL gen"; exit 1; }
zstd -q -3 -o s.csv.zst s.csv || { echo "FAIL zstd"; exit 1; }
# reading on every core is quick: a file of 1,200,000 rows sorted on one
# thread in 8M reads, and merges its runs, for longer than the line's half
# second before an ETA on any machine this runs on
"$bin" gen --quiet --rows 1200000 --seed 23 --out big.csv --orders big_o.csv || { echo "FAIL gen"; exit 1; }

# pty NAME COLS COMMAND: COMMAND in a terminal COLS wide (TERM=xterm unless
# the command sets it); what the terminal got in NAME.tty, the exit code in
# NAME.rc and the seconds it took in NAME.secs
pty() {
	local name=$1 cols=$2 cmd=$3 t0 t1
	t0=$(date +%s.%N)
	TERM=xterm script -qfec "stty cols $cols -onlcr; $cmd; echo \$? >$name.rc" /dev/null \
		</dev/null >"$name.tty" 2>&1
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }' >"$name.secs"
}
# the progress bytes: a carriage return or an escape
no_progress() { # name file
	if LC_ALL=C grep -q $'[\r\033]' "$2"; then
		bad "$1" "$(cat -v "$2" | head -c 600)"
	else
		ok "$1"
	fi
}

# check_frames NAME CMD COLS SECS [WANT...]: the frames drawn on NAME.tty;
# WANT a regular expression some frame matches, or pct>=N: the last
# reading percentage drawn is at least N; prints "ok ..." / "FAIL ..." lines
check_frames() {
	python3 - "$@" <<'EOF'
import re, sys
name, cmd, cols, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
want = sys.argv[5:]
raw = open(name + ".tty", "rb").read().decode("utf-8", "replace")
res = []
def check(what, cond, detail=""):
    res.append(("ok   " if cond else "FAIL ") + name + ": " + what + ("" if cond else "\n     " + detail[:800]))
# a frame: \r TEXT ESC[K with TEXT not empty; an erase: \r ESC[K
frames = re.findall(r"\r([^\r\n\x1b]+)\x1b\[K", raw)
check("the line is drawn and redrawn in place (%d frames)" % len(frames), len(frames) >= 2, repr(raw[:400]))
check("every frame is the command's progress line",
      all(f.startswith("ssrfill %s: " % cmd) for f in frames), repr(frames[:5]))
check("no frame is as wide as the %d-column terminal" % cols,
      all(len(f) <= cols - 1 for f in frames), repr(max(frames, key=len) if frames else ""))
check("at most ten drawings a second (%d in %.1f s)" % (len(frames), secs), len(frames) <= 10 * secs + 2)
reading = [int(m.group(1)) for f in frames for m in [re.match(r"ssrfill \w+: reading (\d+)%", f)] if m]
check("reading shows a percentage that only grows, at most 100 (%s)" % reading,
      len(reading) >= 1 and reading == sorted(reading) and reading[-1] <= 100, repr(frames[:8]))
for w in want:
    if w.startswith("pct>="):
        check("reading reaches %s%% of the file" % w[5:], reading and reading[-1] >= int(w[5:]), repr(reading))
    else:
        check("a frame shows %r" % w, any(re.search(w, f) for f in frames), repr(frames[:12]))
summary = re.search(r"ssrfill %s: \d+ rows read" % cmd, raw)
# erased: right before it, or before the warnings printed after the last frame
def erased_before(before):
    last = max([m.end() for m in re.finditer(r"\r[^\r\n\x1b]+\x1b\[K", before)], default=-1)
    return ((before.endswith("\r\x1b[K") or before.endswith("\n"))
            and (last < 0 or "\r\x1b[K" in before[last:]))
check("the summary line comes after the line is erased",
      summary is not None and erased_before(raw[:summary.start()]), repr(raw[-300:]))
tail = raw[summary.start():] if summary else ""
check("nothing is drawn after the summary", "\x1b" not in tail, repr(tail))
# every warning starts a line of its own: after an erase or a newline
warnings = [m.start() for m in re.finditer(r"ssrfill \w+: warning: ", raw)]
glued = [raw[max(0, i - 60):i + 30] for i in warnings
         if not (i == 0 or raw[:i].endswith("\n") or raw[:i].endswith("\r\x1b[K"))]
check("no warning is glued to the progress line", not glued, repr(glued[:3]))
print("\n".join(res))
EOF
}
tally() { # the ok/FAIL lines of check_frames into the counts
	while IFS= read -r l; do
		case $l in
		ok*) pass=$((pass + 1)); echo "$l" ;;
		FAIL*) fail=$((fail + 1)); echo "$l" ;;
		*) echo "$l" ;;
		esac
	done
}

# ---- sort on a terminal: reading (MB/s, %, rows), then merging with a
# small --memory, the summary after an erase
pty sort 60 "'$bin' sort --students big.csv --out sorted.csv --memory 8M --threads 1"
[ "$(cat sort.rc)" = 0 ] && ok "sort on a terminal: exit 0" || bad "sort on a terminal: exit $(cat sort.rc)" "$(cat -v sort.tty | tail -c 600)"
tally < <(check_frames sort sort 60 "$(cat sort.secs)" "MB/s" "[0-9,]+ rows" "merging")
"$bin" sort --quiet --students big.csv --out piped.csv --memory 8M --threads 2 2>/dev/null
cmp -s sorted.csv piped.csv && ok "sort on a terminal writes the same rows" || bad "sort on a terminal writes other rows"

# ---- a zstd file: the percentage is of the compressed bytes against the
# file's size (not of a guess at its uncompressed size)
pty zst 80 "'$bin' sort --students s.csv.zst --out zsorted.csv"
[ "$(cat zst.rc)" = 0 ] && ok "zstd on a terminal: exit 0" || bad "zstd on a terminal: exit $(cat zst.rc)"
tally < <(check_frames zst sort 80 "$(cat zst.secs)" "MB/s" "pct>=20")

# ---- run on a terminal: its phases, an ETA, warnings on lines of their own
pty run 100 "'$bin' run --students s.csv --orders o.csv --leas l.csv --out out --threads 1"
[ "$(cat run.rc)" = 0 ] && ok "run on a terminal: exit 0" || bad "run on a terminal: exit $(cat run.rc)" "$(cat -v run.tty | tail -c 600)"
tally < <(check_frames run run 100 "$(cat run.secs)" "MB/s" "ssrfill run: packing [0-9]+%")
# an ETA once a phase with a total has run half a second: in one of the
# three (sort reads 180 MB on one thread; packing has a total too)
if LC_ALL=C grep -a -q -E $'\r[^\r]*(reading|merging|writing|packing) [0-9]+%[^\r]*, ETA [0-9]+:[0-9]{2}\033' sort.tty zst.tty run.tty; then
	ok "an ETA is drawn"
else
	bad "no ETA drawn in sort, zstd or run" "$(cat -v run.tty | tr '\r' '\n' | head -20)"
fi
# the warnings were printed while the line showed (else the check above
# proved nothing)
if python3 -c 'import sys; r=open("run.tty","rb").read(); sys.exit(0 if b"\r\x1b[Kssrfill run: warning: " in r else 1)'; then
	ok "run: a warning came while the line showed and erased it first"
else
	bad "run: no warning came while the line showed" "$(cat -v run.tty | tail -c 800)"
fi
grep -a -q "ssrfill run: warning: .*held" run.tty && ok "run: the warnings are all there" ||
	bad "run: a warning is missing" "$(cat -v run.tty | tail -c 800)"

# ---- reprint (the same job as run): the line while it reads every row,
# erased before its summary
"$bin" run --quiet --no-documents --students s.csv --orders o.csv --leas l.csv --out wave1 \
	--ledger season.ledger --threads 2 2>/dev/null
box=$(sed -n 2p wave1/manifests/august.csv | cut -d, -f1)
pty reprint 100 "'$bin' reprint --ledger season.ledger --students s.csv --orders o.csv --leas l.csv --out again --box '$box' --reason 'water damage' --no-documents"
if [ "$(cat reprint.rc)" = 0 ] && python3 - <<'EOF'
import re, sys
raw = open("reprint.tty", "rb").read()
frames = re.findall(rb"\r([^\r\n\x1b]+)\x1b\[K", raw)
m = re.search(rb"ssrfill reprint: \d+ sets? reprinted in 1 box", raw)
def erased_before(before):   # as check_frames's, on bytes
    last = max([x.end() for x in re.finditer(rb"\r[^\r\n\x1b]+\x1b\[K", before)], default=-1)
    return ((before.endswith(b"\r\x1b[K") or before.endswith(b"\n"))
            and (last < 0 or b"\r\x1b[K" in before[last:]))
sys.exit(0 if frames and all(f.startswith(b"ssrfill reprint: ") for f in frames)
         and any(f.startswith(b"ssrfill reprint: reading") for f in frames)
         and m and erased_before(raw[:m.start()]) and b"\x1b" not in raw[m.start():] else 1)
EOF
then
	ok "reprint on a terminal: the line while reading, erased before the summary"
else
	bad "reprint on a terminal (exit $(cat reprint.rc))" "$(cat -v reprint.tty | tail -c 600)"
fi

# ---- standard input that stops coming for a while (no total: rows, MB/s
# and the time taken), killed (SIGTERM) while the line shows: the handler
# erases it, so the shell's prompt starts a line of its own.  The shell's
# own standard error goes elsewhere: dash (script(1) runs $SHELL, /bin/sh
# on CI) prints "Terminated" for the job it waited for, bash does not
pty killed 80 "exec 3>&2 2>/dev/null; { cat s.csv; sleep 3; } </dev/null | '$bin' sort --students - --out k.csv --memory 8M 2>&3 & p=\$!; sleep 1.5; kill -TERM \$p; wait \$p; echo rc=\$?"
if python3 - <<'EOF'
import re, sys
raw = open("killed.tty", "rb").read()
i = raw.find(b"rc=")
sys.exit(0 if i > 0 and raw[i:].startswith(b"rc=143") and raw[:i].endswith(b"\r\x1b[K")
         and re.search(rb"\rssrfill sort: reading, [0-9,]+ rows, [0-9.]+ MB/s \(0:01\)\x1b\[K", raw[:i])
         else 1)
EOF
then
	ok "standard input: rows, MB/s, time taken; killed: the line erased by the signal handler"
else
	bad "standard input, killed while the line shows: not erased" "$(cat -v killed.tty | tail -c 400)"
fi
[ ! -e k.csv ] && ok "killed: no output left" || bad "killed: k.csv left behind"

# ---- never in a pipe, a file or with --quiet; not for TERM=dumb; not when
# the rows themselves go to the terminal
pty quiet 80 "'$bin' sort --quiet --students s.csv --out q.csv --memory 8M"
if [ "$(cat quiet.rc)" = 0 ] && [ ! -s quiet.tty ] && [ -s q.csv ]; then
	ok "--quiet on a terminal: not a byte on it"
else
	bad "--quiet on a terminal wrote to it (exit $(cat quiet.rc))" "$(cat -v quiet.tty | head -c 600)"
fi
pty log 80 "'$bin' sort --students s.csv --out l1.csv --memory 8M 2>sort.log"
no_progress "standard error to a file (a log): no progress bytes" sort.log
tail -1 sort.log | grep -q "^ssrfill sort: 300000 rows read" && ! sed '$d' sort.log | grep -qv "^ssrfill sort: warning: " &&
	ok "standard error to a file: warnings, then the summary line" || bad "standard error to a file" "$(cat -v sort.log)"
pty pipe 80 "'$bin' sort --students s.csv --out l2.csv --memory 8M 2>&1 | cat >sort.pipe"
no_progress "standard error to a pipe: no progress bytes" sort.pipe
grep -q "^ssrfill sort: 300000 rows read" sort.pipe && ok "standard error to a pipe: the summary" ||
	bad "standard error to a pipe: no summary" "$(cat -v sort.pipe)"
pty dumb 80 "TERM=dumb '$bin' sort --students s.csv --out l3.csv --memory 8M"
if LC_ALL=C grep -q $'\033' dumb.tty || [ "$(LC_ALL=C tr -cd '\r' <dumb.tty | wc -c)" != 0 ]; then
	bad "TERM=dumb: progress bytes" "$(cat -v dumb.tty | head -c 600)"
else
	ok "TERM=dumb: no progress line, the summary only"
fi
grep -q "ssrfill sort: 300000 rows read" dumb.tty && ok "TERM=dumb: the summary" || bad "TERM=dumb: no summary"
pty stdout 80 "'$bin' sort --students s.csv --out - --memory 8M"
# the rows go to the terminal: no \033 anywhere (the synthetic rows hold
# none)
if LC_ALL=C grep -q $'\033' stdout.tty; then
	bad "sort --out - to the terminal: progress bytes among the rows" "$(LC_ALL=C grep -a -o $'.\{0,40\}\033.\{0,40\}' stdout.tty | head -3 | cat -v)"
else
	ok "sort --out - to the terminal: no progress line among the rows"
fi

echo "e2e_progress: $pass passed, $fail failed"
[ "$fail" = 0 ]
