#!/bin/sh
# tools/fresh-check.sh (make fresh-check): the README's set-up on a
# genuinely fresh Debian 12, as a new user would meet it. A minbase root
# is made once with debootstrap (cached in $FRESH_CACHE), copied for each
# run, the project cloned into the copy, and there, in a private mount
# and PID namespace, exactly the README's commands run: `apt-get install
# -y make`; `make run`, which must answer "Stage Seven!" on :5000 without
# chromium or prometheus installed; then `make test`, which must pass.
# Needs root and Debian's mirrors; takes as long as a CI run plus the
# installs. The chroot shares the machine's network, so a port 5000 that
# is already taken refuses the run: GET / would ask someone else.
set -eu

# It dies with whoever started it (make, CI, a shell): it runs itself
# again under a parent-death signal, which the trap below passes on.
if [ -z "${FRESH_CHECK_PDEATH:-}" ]; then
	FRESH_CHECK_PDEATH=1 exec setpriv --pdeathsig TERM sh "$0" "$@"
fi
unset FRESH_CHECK_PDEATH

src=$(cd "$(dirname "$0")/.." && pwd)
cache=${FRESH_CACHE:-/var/cache/mond-fresh}
# The machine's own Debian mirror: a CI machine may reach no other.
mirror=${FRESH_MIRROR:-$(sh "$src/tools/debian-mirror.sh")}
base=$cache/bookworm
run=$cache/run

# Whoever listens on :5000 (an earlier run's demo daemon, a developer's
# server) would answer the check's GET / in place of this run's make run.
refuse_busy_port() {
	if ! command -v ss >/dev/null; then
		echo "fresh-check: needs ss (iproute2) to see whether :5000 is free" >&2
		exit 1
	fi
	if ss -Hltn 'sport = :5000' | grep -q .; then
		echo "fresh-check: port 5000 is already in use; the check's GET / would" \
		    "reach that listener, not this run's make run. Stop it first:" >&2
		ss -Hltnp 'sport = :5000' >&2
		exit 1
	fi
}

[ "$(id -u)" -eq 0 ] || { echo "fresh-check: needs root (debootstrap, chroot)" >&2; exit 1; }
refuse_busy_port
command -v debootstrap >/dev/null || DEBS=debootstrap sh "$src/tools/ensure-debs.sh"

if [ ! -x "$base/usr/bin/apt-get" ]; then
	echo "fresh-check: making a minbase Debian 12 in $base (once)"
	rm -rf "$base.part"
	mkdir -p "$cache"
	debootstrap --variant=minbase bookworm "$base.part" "$mirror"
	mv "$base.part" "$base"
fi

echo "fresh-check: a fresh copy of it in $run"
rm -rf "$run"
cp -a "$base" "$run"
git clone -q "$src" "$run/root/mond"
# What the new user types, nothing more: the README's set-up.
cat > "$run/root/readme-setup.sh" <<'EOF'
set -eu
export DEBIAN_FRONTEND=noninteractive
cd /root/mond
apt-get update -qq
apt-get install -y -qq make
setsid make run > /root/run.log 2>&1 &
runpid=$!
for i in $(seq 1 300); do
	if out=$(python3 -c 'import urllib.request as u; print(u.urlopen("http://127.0.0.1:5000/").read().decode())' 2>/dev/null); then
		break
	fi
	sleep 1
done
# make run's whole group: make, its shell and the daemon. (dash's kill
# takes no "--": with one, it killed nothing, and the demo daemon served
# :5000 through all of make test.)
kill -TERM "-$runpid" 2>/dev/null || true
wait "$runpid" 2>/dev/null || true
echo "GET / said: ${out:-nothing}"
[ -n "${out:-}" ] || tail -20 /root/run.log
[ "${out:-}" = "Stage Seven!" ]
# make test must not run beside the demo daemon: it is gone, or this fails.
listening() {
	python3 -c 'import socket; socket.create_connection(("127.0.0.1", 5000), 1)' 2>/dev/null
}
i=0
while listening && [ "$i" -lt 30 ]; do
	sleep 1
	i=$((i + 1))
done
if listening; then
	echo "fresh-check: make run's daemon still listens on :5000 after SIGTERM" >&2
	exit 1
fi
for pkg in chromium prometheus; do
	if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q ' installed'; then
		echo "fresh-check: $pkg is installed" >&2
		exit 1
	fi
done
# make run first: what it installed must be enough to run
make test
echo "fresh-check: the README's commands work on a fresh Debian 12"
EOF
# The new user's own environment, not this one's: CI's MOND_CI=1 or
# ASAN_OPTIONS would change what the README's commands do.
# A private mount namespace, so nothing mounted for the run leaks out, and
# a PID namespace of its own, so nothing started in it outlives it: when
# its PID 1 (the sh below) ends, the kernel kills all that is left in it,
# make run's daemon included. The proc mounted for the chroot is the new
# namespace's. When unshare dies, --kill-child takes that PID 1 with it;
# unshare dies with this script (setpriv's parent-death signal), and
# since it blocks SIGTERM and SIGINT while it waits (they are meant for
# its child), this script turns them, and SIGHUP, into a SIGKILL for it.
# It runs in the background for the trap to run at once, and so with
# SIGINT and SIGQUIT ignored unless env sets them back: the README's
# commands must meet the signals a user's shell gives them.
refuse_busy_port	# again: debootstrap and the copy took a while
env --default-signal=INT,QUIT \
    setpriv --pdeathsig KILL unshare --mount --pid --fork --kill-child \
    sh -eu -c '
	root=$1
	mount --make-rprivate /
	mount -t proc proc "$root/proc"
	mount --rbind /sys "$root/sys"
	mount --rbind /dev "$root/dev"
	mount -t tmpfs tmpfs "$root/tmp"
	mount -t tmpfs tmpfs "$root/run"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	chroot "$root" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
	    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	    /bin/sh /root/readme-setup.sh
' sh "$run" &
ns=$!
trap 'kill -KILL "$ns" 2>/dev/null; exit 129' HUP
trap 'kill -KILL "$ns" 2>/dev/null; exit 130' INT
trap 'kill -KILL "$ns" 2>/dev/null; exit 143' TERM
wait "$ns"
