#!/bin/sh
# tools/status-shots.sh [MOND] [OUTDIR]: docs/status.png and
# docs/status-phone.png, taken from the real daemon. A demo config of five
# logs in a temporary directory, written at different rates by a shell
# loop, several rotating on size and compressed; the daemon runs with
# MOND_HISTORY_STEP=5, so the day its sparklines draw (144 steps) passes
# in 12 minutes, and the page says so. Once it has, headless Chromium
# shoots /status at a desktop's and a phone's width. Takes about 13
# minutes; SHOTS_SECS shortens the wait (the lines then cover less).
set -eu

mond=$(realpath "${1:-build/mond}")
out=$(realpath "${2:-docs}")
secs=${SHOTS_SECS:-750}
dir=$(mktemp -d /tmp/mond-demo.XXXXXX)
pid=
writer=
cleanup() {
	[ -z "$writer" ] || kill "$writer" 2>/dev/null || true
	[ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

mkdir -p "$dir/log/nginx" "$dir/log/app"
cat >"$dir/mond.conf" <<EOF
statefile = "$dir/state"
control = "$dir/control.sock"
http {
    listen = "127.0.0.1"
    port = 0
}
applog {
    path = "$dir/mon/mon.log"
}
log "$dir/log/nginx/access.log" {
    size = 160k
    rotate = 6
    create = yes
    compress = yes
}
log "$dir/log/nginx/error.log" {
    size = 48k
    rotate = 3
    create = yes
    compress = yes
}
log "$dir/log/app/*.log" {
    size = 1M
    rotate = 4
    create = yes
    compress = yes
    delaycompress = yes
}
log "$dir/log/cron.log" {
    frequency = daily
    maxsize = 10M
    rotate = 7
}
EOF
: >"$dir/log/nginx/access.log"
: >"$dir/log/nginx/error.log"
: >"$dir/log/app/api.log"
: >"$dir/log/app/worker.log"
: >"$dir/log/cron.log"

MOND_HISTORY_STEP=5 "$mond" -c "$dir/mond.conf" 2>"$dir/stderr" &
pid=$!
port=
for _ in $(seq 50); do
	port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' \
	    "$dir/stderr" | head -n 1)
	[ -n "$port" ] && break
	sleep 0.2
done
[ -n "$port" ] || { cat "$dir/stderr"; echo "mond did not listen" >&2; exit 1; }

# The writers: access.log steady, error.log in bursts, api.log slowly
# growing, worker.log fast enough to rotate now and then, cron.log rarely.
(
	i=0
	while :; do
		i=$((i + 1))
		ts=$(date -u +%FT%T)
		for n in 1 2 3 4 5 6 7 8 9 10 11 12; do
			printf '10.0.%d.%d - - [%s] "GET /api/v1/items/%d HTTP/1.1" 200 %d "-" "curl/7.88"\n' \
			    $((n % 7)) $((i % 250)) "$ts" \
			    $((i * n)) $((i % 900 + 100)) >>"$dir/log/nginx/access.log"
		done
		if [ $((i % 90)) -lt 12 ]; then
			for n in 1 2 3 4 5 6 7 8 9 10; do
				printf '%s [error] 812#812: *%d upstream timed out (110: Connection timed out) while reading response header\n' \
				    "$ts" $((i * 10 + n)) \
				    >>"$dir/log/nginx/error.log"
			done
		fi
		printf '%s INFO api request id=%d took %dms\n' "$ts" \
		    "$i" $((i % 37)) >>"$dir/log/app/api.log"
		for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 \
		    21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40; do
			printf '%s DEBUG worker job=%d step=%d queue=%d state=running\n' \
			    "$ts" "$i" "$n" $((i % 13)) \
			    >>"$dir/log/app/worker.log"
		done
		[ $((i % 30)) -ne 0 ] || printf '%s CRON[%d]: (root) CMD (run-parts /etc/cron.hourly)\n' \
		    "$ts" "$i" >>"$dir/log/cron.log"
		sleep 1
	done
) &
writer=$!

echo "mond on :$port, pid $pid; shooting in $secs s" >&2
sleep "$secs" &
wait $!		# a signal meanwhile cleans up at once

shoot() {
	chromium --headless --no-sandbox --disable-gpu --no-first-run \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --user-data-dir="$dir/chromium" --hide-scrollbars \
	    --screenshot="$1" --window-size="$2" \
	    "http://127.0.0.1:$port/status" 2>/dev/null
}
shoot "$out/status.png" 1440,880
shoot "$out/status-phone.png" 412,1600
echo "wrote $out/status.png and $out/status-phone.png" >&2
