#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz/ with clang
# (-fsanitize=fuzzer,address,undefined) against the library sources, in
# OUT (default build-fuzz, never the meson build dirs), and runs each for
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
CC=${FUZZ_CC:-clang}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-std=c11 -g -O1 -D_GNU_SOURCE -DMOND_VERSION=\"fuzz\" -I."
PKGS="libconfuse libevent libevent_pthreads zlib libzstd libseccomp"

mkdir -p "$OUT/obj"
# The library as meson builds it: every source but main.c, instrumented.
objs=""
for src in conf/*.c daemon/*.c web/*.c; do
	[ "$src" = daemon/main.c ] && continue
	obj="$OUT/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ]; then
		# shellcheck disable=SC2086
		$CC $CFLAGS $SAN -fsanitize=fuzzer-no-link \
		    $(pkg-config --cflags $PKGS) -c "$src" -o "$obj"
	fi
	objs="$objs $obj"
done

status=0
for t in $TARGETS; do
	bin="$OUT/fuzz_$t"
	# shellcheck disable=SC2086
	$CC $CFLAGS $SAN -fsanitize=fuzzer "tests/fuzz/fuzz_$t.c" $objs \
	    $(pkg-config --libs $PKGS) -lpthread -o "$bin"
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
