#!/usr/bin/env bash
# The source folders are layers: each includes only folders below it (the
# map is in README.md, "Where things are").  This fails on an #include of a
# folder above, of a folder the list does not know, or one it cannot
# follow (through a macro), in any file at any depth of a layer folder.
# Where the build's dependency files are ($BUILD/LAYER/*.d, written by
# the compiler), it checks them too: every header a layer's object
# actually read, however it was named.
#
#   bash tests/check_layers.sh        (make test and make unit run it)
set -euo pipefail
cd "$(dirname "$0")/.."

# bottom to top
layers=(base io gen sorter engine readers pdf writers ledger job cli)

declare -A rank_of
for i in "${!layers[@]}"; do
	rank_of[${layers[$i]}]=$i
done

bad=0
# check WHERE MINE PATH: PATH (relative to the top, normalised) may be used
# from layer MINE; WHERE names the use in a message
check() {
	local where=$1 me=$2 path=$3 top them
	case $path in
	/*) return ;;   # outside the tree: system headers
	*/*) top=${path%%/*} ;;
	*) echo "$where: $path is at the top of the tree, in no layer"; bad=1; return ;;
	esac
	them=${rank_of[$top]:--1}
	if [ "$them" -lt 0 ]; then
		case $top in build) return ;; esac   # generated files
		echo "$where: $path is in $top/, which is not a layer (${layers[*]})"
		bad=1
	elif [ "$them" -gt "$me" ]; then
		echo "$where: ${layers[$me]}/ uses $path, a layer above it (bottom to top: ${layers[*]})"
		bad=1
	fi
}

for dir in "${layers[@]}"; do
	[ -d "$dir" ] || { echo "check_layers: $dir/ is in the list but not in the tree"; bad=1; continue; }
	me=${rank_of[$dir]}
	while IFS= read -r file; do
		while IFS=: read -r line inc; do
			if [[ $inc =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
				target=${BASH_REMATCH[1]}
				case $target in
				*/*) path=$(realpath -m --relative-to=. "$(dirname "$file")/$target") ;;
				*) path=$(dirname "$file")/$target ;;   # the same folder
				esac
				check "$file:$line" "$me" "$path"
			elif [[ $inc =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*[^\<[:space:]] ]]; then
				echo "$file:$line: an #include this check cannot follow (a macro or a continued line): name the header"
				bad=1
			fi
		done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$file" || true)
	done < <(find "$dir" -name '*.[ch]' | sort)
done

# what the compiler read, where the build (BUILD, default build/release)
# left its dependency files; a .d whose source is gone is stale, skipped
build=${BUILD:-build/release}
for dir in "${layers[@]}"; do
	[ -d "$build/$dir" ] || continue
	me=${rank_of[$dir]}
	for dep in "$build/$dir"/*.d; do
		[ -f "$dep" ] || continue
		src=${dep#"$build/"}
		[ -f "${src%.d}.c" ] || continue
		# "obj.o: a.c b.h \" lines: the paths in the tree (system headers
		# are absolute), each once
		paths=$(sed -e 's/\\$//' -e 's/^[^:]*:\( \|$\)//' -e '/^[^ ]*:$/d' "$dep" | tr ' ' '\n' |
			grep -v -e '^$' -e '^/' | sort -u || true)
		[ -n "$paths" ] || continue
		while IFS= read -r path; do
			check "$dep" "$me" "$path"
		done < <(realpath -m --relative-to=. $paths | sort -u)
	done
done

for dir in */; do
	dir=${dir%/}
	case " ${layers[*]} bench tests fixtures docs build out " in
	*" $dir "*) ;;
	*) if [ -n "$(find "$dir" -name '*.[ch]' -print -quit)" ]; then
		echo "check_layers: $dir/ holds C sources but is not a layer"; bad=1
	   fi ;;
	esac
done
[ "$bad" = 0 ] && echo "layers: every include goes down (${layers[*]})"
exit "$bad"
