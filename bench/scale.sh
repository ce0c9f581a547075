#!/usr/bin/env bash
# bench/scale.sh: one pattern matching 10,000 and then 40,000 logs, run
# through logrotate, mond --once (mond.conf) and mond's logrotate command
# line (the same logrotate config, mond named logrotate) on identical trees
# and state files. Two passes are timed: one with nothing due (the state
# says every log rotated today) and one that rotates all of them (the state
# says two days ago). Prints the median of REPS runs for each and the
# ratios logrotate/mond (higher = mond faster) and mond.conf/command line.
# Targets: nothing-due >= 5x, rotate-all >= 2x (issue [2/6]); the command
# line no slower than mond.conf (issue 11: ratio >= 1 within noise).
set -euo pipefail

BUILD=${1:-build}
MOND=${MOND_BIN:-$(realpath "$BUILD/mond")}
NS=${NS:-10000 40000}
REPS=${REPS:-6}
LOGROTATE=${LOGROTATE:-/usr/sbin/logrotate}

[ "$(id -u)" -eq 0 ] || { echo "bench/scale.sh: run as root (logrotate insists on root-owned configs)" >&2; exit 1; }
[ -x "$LOGROTATE" ] || { echo "bench/scale.sh: $LOGROTATE missing (apt-get install logrotate)" >&2; exit 1; }

work=$(mktemp -d /tmp/mond-scale.XXXXXX)
trap 'rm -rf "$work"' EXIT

# tree TOOL: a fresh directory of N one-line logs for TOOL (lr, mo, lc).
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
	for t in lr lc; do
		cat > "$work/$t/conf" <<EOC
$work/$t/logs/*.log {
	daily
	rotate 4
	missingok
}
EOC
	done
	cat > "$work/mo/conf" <<EOC
log "$work/mo/logs/*.log" {
	frequency = daily
	rotate = 4
	missingok = yes
}
EOC
	chmod 0644 "$work/lr/conf" "$work/mo/conf" "$work/lc/conf"
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
# mond takes logrotate's command line when run under that name.
ln -s "$MOND" "$work/logrotate"
run_lc() { "$work/logrotate" -s "$work/lc/state" "$work/lc/conf"; }

today=$(date +%Y-%-m-%-d)
past=$(date -d '2 days ago' +%Y-%-m-%-d)

# pass KIND DATE: times REPS runs of each tool, a fresh tree and state each.
pass() {
	local kind=$1 date=$2 tool t lr=() mo=() lc=()
	local order=(lr mo lc) rep i
	for rep in $(seq "$REPS"); do
		for tool in lr mo lc; do
			tree $tool
			state $tool "$date"
		done
		configs
		# The new trees' writeback must not land in a timed run.
		sync
		# Each tool goes first, second and third in turn (REPS a
		# multiple of 3 gives each place to each tool): with 40,000
		# renames in one directory, the journal left by the run before
		# costs the next one more than the scatter between tools.
		for i in 0 1 2; do
			tool=${order[$(( (rep + i) % 3 ))]}
			# $(...) is a subshell: its exit only ends it, so stop here.
			t=$(seconds "run_$tool") || exit 1
			case $tool in
			lr) lr+=("$t") ;;
			mo) mo+=("$t") ;;
			lc) lc+=("$t") ;;
			esac
		done
	done
	local lrm mom lcm
	lrm=$(printf '%s\n' "${lr[@]}" | median)
	mom=$(printf '%s\n' "${mo[@]}" | median)
	lcm=$(printf '%s\n' "${lc[@]}" | median)
	printf '%-12s logrotate %8.3f s   mond %8.3f s (%5.1fx)   mond as logrotate %8.3f s (%5.1fx)   mond.conf/command line %4.2f\n' \
	    "$kind" "$lrm" "$mom" "$(echo "$lrm / $mom" | bc -l)" "$lcm" \
	    "$(echo "$lrm / $lcm" | bc -l)" "$(echo "$mom / $lcm" | bc -l)"
}

for N in $NS; do
	# The rotate-all pass must really rotate, both ways: check once.
	for tool in mo lc lr; do tree $tool; done
	state mo "$past"; state lc "$past"; configs
	run_mo
	run_lc
	for tool in mo lc; do
		[ -e "$work/$tool/logs/app00000.log.1" ] ||
		    { echo "bench/scale.sh: $tool did not rotate" >&2; exit 1; }
	done
	echo "bench/scale.sh: $N logs, one pattern, median of $REPS runs ($(nproc) cores, $(uname -m))"
	pass nothing-due "$today"
	pass rotate-all "$past"
done
