#!/bin/sh
# tools/debian-mirror.sh: the machine's own Debian mirror, for debootstrap
# (a CI machine may reach no other): the first non-security URI of Debian
# 12's deb822 sources, or of a one-line sources.list; deb.debian.org when
# neither names one. Used by fresh-check.sh and tests/check_deb.sh.
set -eu

uris() {
	if [ -r /etc/apt/sources.list.d/debian.sources ]; then
		sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' \
		    /etc/apt/sources.list.d/debian.sources
	fi
	if [ -r /etc/apt/sources.list ]; then
		sed -n 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*\).*/\2/p' \
		    /etc/apt/sources.list
	fi
}
mirror=$(uris | grep -v security | head -n 1 || true)
echo "${mirror:-http://deb.debian.org/debian}"
