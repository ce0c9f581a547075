#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz/ with meson (-Dfuzz=true,
# clang, -fsanitize=fuzzer,address,undefined; tests/fuzz/meson.build) in
# OUT (default build-fuzz, never the other build dirs), and runs each for
# SECONDS (default 60). The seeds in tests/fuzz/corpus/TARGET are read,
# never written: new inputs go to OUT/corpus/TARGET, crashes to
# OUT/crash-TARGET-*. Exits 1 when any target found a crash.
#   sh tests/fuzz/run.sh [OUT [SECONDS [TARGET...]]]
set -eu
cd "$(dirname "$0")/../.."
OUT=${1:-build-fuzz}
SECONDS_EACH=${2:-60}
[ $# -gt 2 ] && shift 2 || set --
TARGETS=${*:-"conf state http httpparse frontmsg"}

# The criterion suites stay out: this directory only fuzzes. A directory
# left by the old hand-written build (no build.ninja) is set up in place.
if [ ! -f "$OUT/build.ninja" ]; then
	CC=${FUZZ_CC:-clang} meson setup "$OUT" -Dfuzz=true -Dtests=disabled
fi
ninja_targets=""
for t in $TARGETS; do
	ninja_targets="$ninja_targets tests/fuzz/fuzz_$t"
done
# shellcheck disable=SC2086
ninja -C "$OUT" $ninja_targets

status=0
for t in $TARGETS; do
	bin="$OUT/tests/fuzz/fuzz_$t"
	mkdir -p "$OUT/corpus/$t"
	echo "fuzz_$t: ${SECONDS_EACH}s"
	if ! "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 \
	    -rss_limit_mb=4096 -print_final_stats=1 \
	    -artifact_prefix="$OUT/crash-$t-" \
	    "$OUT/corpus/$t" "tests/fuzz/corpus/$t" >"$OUT/fuzz_$t.log" 2>&1
	then
		echo "fuzz_$t: CRASH, see $OUT/fuzz_$t.log" >&2
		tail -40 "$OUT/fuzz_$t.log" >&2
		status=1
	fi
	grep -E '^stat::number_of_executed_units|^Done' "$OUT/fuzz_$t.log" || true
done
exit $status
