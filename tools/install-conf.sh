#!/bin/sh
# install-conf.sh SRC DEST: meson's install script for /etc/mond.conf.
# Installs SRC as DEST under $DESTDIR only when nothing is there yet: an
# administrator's configuration is never overwritten by an upgrade.
set -eu
src=$1
dest=${DESTDIR:-}$2
if [ -e "$dest" ] || [ -L "$dest" ]; then
	echo "install-conf: $dest exists, left as it is"
	exit 0
fi
mkdir -p "$(dirname "$dest")"
install -m 0644 "$src" "$dest"
echo "install-conf: installed $dest"
