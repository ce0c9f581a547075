#!/bin/sh
# run-all.sh [BUILD]: runs every bench script of this directory in turn
# against BUILD/mond (default build/) and keeps going when one fails.
# Each script prints its own figures and ratios.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
MOND_BIN=${MOND_BIN:-$(cd "$build" && pwd)/mond}
export MOND_BIN
rc=0
for b in "$here"/*.sh; do
	[ "$(basename "$b")" = run-all.sh ] && continue
	[ "$(basename "$b")" = lib.sh ] && continue
	echo "== $(basename "$b" .sh)"
	bash "$b" || { echo "!! $(basename "$b") failed"; rc=1; }
done
echo "== http"
bash "$here/http" "$build" || { echo "!! http failed"; rc=1; }
exit $rc
