#!/bin/sh
# check_unit.sh SRCDIR MOND_BIN: `systemd-analyze verify` on a copy of
# conf/mond.service whose ExecStart names the built binary (verify wants
# the program to exist), with MANPATH on our man pages (verify runs `man`
# for Documentation=), then `systemd-analyze security --offline=yes` on it,
# whose exposure must be at most 3.0. Skips (exit 77) where
# systemd-analyze is absent.
set -u
src=${1:?}
bin=${2:?}
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: systemd-analyze not installed"
	exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/man/man8" "$tmp/man/man5"
cp "$src/man/mond.8" "$tmp/man/man8/" && cp "$src/man/mond.conf.5" "$tmp/man/man5/" || exit 1
sed "s|/usr/sbin/mond|$bin|g" "$src/conf/mond.service" > "$tmp/mond.service" || exit 1
out=$(MANPATH=$tmp/man systemd-analyze verify "$tmp/mond.service" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
	echo "systemd-analyze verify (exit $rc):"
	echo "$out"
	exit 1
fi
echo "systemd-analyze verify: clean"

# The unit's sandbox: systemd's own exposure score, at most 3.0 (Debian's
# logrotate.service scores 6.5).
sed "s|/usr/sbin/mond|$bin|g" "$src/conf/mond.service" > "$tmp/mond.service" || exit 1
score=$(systemd-analyze security --offline=yes "$tmp/mond.service" 2>&1 |
	sed -n 's/.*Overall exposure level for mond.service: \([0-9.]*\).*/\1/p')
if [ -z "$score" ]; then
	echo "systemd-analyze security printed no exposure level"
	exit 1
fi
if ! awk -v s="$score" 'BEGIN { exit !(s <= 3.0) }'; then
	echo "systemd-analyze security: exposure $score, above 3.0"
	exit 1
fi
echo "systemd-analyze security: exposure $score (at most 3.0)"
