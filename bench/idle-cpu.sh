#!/bin/sh
# idle-cpu.sh: CPU time of an idle daemon keeping 1,000 logs. The config
# has ONE STANZA PER FILE (1,000 rules, the heavier case for mond: 1,000
# thresholds and patterns), each `frequency = daily` plus `size = 1M`, so
# both the timer and the inotify watch are armed. After the first pass,
# nothing is written for IDLE_SECS (default 60) and the daemon's
# utime+stime over that window is printed.
set -eu
. "$(dirname "$0")/lib.sh"
IDLE_SECS=${IDLE_SECS:-60}
N=${N:-1000}
mkdir "$BTMP/logs"
stanzas=""
i=0
while [ $i -lt "$N" ]; do
	f="$BTMP/logs/app$i.log"
	echo "line" > "$f"
	stanzas="$stanzas
log \"$f\" {
	frequency = daily
	size = 1M
	rotate = 2
}"
	i=$((i + 1))
done
mond_conf "$stanzas"
mond_start
# the first pass records 1,000 first sightings in the state file
i=0
while [ ! -s "$BTMP/status" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
sleep 1
tck=$(getconf CLK_TCK)
t0=$(cpu_ticks "$MOND_PID")
sleep "$IDLE_SECS"
t1=$(cpu_ticks "$MOND_PID")
awk -v a="$t0" -v b="$t1" -v hz="$tck" -v s="$IDLE_SECS" -v n="$N" 'BEGIN {
	printf "logs: %d (one stanza each, daily + size 1M)\n", n
	printf "start-up and first pass: %.2f CPU s\n", a / hz
	printf "idle %d s: %.2f CPU s (%.3f%% of one core; tick = %.0f ms)\n",
	    s, (b - a) / hz, 100 * (b - a) / hz / s, 1000 / hz
}'
