#!/usr/bin/env bash
# bench/scale.sh: one pattern matching 10,000 logs, run through mond --once and
# logrotate on identical trees and state files. Two passes are timed: one
# with nothing due (the state says every log rotated today) and one that
# rotates all of them (the state says two days ago). Prints the median of
# REPS runs for each tool and the ratio logrotate/mond (higher = mond faster).
# Targets (issue [2/6]): nothing-due >= 5x, rotate-all >= 2x.
set -euo pipefail

BUILD=${1:-build}
MOND=${MOND_BIN:-$(realpath "$BUILD/mond")}
N=${N:-10000}
REPS=${REPS:-5}
LOGROTATE=${LOGROTATE:-/usr/sbin/logrotate}

[ "$(id -u)" -eq 0 ] || { echo "bench/scale.sh: run as root (logrotate insists on root-owned configs)" >&2; exit 1; }
[ -x "$LOGROTATE" ] || { echo "bench/scale.sh: $LOGROTATE missing (apt-get install logrotate)" >&2; exit 1; }

work=$(mktemp -d /tmp/mond-scale.XXXXXX)
trap 'rm -rf "$work"' EXIT

# tree TOOL: a fresh directory of N one-line logs for TOOL.
tree() {
	rm -rf "$work/$1"
	mkdir -p "$work/$1/logs"
	python3 - "$work/$1/logs" "$N" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(os.path.join(d, "app%05d.log" % i), "w") as f:
        f.write("2026-11-25 12:00:00 app[%d]: started\n" % i)
PY
}

# state TOOL DATE: every log of TOOL's tree last rotated at DATE (Y-M-D).
state() {
	python3 - "$work/$1" "$N" "$2" <<'PY'
import sys
d, n, date = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(d + "/state", "w") as f:
    f.write("logrotate state -- version 2\n")
    for i in range(n):
        f.write('"%s/logs/app%05d.log" %s-0:0:0\n' % (d, i, date))
PY
}

configs() {
	cat > "$work/lr/conf" <<EOC
$work/lr/logs/*.log {
	daily
	rotate 4
	missingok
}
EOC
	cat > "$work/mo/conf" <<EOC
log "$work/mo/logs/*.log" {
	frequency = daily
	rotate = 4
	missingok = yes
}
EOC
	chmod 0644 "$work/lr/conf" "$work/mo/conf"
}

# seconds CMD...: wall time of one run, in seconds.
seconds() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || { echo "bench/scale.sh: failed: $*" >&2; exit 1; }
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_lr() { "$LOGROTATE" -s "$work/lr/state" "$work/lr/conf"; }
run_mo() { "$MOND" --once -s "$work/mo/state" -c "$work/mo/conf"; }

today=$(date +%Y-%-m-%-d)
past=$(date -d '2 days ago' +%Y-%-m-%-d)

# pass KIND DATE: times REPS runs of each tool, a fresh tree and state each.
pass() {
	local kind=$1 date=$2 tool t lr=() mo=()
	for _ in $(seq "$REPS"); do
		for tool in lr mo; do
			tree $tool
			state $tool "$date"
		done
		configs
		# $(...) is a subshell: its exit only ends it, so stop here.
		t=$(seconds run_lr) || exit 1
		lr+=("$t")
		t=$(seconds run_mo) || exit 1
		mo+=("$t")
	done
	local lrm mom
	lrm=$(printf '%s\n' "${lr[@]}" | median)
	mom=$(printf '%s\n' "${mo[@]}" | median)
	printf '%-12s logrotate %8.3f s   mond %8.3f s   ratio %6.1fx\n' \
	    "$kind" "$lrm" "$mom" "$(echo "$lrm / $mom" | bc -l)"
}

# The rotate-all pass must really rotate: check once.
tree mo; state mo "$past"; tree lr; configs
run_mo
[ -e "$work/mo/logs/app00000.log.1" ] || { echo "bench/scale.sh: mond did not rotate" >&2; exit 1; }

echo "bench/scale.sh: $N logs, one pattern, median of $REPS runs ($(nproc) cores, $(uname -m))"
pass nothing-due "$today"
pass rotate-all "$past"
