# lib.sh: what the bench scripts share (sourced, not run): a temp dir
# removed on exit, starting mond on an ephemeral port, its CPU time.
: "${MOND_BIN:?set MOND_BIN to the built mond}"
BTMP=$(mktemp -d /tmp/mond-bench.XXXXXX)
chmod 700 "$BTMP"
MOND_PID=
cleanup() {
	[ -n "$MOND_PID" ] && kill "$MOND_PID" 2>/dev/null && wait "$MOND_PID" 2>/dev/null
	rm -rf "$BTMP"
}
trap cleanup EXIT INT TERM

# mond_conf STANZAS: writes $BTMP/mond.conf with its own state, socket, port 0.
mond_conf() {
	cat > "$BTMP/mond.conf" <<EOC
statefile = "$BTMP/status"
control = "$BTMP/mond.sock"
messages = "$BTMP/mond.log"
http {
	listen = "127.0.0.1"
	port = 0
}
applog {
	path = "$BTMP/mon/mon.log"
}
$1
EOC
}

# mond_start: starts the daemon, sets MOND_PID and MOND_PORT.
mond_start() {
	"$MOND_BIN" -c "$BTMP/mond.conf" 2>"$BTMP/mond.err" &
	MOND_PID=$!
	i=0
	while ! grep -q 'listening on http://' "$BTMP/mond.err" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 500 ] || ! kill -0 "$MOND_PID" 2>/dev/null; then
			echo "mond did not start:"; cat "$BTMP/mond.err"; exit 1
		fi
		sleep 0.02
	done
	MOND_PORT=$(sed -n 's|.*listening on http://[^ ]*:\([0-9]*\)/.*|\1|p' "$BTMP/mond.err" | head -1)
}

# cpu_ticks PID: utime + stime from /proc/PID/stat, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}
