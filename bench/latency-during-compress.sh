#!/bin/sh
# latency-during-compress.sh: p99 of GET / under steady wrk load (2 threads,
# 16 connections, DURATION s, default 20), first with nothing rotating,
# then while the worker compresses a 1 GiB log (forced through the control
# socket). Prints both p99s and their ratio (target <= 2).
set -eu
. "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-20}
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

p99() {	# wrk --latency output -> p99 in ms
	awk '$1 == "99%" {
		v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000
		print v }'
}

wrk -t2 -c16 -d"${DURATION}s" --latency "$url" > "$BTMP/idle.txt"
idle=$(p99 < "$BTMP/idle.txt")

"$MOND_BIN" -c "$BTMP/mond.conf" --force-rotate > "$BTMP/force.out" 2>&1 &
fpid=$!
while [ ! -e "$log.1" ] && kill -0 $fpid 2>/dev/null; do sleep 0.01; done
start=$(date +%s.%N)
wrk -t2 -c16 -d"${DURATION}s" --latency "$url" > "$BTMP/busy.txt"
busy=$(p99 < "$BTMP/busy.txt")
compressing=no
[ -e "$log.1" ] && compressing=yes
wait $fpid || true
end=$(date +%s.%N)
echo "GET / p99, idle:               $idle ms ($(awk '/Requests\/sec/ {print $2}' "$BTMP/idle.txt") req/s)"
echo "GET / p99, 1 GiB compressing:  $busy ms ($(awk '/Requests\/sec/ {print $2}' "$BTMP/busy.txt") req/s)"
echo "compression still running when the load ended: $compressing; forced pass done $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}') s after the load began"
awk -v a="$idle" -v b="$busy" 'BEGIN { printf "ratio busy/idle: %.2f (target <= 2)\n", b / a }'
sed 's/^/force-rotate: /' "$BTMP/force.out"
