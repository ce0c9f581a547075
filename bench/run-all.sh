#!/bin/sh
# run-all.sh [BUILD]: runs every executable script of bench/ in turn against
# BUILD/mond (default build/), with BUILD as $1 and MOND_BIN exported, and
# keeps going when one fails. Each script prints its own figures and ratios.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
MOND_BIN=${MOND_BIN:-$(cd "$build" && pwd)/mond}
export MOND_BIN
rc=0
for s in "$here"/*; do
	[ -f "$s" ] && [ -x "$s" ] || continue
	case $s in */run-all.sh|*/lib.sh) continue ;; esac
	echo "== ${s##*/}"
	"$s" "$build" || { echo "!! ${s##*/} failed"; rc=1; }
done
exit $rc
