#!/usr/bin/env bash
# The source folders are layers: each includes only folders below it (the
# map is in README.md, "Where things are").  This fails on an #include of a
# folder above, or of a folder the list does not know.
#
#   bash tests/check_layers.sh        (make test runs it)
set -euo pipefail
cd "$(dirname "$0")/.."

# bottom to top
layers=(base io sorter engine readers pdf writers ledger job gen cli)

rank() {
	local i
	for i in "${!layers[@]}"; do
		[ "${layers[$i]}" = "$1" ] && { echo "$i"; return; }
	done
	echo -1
}

bad=0
for dir in "${layers[@]}"; do
	[ -d "$dir" ] || { echo "check_layers: $dir/ is in the list but not in the tree"; bad=1; continue; }
	me=$(rank "$dir")
	while IFS=: read -r file line inc; do
		target=${inc#*\"}
		target=${target%%\"*}
		case $target in
		../*/*) up=${target#../}; up=${up%%/*} ;;
		*/*) echo "$file:$line: #include \"$target\": name a folder as ../folder/"; bad=1; continue ;;
		*) continue ;;  # the same folder
		esac
		them=$(rank "$up")
		if [ "$them" -lt 0 ]; then
			echo "$file:$line: includes $up/, which is not a layer (${layers[*]})"
			bad=1
		elif [ "$them" -gt "$me" ]; then
			echo "$file:$line: $dir/ includes $up/, a layer above it (bottom to top: ${layers[*]})"
			bad=1
		fi
	done < <(grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$dir"/*.[ch] 2>/dev/null || true)
done
for dir in */; do
	dir=${dir%/}
	case " ${layers[*]} bench tests fixtures docs build out " in
	*" $dir "*) ;;
	*) if ls "$dir"/*.[ch] >/dev/null 2>&1; then echo "check_layers: $dir/ holds C sources but is not a layer"; bad=1; fi ;;
	esac
done
[ "$bad" = 0 ] && echo "layers: every include goes down (${layers[*]})"
exit "$bad"
