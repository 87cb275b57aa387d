# tests/lib.sh: sourced by the end-to-end scripts that run the Python
# oracles (tests/oracle_*.py).  The oracles order names with ICU (PyICU,
# Debian's python3-icu), which a pyenv or virtualenv python3 first on PATH
# usually lacks; other Python in the tests needs only the standard library
# and keeps plain python3.
#
# ORACLE_PYTHON: the interpreter for the oracles, chosen once: the one given
# in the environment, else the first of /usr/bin/python3 and python3 that
# imports icu.  oracle_py ARGS... runs it (writing no __pycache__ into the
# tree for the module the oracles share), or fails (exit 2) saying why, so
# every oracle check fails with the reason instead of being skipped.

if [ -z "${ORACLE_PYTHON:-}" ]; then
	for _py in /usr/bin/python3 python3; do
		if "$_py" -c 'import icu' >/dev/null 2>&1; then
			ORACLE_PYTHON=$(command -v "$_py")
			break
		fi
	done
	unset _py
elif ! "$ORACLE_PYTHON" -c 'import icu' >/dev/null 2>&1; then
	echo "tests/lib.sh: ORACLE_PYTHON=$ORACLE_PYTHON cannot import icu" >&2
	ORACLE_PYTHON=
fi
[ -n "${ORACLE_PYTHON:-}" ] || echo "tests/lib.sh: no Python here imports icu (PyICU): install python3-icu (make deps does); the oracle checks will fail" >&2

oracle_py() {
	if [ -z "${ORACLE_PYTHON:-}" ]; then
		echo "no Python with icu (PyICU) to run $1: install python3-icu or set ORACLE_PYTHON" >&2
		return 2
	fi
	PYTHONDONTWRITEBYTECODE=1 "$ORACLE_PYTHON" "$@"
}
