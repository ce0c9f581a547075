#!/bin/sh
# check_install.sh BUILDDIR: `meson install` into a scratch DESTDIR puts
# mond in sbin, the man pages, the systemd unit and /etc/mond.conf; a
# second install keeps an /etc/mond.conf the admin already edited.
set -u
build=${1:?}
dest=$(mktemp -d) || exit 1
trap 'rm -rf "$dest"' EXIT
install() {
	meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >/dev/null 2>&1
}
fail() { echo "FAIL: $*"; exit 1; }

install || fail "meson install failed"
prefix=$(meson introspect "$build" --buildoptions | python3 -c \
    'import json,sys; print({o["name"]: o["value"] for o in json.load(sys.stdin)}["prefix"])')
for f in sbin/mond share/man/man8/mond.8 share/man/man5/mond.conf.5; do
	[ -f "$dest$prefix/$f" ] || fail "$prefix/$f not installed"
done
# sbin/logrotate is a link to mond exactly when -Dlogrotate_link=true.
link=$(meson introspect "$build" --buildoptions | python3 -c \
    'import json,sys; print({o["name"]: o["value"] for o in json.load(sys.stdin)}["logrotate_link"])')
lr="$dest$prefix/sbin/logrotate"
if [ "$link" = True ]; then
	[ "$(readlink "$lr")" = mond ] || fail "sbin/logrotate is not a link to mond"
else
	[ ! -e "$lr" ] && [ ! -L "$lr" ] || fail "sbin/logrotate installed without logrotate_link"
fi
conf=$(find "$dest" -name mond.conf -path '*etc*' | head -n 1)
[ -n "$conf" ] || fail "mond.conf not installed"
find "$dest" -name mond.service | grep -q . || fail "mond.service not installed"

echo "# edited by the admin" > "$conf"
install || fail "second meson install failed"
[ "$(cat "$conf")" = "# edited by the admin" ] || fail "install overwrote $conf"
echo "install: sbin/mond (logrotate link: $link), man pages, unit, ${conf#"$dest"} (kept on reinstall)"
