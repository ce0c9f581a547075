#!/bin/sh
# check_unit.sh SRCDIR MOND_BIN: `systemd-analyze verify` on a copy of
# conf/mond.service whose ExecStart names the built binary (verify wants
# the program to exist), with MANPATH on our man pages (verify runs `man`
# for Documentation=). Skips (exit 77) where systemd-analyze is absent.
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
