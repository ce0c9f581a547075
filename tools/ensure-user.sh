#!/bin/sh
# ensure-user.sh [DIR...]: as root, makes the system user "mond" the web
# front drops to (no home, no shell, a group of its own) when it is
# missing, and each DIR as its directory (mode 0750): where mon.log lives.
# Not root: says nothing and does nothing (the front keeps the caller's
# user then).
set -eu
[ "$(id -u)" -eq 0 ] || exit 0
if ! getent passwd mond >/dev/null; then
	useradd --system --user-group --no-create-home \
	    --home-dir /nonexistent --shell /usr/sbin/nologin mond
	echo "ensure-user: created the system user mond"
fi
for dir in "$@"; do
	install -d -o mond -g mond -m 0750 "$dir"
done
