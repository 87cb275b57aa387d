# tests/lib.sh: sourced by the end-to-end scripts (after they set $top).
#
# python3: the tests' own Python (CSV and JSON checks, fixtures made on the
# fly) needs only the standard library, and the scripts start it a few
# hundred times in all.  A version manager's shim first on PATH (pyenv)
# takes about a second to start, Debian's interpreter a tenth of that: when
# /usr/bin/python3 is there, `python3` in a script that sources this file
# is that one.  (SSRFILL_TEST_PYTHON=python3 keeps the one on PATH.)
#
# The oracles (tests/oracle_*.py) order names with ICU (PyICU, Debian's
# python3-icu), which a pyenv or virtualenv python3 usually lacks.
# ORACLE_PYTHON: the interpreter for the oracles, chosen once: the one given
# in the environment, else the first of /usr/bin/python3 and python3 that
# imports icu.  oracle_py ARGS... runs it (writing no __pycache__ into the
# tree for the module the oracles share), or fails (exit 2) saying why, so
# every oracle check fails with the reason instead of being skipped.

: "${SSRFILL_TEST_PYTHON:=$([ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}"
if [ "$SSRFILL_TEST_PYTHON" != python3 ]; then
	python3() { "$SSRFILL_TEST_PYTHON" "$@"; }
fi

_oracle_why=
if [ -z "${ORACLE_PYTHON:-}" ]; then
	for _py in /usr/bin/python3 python3; do
		_path=$(type -P "$_py") || continue
		if "$_path" -c 'import icu' >/dev/null 2>&1; then
			ORACLE_PYTHON=$_path
			break
		fi
	done
	unset _py _path
	[ -n "${ORACLE_PYTHON:-}" ] ||
		_oracle_why="no Python here imports icu (PyICU): install python3-icu (make deps does) or set ORACLE_PYTHON"
elif ! "$ORACLE_PYTHON" -c 'import icu' >/dev/null 2>&1; then
	_oracle_why="ORACLE_PYTHON=$ORACLE_PYTHON cannot import icu"
	ORACLE_PYTHON=
fi

oracle_py() {
	if [ -z "${ORACLE_PYTHON:-}" ]; then
		echo "tests/lib.sh: cannot run $1: $_oracle_why" >&2
		return 2
	fi
	PYTHONDONTWRITEBYTECODE=1 "$ORACLE_PYTHON" "$@"
}
