#!/bin/sh
# meson-dir.sh BUILD [OPTION...]: makes BUILD a meson build directory with
# these options. A new one is set up with them; on one that exists, the
# options not yet applied by this script go through `meson configure`, so
# that `make MESON_OPTS=...` reaches a build directory made before (the
# applied ones are listed in BUILD/.make-meson-opts). Each OPTION is one
# word, NAME=VALUE (--prefix=/usr, -Dwerror=true), so that a later value
# for NAME replaces the earlier. An option dropped from the list keeps the
# value it had: meson cannot tell us the default to go back to.
set -eu
build=${1:?usage: meson-dir.sh BUILD [NAME=VALUE...]}
shift
record=$build/.make-meson-opts
for opt in "$@"; do
	case "$opt" in
	-*=*) ;;
	*)
		echo "meson-dir.sh: '$opt' is not one word -NAME=VALUE" \
		    "(MESON_OPTS=\"--prefix=/usr -Dwerror=true\" is)" >&2
		exit 1 ;;
	esac
done

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$@"
	printf '%s\n' "$@" > "$record"
	exit 0
fi
changed=""
for opt in "$@"; do
	grep -qxF -- "$opt" "$record" 2>/dev/null || changed="$changed $opt"
done
[ -z "$changed" ] && exit 0
echo "meson-dir.sh: options new to $build:$changed"
meson configure "$build" "$@"
# The record: these options, then the older ones whose names they do not set.
{
	printf '%s\n' "$@"
	if [ -f "$record" ]; then
		while read -r old; do
			keep=1
			for opt in "$@"; do
				if [ "${old%%=*}" = "${opt%%=*}" ]; then
					keep=0
				fi
			done
			if [ "$keep" -eq 1 ]; then
				printf '%s\n' "$old"
			fi
		done < "$record"
	fi
} > "$record.new"
mv "$record.new" "$record"
