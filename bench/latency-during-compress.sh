#!/bin/sh
# latency-during-compress.sh: p99 of GET / while the worker compresses a
# 1 GiB log (forced through the control socket), against p99 with nothing
# rotating. Two loads, each DURATION s (default 15) with wrk's 2 threads:
#
#  steady     64 connections, each sending its next request 1 ms after the
#             last answer (wrk's delay()): a pace well under what the loop
#             can serve (about 60% of it on the 2-core VM of the README).
#             The issue's target, ratio <= 2, is for this load. wrk is a
#             closed loop: a connection waiting on a stalled answer sends
#             nothing meanwhile, so a long stall would be under-counted;
#             tests/test_daemon.c checks separately that answers keep coming
#             while a big log compresses.
#             Control: the same load beside one spinning shell loop per CPU
#             under SCHED_IDLE, the class mond's deflate threads run in,
#             with no memory traffic at all: the floor that merely keeping
#             the cores busy sets on this machine.
#  saturating 16 connections with no pause: the loop is never idle, so the
#             compressing threads only get CPU the scheduler takes from it.
#             Printed for information, with the same control.
set -eu
. "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-15}
SIZE_MB=${SIZE_MB:-1024}
command -v wrk >/dev/null || { echo "wrk is not installed (make bench-deps)"; exit 1; }
log="$BTMP/big.log"
# The log and its .gz (at most its size), plus room to spare.
need=$(((SIZE_MB * 2 + 512) * 1024 * 1024))
avail=$(($(df --output=avail "$BTMP" | tail -1) * 1024))
if [ "$avail" -lt "$need" ]; then
	echo "bench/latency-during-compress.sh: $BTMP has $((avail >> 20)) MiB free, needs $((need >> 20))" >&2
	exit 1
fi
# random bytes as base64 text: gzip has to work on every block
head -c $((SIZE_MB * 1024 * 1024 * 3 / 4)) /dev/urandom | base64 -w 120 > "$log"
mond_conf "log \"$log\" {
	size = 100G
	rotate = 1
	compress = yes
}"
mond_start
url="http://127.0.0.1:$MOND_PORT/"
echo 'function delay() return 1 end' > "$BTMP/pace.lua"

p99() {	# wrk --latency output -> p99 in ms
	awk '$1 == "99%" {
		v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000
		print v }' "$1"
}
rps() {
	awk '/Requests\/sec/ { printf "%.0f", $2 }' "$1"
}
steady() {	# steady OUT
	wrk -t2 -c64 -d"${DURATION}s" --latency -s "$BTMP/pace.lua" "$url" > "$1"
}
saturating() {	# saturating OUT
	wrk -t2 -c16 -d"${DURATION}s" --latency "$url" > "$1"
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a + 0 > 0 && b != "") printf "%.2f", b / a; else printf "n/a" }'
}

steady "$BTMP/steady-idle.txt"
saturating "$BTMP/sat-idle.txt"
spins=
# shellcheck disable=SC2086
trap '[ -z "$spins" ] || kill $spins 2>/dev/null || true; cleanup' EXIT
trap 'exit 1' INT TERM
for _ in $(seq "$(nproc)"); do
	chrt -i 0 sh -c 'while :; do :; done' &
	spins="$spins $!"
done
steady "$BTMP/steady-spin.txt"
saturating "$BTMP/sat-spin.txt"
# shellcheck disable=SC2086
kill $spins 2>/dev/null || true
# shellcheck disable=SC2086
wait $spins 2>/dev/null || true
spins=

"$MOND_BIN" -c "$BTMP/mond.conf" --force-rotate > "$BTMP/force.out" 2>&1 &
fpid=$!
while [ ! -e "$log.1" ] && kill -0 $fpid 2>/dev/null; do sleep 0.01; done
start=$(date +%s.%N)
steady "$BTMP/steady-busy.txt"
steady_valid=yes
[ -e "$log.1" ] || steady_valid="NO (compression ended first: run with a larger SIZE_MB)"
saturating "$BTMP/sat-busy.txt"
sat_valid=yes
[ -e "$log.1" ] || sat_valid="NO (compression ended first)"
wait $fpid || true
end=$(date +%s.%N)

si=$(p99 "$BTMP/steady-idle.txt"); sb=$(p99 "$BTMP/steady-busy.txt")
ti=$(p99 "$BTMP/sat-idle.txt"); tb=$(p99 "$BTMP/sat-busy.txt")
ts=$(p99 "$BTMP/sat-spin.txt"); ss=$(p99 "$BTMP/steady-spin.txt")
echo "steady load, GET / p99 idle:              $si ms ($(rps "$BTMP/steady-idle.txt") req/s)"
echo "steady load, GET / p99 1 GiB compressing: $sb ms ($(rps "$BTMP/steady-busy.txt") req/s); compressing throughout: $steady_valid"
echo "steady load, GET / p99 beside $(nproc) SCHED_IDLE spin loops (control, not mond): $ss ms ($(rps "$BTMP/steady-spin.txt") req/s)"
echo "steady load ratio busy/idle: $(ratio "$si" "$sb") (target <= 2); control spin/idle $(ratio "$si" "$ss")"
echo "saturating load, GET / p99 idle:              $ti ms ($(rps "$BTMP/sat-idle.txt") req/s)"
echo "saturating load, GET / p99 1 GiB compressing: $tb ms ($(rps "$BTMP/sat-busy.txt") req/s); compressing throughout: $sat_valid"
echo "saturating load, GET / p99 beside $(nproc) SCHED_IDLE spin loops (control, not mond): $ts ms ($(rps "$BTMP/sat-spin.txt") req/s)"
echo "saturating load ratios: compressing/idle $(ratio "$ti" "$tb"), control spin/idle $(ratio "$ti" "$ts") (information)"
echo "forced pass done $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}') s after the loads began"
sed 's/^/force-rotate: /' "$BTMP/force.out"
