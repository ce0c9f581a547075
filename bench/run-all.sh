#!/bin/sh
# Runs every executable script in bench/ with the build directory as $1.
build=${1:-build}
rc=0
for s in "$(dirname "$0")"/*; do
	[ -f "$s" ] && [ -x "$s" ] || continue
	case $s in */run-all.sh) continue ;; esac
	echo "== ${s##*/}"
	"$s" "$build" || rc=1
done
exit $rc
