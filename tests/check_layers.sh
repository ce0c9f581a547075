#!/bin/sh
# check_layers.sh SRCDIR: mond's folders include only the layers under
# them (docs/DESIGN.md §11): util/ nothing of mond's but itself; conf/
# util/; engine/ and web/ conf/ and util/, never each other; daemon/ any.
# Each include that points up or sideways is printed with its file.
set -u
src=${1:-${MOND_SRCDIR:?}}
fail=0

# allowed LAYER: the folders LAYER's files may include from
allowed() {
	case $1 in
	util) echo "util" ;;
	conf) echo "util conf" ;;
	engine) echo "util conf engine" ;;
	web) echo "util conf web" ;;
	daemon) echo "util conf engine web daemon" ;;
	esac
}

for layer in util conf engine web daemon; do
	[ -d "$src/$layer" ] || { echo "no folder $layer/"; fail=1; continue; }
	ok=$(allowed "$layer")
	for f in "$src/$layer"/*.c "$src/$layer"/*.h; do
		[ -e "$f" ] || continue
		grep -n '^#include "[a-z]*/' "$f" | while IFS= read -r line; do
			to=$(echo "$line" | sed 's/^[0-9]*:#include "\([a-z]*\)\/.*/\1/')
			case " $ok " in
			*" $to "*) ;;
			*) echo "${f#"$src"/}:${line%%:*}: $layer/ includes $to/" ;;
			esac
		done
	done
done > "${TMPDIR:-/tmp}/check_layers.$$"
if [ -s "${TMPDIR:-/tmp}/check_layers.$$" ]; then
	cat "${TMPDIR:-/tmp}/check_layers.$$"
	fail=1
fi
rm -f "${TMPDIR:-/tmp}/check_layers.$$"
exit $fail
