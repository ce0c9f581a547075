#!/bin/sh
# build-deb.sh DIR (make deb): the Debian package built in a copy of this
# tree under DIR, so that dpkg-buildpackage's debian/mond, debian/files and
# obj-* never land in the source tree; then lintian on the result, where
# any error or warning fails. Leaves DIR/mond_VERSION_ARCH.deb.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: build-deb.sh DIR}
case $out in /*) ;; *) out=$src/$out ;; esac
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
tree=$out/mond-$version

rm -rf "$out"
mkdir -p "$tree"
# The files git knows, tracked or new, edits included; a tree outside git
# (an unpacked tarball) is copied whole but for build directories.
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$src" ls-files -z --cached --others --exclude-standard |
		(cd "$src" && xargs -0 cp --parents -P -t "$tree" --)
else
	(cd "$src" && tar -cf - --exclude='./build*' --exclude=./run .) |
		(cd "$tree" && tar -xf -)
fi

(cd "$tree" && dpkg-buildpackage -us -uc -b)
changes=$(ls "$out"/mond_"$version"_*.changes)
lintian --fail-on error,warning --display-info "$changes"
echo "build-deb: $(ls "$out"/mond_"$version"_*.deb), lintian clean"
