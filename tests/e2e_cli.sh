#!/usr/bin/env bash
# The command-line surface a new user meets (issue 19): --version and the
# build in summary.json; `ssrfill help [CMD]` and `CMD --help` on standard
# output; short options; the messages for a flag missing its value or a
# required flag missing; one overwrite rule (--force) for every command's
# outputs; --group and --mode; the man page (mandoc lint) and the README
# and bash completion agreeing with `ssrfill help CMD`; make install and
# make uninstall into a temporary DESTDIR.
# usage: SSRFILL=/path/to/ssrfill bash tests/e2e_cli.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
bin=${SSRFILL:-$top/ssrfill}
work=$(mktemp -d "${TMPDIR:-/tmp}/ssrfill-e2e-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work LC_ALL=C
pass=0 fail=0
cmds="run sort gen config find scan status reprint"

ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
check() { # name condition-exit-code detail
	if [ "$2" = 0 ]; then ok "$1"; else bad "$1" "${3:-}"; fi
}
# expect NAME CODE PATTERN -- command...: exit code and a stderr pattern
expect() {
	local name=$1 code=$2 pat=$3; shift 4
	"$@" >"$work/stdout" 2>"$work/stderr"
	local rc=$?
	if [ "$rc" != "$code" ]; then
		bad "$name" "exit $rc, wanted $code; stderr: $(head -5 "$work/stderr")"
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$work/stderr"; then
		bad "$name" "stderr lacks /$pat/: $(head -5 "$work/stderr")"
	else
		ok "$name"
	fi
}
# flags_of_help CMD: the long flags `ssrfill help CMD` lists, one a line, sorted
flags_of_help() {
	"$bin" help "$1" | sed -nE 's/^(  -[A-Za-z], |      )--([a-z-]+).*/\2/p' | sort -u
}

# --- --version and the build ---------------------------------------------------
"$bin" --version >"$work/v.out" 2>"$work/v.err"; rc=$?
first=$(head -1 "$work/v.out")
check "--version: exit 0, standard output, nothing on standard error" \
	"$([ $rc = 0 ] && [ ! -s "$work/v.err" ] && [[ $first =~ ^ssrfill\ [0-9] ]]; echo $?)" "rc $rc: $(cat "$work/v.out" "$work/v.err")"
# the tree may have changed since the build (-dirty): the version without it
want=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" --no-print-directory version 2>/dev/null)
check "--version names the version the Makefile builds ($want)" \
	"$([ "${first%-dirty}" = "ssrfill ${want%-dirty}" ]; echo $?)" "$first"
want=${first#ssrfill }
for lib in zstd sqlite cairo pango zint icu; do
	grep -qE "^libraries:.* $lib [0-9]" "$work/v.out" || bad "--version names $lib's version" "$(cat "$work/v.out")"
done
grep -qE '^compiler: (gcc|clang) [0-9]' "$work/v.out" && ok "--version names the compiler and the libraries" \
	|| bad "--version names the compiler" "$(cat "$work/v.out")"
"$bin" -V >"$work/v2.out" 2>&1
cmp -s "$work/v.out" "$work/v2.out" && ok "-V is --version" || bad "-V is --version" "$(cat "$work/v2.out")"

"$bin" gen -q --rows 3000 --seed 5 -o "$work/s.csv" --orders "$work/o.csv"
"$bin" run -q --students "$work/s.csv" --orders "$work/o.csv" -o "$work/run1" --no-documents -T 1 -M 16M
python3 - "$work/run1/summary.json" "$want" <<'PY' && ok "summary.json records the build: version, compiler, zstd/sqlite/cairo/pango/zint/icu" || bad "summary.json records the build"
import json, sys
b = json.load(open(sys.argv[1]))["build"]
assert b["version"] == sys.argv[2], b
assert b["compiler"].split()[0] in ("gcc", "clang"), b
for lib in ("zstd", "sqlite", "cairo", "pango", "zint", "icu"):
    assert b["libraries"][lib][0].isdigit(), (lib, b)
PY

# --- help ----------------------------------------------------------------------
for h in "help" "--help" "-h"; do
	"$bin" $h >"$work/h.out" 2>"$work/h.err"; rc=$?
	check "ssrfill $h: the commands on standard output, exit 0" \
		"$([ $rc = 0 ] && [ ! -s "$work/h.err" ] && grep -q '^  reprint ' "$work/h.out"; echo $?)" "rc $rc"
done
"$bin" >"$work/h.out" 2>"$work/h.err"; rc=$?
check "bare ssrfill: a usage error on standard error, exit 2, nothing on standard output" \
	"$([ $rc = 2 ] && [ ! -s "$work/h.out" ] && grep -q 'give a command' "$work/h.err"; echo $?)" "rc $rc"
expect "ssrfill help nope: exit 2" 2 "unknown command 'nope'" -- "$bin" help nope
for c in $cmds; do
	"$bin" help "$c" >"$work/h1" 2>"$work/e1"; r1=$?
	"$bin" "$c" --help >"$work/h2" 2>"$work/e2"; r2=$?
	"$bin" "$c" -h >"$work/h3" 2>"$work/e3"; r3=$?
	check "help $c = $c --help = $c -h: standard output, exit 0" \
		"$([ "$r1$r2$r3" = 000 ] && cmp -s "$work/h1" "$work/h2" && cmp -s "$work/h1" "$work/h3" &&
		   [ ! -s "$work/e1" ] && [ ! -s "$work/e2" ] && [ ! -s "$work/e3" ]; echo $?)" "$r1$r2$r3"
	# every flag with what it does and its default (or "required")
	nodefault=$(awk '/^(  -[A-Za-z], |      )--/ { if (f && f !~ /--help/ && t !~ /\((default: .*|required)\)$/) print f; f = $0; t = "" ; sub(/^ *(-[A-Za-z], )?--[a-z-]+( [^ ]+)? */, "", $0); t = $0; next }
		f { sub(/^ +/, " "); t = t $0 }
		END { if (f && f !~ /--help/ && t !~ /\((default: .*|required)\)$/) print f }' "$work/h1")
	check "help $c: every flag says its default or that it is required" "$([ -z "$nodefault" ]; echo $?)" "$nodefault"
	long=$(awk 'length > 79' "$work/h1")
	check "help $c: fits 80 columns" "$([ -z "$long" ]; echo $?)" "$long"
done
"$bin" help run | grep -q -- '--quiet .*progress line' && ok "help run documents the progress line and --quiet" \
	|| bad "help run documents the progress line and --quiet"
"$bin" help run | head -1 >/dev/null; rc=${PIPESTATUS[0]}
check "help into a pipe closed early does not hang" "$([ "$rc" = 0 ] || [ "$rc" = 141 ] || [ "$rc" = 3 ]; echo $?)" "rc $rc"

# --- messages: a flag missing its value, a required flag missing --------------
expect "--memory with no value: 'needs a value, like 64M'" 2 "^ssrfill sort: --memory needs a value, like 64M$" -- \
	"$bin" sort --students "$work/s.csv" --out "$work/x.csv" --memory
expect "--out followed by --force: a forgotten value, not a folder named --force" 2 \
	"--out needs a value, like out/run1 \(it was followed by --force\)" -- \
	"$bin" run --students "$work/s.csv" --orders "$work/o.csv" --out --force
[ ! -e ./--force ] && [ ! -e "$work/--force" ] && ok "no folder named --force" || bad "no folder named --force"
expect "-M with no value" 2 "--memory needs a value" -- "$bin" sort --students "$work/s.csv" -o "$work/x.csv" -M
expect "a missing --orders is named" 2 "^ssrfill run: --orders is required: the orders file" -- \
	"$bin" run --students "$work/s.csv" --out "$work/nope"
expect "a missing --ledger is named (reprint)" 2 "--ledger is required" -- \
	"$bin" reprint --students "$work/s.csv" --orders "$work/o.csv" --out "$work/nope" --box x --reason r
expect "an unknown flag" 2 "unknown option '--bogus'" -- "$bin" gen --bogus
expect "a switch given a value" 2 "--force takes no value" -- "$bin" gen --force=yes --out "$work/x" --orders "$work/y"
expect "an unknown short flag" 2 "unknown option '-x'" -- "$bin" sort -x
expect "usage errors go to standard error with the synopsis" 2 "^usage: ssrfill gen " -- "$bin" gen --bogus
[ ! -s "$work/stdout" ] && ok "usage errors: nothing on standard output" || bad "usage errors: nothing on standard output"
expect "--threads 257 is refused" 2 "--threads wants a number from 0" -- \
	"$bin" sort --students "$work/s.csv" --out "$work/x.csv" --threads 257

# --- short options, --threads 0 ----------------------------------------------------
"$bin" sort -q -T 0 -M 8M --students "$work/s.csv" -o "$work/sorted.csv" --rejects "$work/rej.csv" \
	--max-reject-rate 1 >"$work/out" 2>"$work/err"; rc=$?
check "sort -q -T 0 -M 8M -o F: exit 0, quiet" "$([ $rc = 0 ] && [ ! -s "$work/err" ] && [ -s "$work/sorted.csv" ]; echo $?)" \
	"rc $rc: $(cat "$work/err")"
"$bin" sort -q --threads 0 --students "$work/s.csv" --out - --max-reject-rate 1 2>"$work/err" >"$work/sorted0.csv"; rc=$?
check "--threads 0 (every core) sorts the same" "$([ $rc = 0 ] && cmp -s "$work/sorted0.csv" "$work/sorted.csv"; echo $?)" \
	"rc $rc: $(cat "$work/err")"

# --- one overwrite rule ---------------------------------------------------------------
sum() { sha256sum "$@" | awk '{print $1}' | tr '\n' ' '; }
before=$(sum "$work/s.csv" "$work/o.csv")
expect "gen over an existing --out: refused, exit 2" 2 "--out .*s\.csv exists: give --force \(-f\)" -- \
	"$bin" gen --rows 10 --seed 9 --out "$work/s.csv" --orders "$work/new_o.csv"
expect "gen over an existing --orders: refused" 2 "--orders .*o\.csv exists" -- \
	"$bin" gen --rows 10 --seed 9 --out "$work/new_s.csv" --orders "$work/o.csv"
touch "$work/leas.csv"
expect "gen over an existing --leas: refused" 2 "--leas .*leas\.csv exists" -- \
	"$bin" gen --rows 10 --seed 9 --out "$work/new_s.csv" --orders "$work/new_o.csv" --leas "$work/leas.csv"
check "refused gens changed nothing and wrote nothing" \
	"$([ "$(sum "$work/s.csv" "$work/o.csv")" = "$before" ] && [ ! -e "$work/new_s.csv" ] && [ ! -e "$work/new_o.csv" ]; echo $?)"
expect "gen -f replaces them" 0 "" -- "$bin" gen -q -f --rows 10 --seed 9 --out "$work/s2.csv" --orders "$work/o.csv"
check "gen -f wrote the new orders" "$([ "$(sum "$work/o.csv")" != "$(echo "$before" | cut -d' ' -f2) " ]; echo $?)"
"$bin" gen -q --rows 3000 --seed 5 -o "$work/s.csv" --orders "$work/o.csv" --force
before=$(sum "$work/sorted.csv" "$work/rej.csv")
expect "sort over an existing --out: refused, exit 2" 2 "--out .*sorted\.csv exists: give --force" -- \
	"$bin" sort --students "$work/s.csv" --out "$work/sorted.csv" --max-reject-rate 1
expect "sort over an existing --rejects: refused" 2 "--rejects .*rej\.csv exists" -- \
	"$bin" sort --students "$work/s.csv" --out "$work/sorted2.csv" --rejects "$work/rej.csv" --max-reject-rate 1
check "refused sorts changed nothing" "$([ "$(sum "$work/sorted.csv" "$work/rej.csv")" = "$before" ] && [ ! -e "$work/sorted2.csv" ]; echo $?)"
expect "sort --force replaces them" 0 "rows read" -- \
	"$bin" sort --force --students "$work/s.csv" --out "$work/sorted.csv" --rejects "$work/rej.csv" --max-reject-rate 1
expect "sort --out - is never refused" 0 "rows read" -- "$bin" sort --students "$work/s.csv" --out - --max-reject-rate 1
expect "sort --out /dev/null is never refused" 0 "rows read" -- \
	"$bin" sort --students "$work/s.csv" --out /dev/null --max-reject-rate 1
"$bin" sort -q --students "$work/s.csv" --out /dev/stdout --max-reject-rate 1 >"$work/sorted.csv" 2>"$work/err"; rc=$?
check "sort --out /dev/stdout into an existing file is never refused" "$([ $rc = 0 ] && [ -s "$work/sorted.csv" ]; echo $?)" \
	"rc $rc: $(cat "$work/err")"
expect "run into an existing output without --force: refused (as before)" 2 "" -- \
	"$bin" run --students "$work/s.csv" --orders "$work/o.csv" --out "$work/run1" --no-documents
expect "run -f replaces it" 0 "" -- \
	"$bin" run -q -f --students "$work/s.csv" --orders "$work/o.csv" --out "$work/run1" --no-documents

# --- --group and --mode ---------------------------------------------------------------
# modes_are NAME DIR FILEMODE DIRMODE: every file and folder (DIR included)
modes_are() {
	local wrong
	wrong=$(find "$2" \( -type f ! -perm "$3" -printf '%m %p\n' \) -o \( -type d ! -perm "$4" -printf '%m %p\n' \) | head -3)
	check "$1" "$([ -z "$wrong" ]; echo $?)" "$wrong"
}
"$bin" run -q --students "$work/s.csv" --orders "$work/o.csv" --out "$work/shared640" --mode 0640
modes_are "run --mode 0640: files 0640, folders 0750" "$work/shared640" 640 750
"$bin" run -q --students "$work/s.csv" --orders "$work/o.csv" --out "$work/shared770" --no-documents --mode 770
modes_are "run --mode 770: files 0660, folders 0770" "$work/shared770" 660 770
modes_are "without --mode: files 0600, folders 0700" "$work/run1" 600 700
grp=$(id -gn); alt=
if [ "$(id -u)" = 0 ]; then alt=$(getent group users adm daemon | head -1 | cut -d: -f1); fi
for g in ${alt:-$grp}; do
	"$bin" run -q --students "$work/s.csv" --orders "$work/o.csv" --out "$work/grp" --no-documents --group "$g"
	modes_are "run --group $g alone: files 0640, folders 0750" "$work/grp" 640 750
	other=$(find "$work/grp" ! -group "$g" | head -3)
	check "run --group $g: every file and folder is the group's" "$([ -z "$other" ]; echo $?)" "$other"
	"$bin" gen -q --rows 10 --out "$work/g_s.csv.zst" --orders "$work/g_o.csv" --leas "$work/g_l.csv" --group "$g" --mode 0660
	check "gen --group $g --mode 0660: its three files" \
		"$([ "$(stat -c '%a %G' "$work/g_s.csv.zst" "$work/g_o.csv" "$work/g_l.csv" | sort -u)" = "660 $g" ]; echo $?)" \
		"$(stat -c '%a %G %n' "$work/g_s.csv.zst" "$work/g_o.csv" "$work/g_l.csv")"
	"$bin" sort -q --students "$work/s.csv" --out "$work/g_sorted.csv" --rejects "$work/g_rej.csv" \
		--max-reject-rate 1 --group "$g"
	check "sort --group $g: output and rejects 0640, the group's" \
		"$([ "$(stat -c '%a %G' "$work/g_sorted.csv" "$work/g_rej.csv" | sort -u)" = "640 $g" ]; echo $?)" \
		"$(stat -c '%a %G %n' "$work/g_sorted.csv" "$work/g_rej.csv")"
done
"$bin" run -q --students "$work/s.csv" --orders "$work/o.csv" --out "$work/lrun" --no-documents \
	--ledger "$work/season.ledger"
box=$(awk -F, 'NR == 2 { print $1 }' "$work/lrun/manifests/august.csv")
"$bin" reprint -q --ledger "$work/season.ledger" --students "$work/s.csv" --orders "$work/o.csv" \
	--out "$work/reprint640" --box "$box" --reason "synthetic test" --no-documents --mode 0640 2>"$work/err"
modes_are "reprint --mode 0640 (box $box): files 0640, folders 0750" "$work/reprint640" 640 750
for m in 0644 0604 0666 0777 0401; do
	expect "--mode $m is refused (never world-readable)" 2 "--mode $m would let every user|--mode wants" -- \
		"$bin" sort --students "$work/s.csv" --out "$work/m.csv" --mode "$m"
done
for m in 0400 0200 abc 0620; do
	expect "--mode $m is refused (the owner reads and writes; group reads if anything)" 2 "--mode wants" -- \
		"$bin" sort --students "$work/s.csv" --out "$work/m.csv" --mode "$m"
done
[ ! -e "$work/m.csv" ] && ok "a refused --mode wrote nothing" || bad "a refused --mode wrote nothing"
expect "--group of no such group" 2 "--group no-such-group-x: no such group" -- \
	"$bin" run --students "$work/s.csv" --orders "$work/o.csv" --out "$work/nog" --group no-such-group-x
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
	pub=$work/pub; mkdir -m 777 "$pub"; chmod 755 "$work"
	cp "$bin" "$pub/ssrfill"; chmod 755 "$pub/ssrfill"
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$pub/ssrfill" gen --rows 10 \
		--out "$pub/s.csv" --orders "$pub/o.csv" --group root >"$work/stdout" 2>"$work/stderr"; rc=$?
	check "--group of a group the user is not in: refused, exit 2" \
		"$([ $rc = 2 ] && grep -q 'you are not in that group' "$work/stderr" && [ ! -e "$pub/s.csv" ]; echo $?)" \
		"rc $rc: $(cat "$work/stderr")"
	chmod 700 "$work"
fi

# --- the man page ----------------------------------------------------------------------
man=$top/docs/ssrfill.1
if command -v mandoc >/dev/null; then
	lint=$(mandoc -T lint -W warning "$man" 2>&1); rc=$?
	check "mandoc -T lint: no warnings" "$([ $rc = 0 ] && [ -z "$lint" ]; echo $?)" "$lint"
else
	bad "mandoc -T lint" "mandoc is not installed (make deps installs it)"
fi
out=$(groff -ww -z -mdoc "$man" 2>&1); rc=$?
check "groff -ww: no warnings" "$([ $rc = 0 ] && [ -z "$out" ]; echo $?)" "$out"
# man_flags CMD: the long flags of the man page's "ssrfill CMD" section
man_flags() {
	awk -v s=".Ss ssrfill $1" '$0 == s { on = 1; next } /^\.S[hs] / { on = 0 } on && /^\.It Fl/' "$man" |
		grep -oE 'Fl -[a-z-]+' | sed 's/^Fl -//' | sort -u
}
# readme_flags CMD: the --flags of the README's "### `ssrfill CMD`" section
readme_flags() {
	awk -v s="### \`ssrfill $1\`" '$0 == s { on = 1; next } /^##/ { on = 0 } on' "$top/README.md" |
		grep -oE -- '--[a-z][a-z-]*' | sed 's/^--//' | sort -u
}
comp_flags() {
	bash -c '. "$1"; _ssrfill_flags "$2"' _ "$top/docs/ssrfill.bash-completion" "$1" | tr -s ' \t\n' '\n' |
		grep -- '^--' | sed 's/^--//' | sort -u
}
for c in $cmds; do
	h=$(flags_of_help "$c")
	[ -n "$h" ] || bad "help $c lists flags"
	d=$(diff <(echo "$h") <(man_flags "$c"))
	check "man page: the flags of $c are those of help $c" "$([ -z "$d" ]; echo $?)" "$d"
	missing=$(comm -23 <(echo "$h") <(readme_flags "$c"))
	check "README: every flag of help $c is in its section" "$([ -z "$missing" ]; echo $?)" "$missing"
	d=$(diff <(echo "$h") <(comp_flags "$c"))
	check "bash completion: the flags of $c are those of help $c" "$([ -z "$d" ]; echo $?)" "$d"
done
# the man page's own flags, anywhere, are flags of some command (no stale ones)
stale=$(comm -23 <(grep -oE 'Fl -[a-z-]+' "$man" | sed 's/^Fl -//' | sort -u) \
	<({ for c in $cmds; do flags_of_help "$c"; done; echo version; echo flag; } | sort -u))
check "man page: no flag that no command has" "$([ -z "$stale" ]; echo $?)" "$stale"
# every environment variable the code reads, every exit code
envs=$(grep -rhoE 'getenv\("[A-Z_]+"\)' "$top"/{base,io,gen,sorter,engine,readers,pdf,writers,ledger,job,cli} |
	sed -E 's/getenv\("([A-Z_]+)"\)/\1/' | sort -u)
for e in $envs; do
	grep -q "^\.It Ev $e\$" "$man" || bad "man page ENVIRONMENT names $e (the code reads it)"
done
ok "man page ENVIRONMENT: checked $(echo $envs | wc -w) variables the code reads"
for code in 0 1 2 3; do
	awk '/^\.Sh EXIT STATUS/ { on = 1; next } /^\.Sh/ { on = 0 } on' "$man" | grep -qx ".It $code" ||
		bad "man page EXIT STATUS has $code"
done
for c in $cmds; do grep -qx ".Ss ssrfill $c" "$man" || bad "man page has a section for $c"; done

# --- README: the operator's section --------------------------------------------------
op=$(awk '/^## The operator/ { on = 1; print; next } /^## / { on = 0 } on' "$top/README.md")
for w in printer packers "shipping desk" billing LEA "zstdcat" "zstd -dc" "Exit 0" "Exit 1" "Exit 2" "Exit 3" "--group"; do
	grep -qF -- "$w" <<<"$op" || bad "README's operator's section mentions '$w'"
done
[ -n "$op" ] && ok "README has an operator's section (printer, packers, shipping, billing, LEAs, zstdcat, exit codes)" \
	|| bad "README has an operator's section"

# --- bash completion works -------------------------------------------------------------
got=$(bash -c '. "$1"; COMP_WORDS=(ssrfill re); COMP_CWORD=1; _ssrfill; echo "${COMPREPLY[*]}"' _ "$top/docs/ssrfill.bash-completion")
check "completion: 're' completes to reprint" "$([ "$got" = reprint ]; echo $?)" "$got"
got=$(bash -c '. "$1"; COMP_WORDS=(ssrfill run --le); COMP_CWORD=2; _ssrfill; echo "${COMPREPLY[*]}"' _ "$top/docs/ssrfill.bash-completion")
check "completion: 'run --le' offers --ledger and --leas" "$([ "$got" = "--ledger --leas" ]; echo $?)" "$got"
got=$(bash -c '. "$1"; COMP_WORDS=(ssrfill status --shipment w); COMP_CWORD=3; _ssrfill; echo "${COMPREPLY[*]}"' _ "$top/docs/ssrfill.bash-completion")
check "completion: '--shipment w' offers winter" "$([ "$got" = winter ]; echo $?)" "$got"

# --- make install / make uninstall --------------------------------------------------------
dest=$work/dest
# the binary under test (release or sanitized), as built: no rebuild here
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
if make -s -C "$top" --no-print-directory INSTALL_BIN="$abs_bin" install DESTDIR="$dest" PREFIX=/opt/ssr \
	>"$work/install.log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/opt/ssr"
else
	bad "make install DESTDIR=... PREFIX=/opt/ssr" "$(tail -5 "$work/install.log")"
fi
files=$(cd "$dest" 2>/dev/null && find . -type f | sort | tr '\n' ' ')
check "installed: the binary, the man page, the bash completion" \
	"$([ "$files" = "./opt/ssr/bin/ssrfill ./opt/ssr/share/bash-completion/completions/ssrfill ./opt/ssr/share/man/man1/ssrfill.1 " ]; echo $?)" "$files"
check "installed binary is executable by all, the man page readable" \
	"$([ "$(stat -c %a "$dest/opt/ssr/bin/ssrfill" "$dest/opt/ssr/share/man/man1/ssrfill.1" | tr '\n' ' ')" = "755 644 " ]; echo $?)"
"$dest/opt/ssr/bin/ssrfill" --version >"$work/iv" 2>&1
check "the installed binary runs: --version" "$(cmp -s "$work/iv" "$work/v.out"; echo $?)" "$(cat "$work/iv")"
cmp -s "$abs_bin" "$dest/opt/ssr/bin/ssrfill" && ok "the installed binary is the one built" \
	|| bad "the installed binary is the one built"
"$dest/opt/ssr/bin/ssrfill" help status | grep -q -- '--check' && ok "the installed binary runs: help status" \
	|| bad "the installed binary runs: help status"
MANWIDTH=80 man -l "$dest/opt/ssr/share/man/man1/ssrfill.1" 2>/dev/null | grep -q 'print, box, ship and bill' &&
	ok "man -l renders the installed page" || bad "man -l renders the installed page"
make -s -C "$top" --no-print-directory uninstall DESTDIR="$dest" PREFIX=/opt/ssr >"$work/uninstall.log" 2>&1
left=$(find "$dest" ! -type d 2>/dev/null)
check "make uninstall leaves no file" "$([ -z "$left" ]; echo $?)" "$left"

echo "e2e_cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
