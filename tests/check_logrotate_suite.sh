#!/bin/sh
# check_logrotate_suite.sh MOND_BIN: logrotate 3.21's own test suite, run
# against mond's logrotate command line. The suite comes from Debian's
# logrotate source package at test time (apt-get source with a deb-src
# list in a temporary directory); nothing of it is kept. Each test-NNNN.sh
# runs from its test/ directory with LOGROTATE set to a copy of the mond
# binary named logrotate (test-common.sh resolves symlinks, and a link to
# mond would run as mond). Debian's own logrotate passes 97 of the 102 and
# skips 5 (ACL and SELinux); mond must pass the same 97, but those named
# in KNOWN_DIFF, which mond.8 explains (MIGRATING FROM LOGROTATE).
# A failed download fails the test when MOND_CI is set, else skips.
set -u
bin=${1:?usage: check_logrotate_suite.sh MOND_BIN}

# The tests Debian's logrotate skips on a machine without ACL tools and
# SELinux; mond skips them too.
SKIPS="0032 0033 0035 0047 0048"
# Tests mond fails on purpose (mond.8, MIGRATING FROM LOGROTATE).
KNOWN_DIFF=""

skip_or_fail() {
	if [ -n "${MOND_CI:-}" ]; then
		echo "FAIL: $1"
		exit 1
	fi
	echo "SKIP: $1"
	exit 77
}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

command -v apt-get >/dev/null 2>&1 || skip_or_fail "no apt-get"
# The machine's mirror, as deb-src: Debian 12's deb822 file, or the
# one-line sources.list the installer and debootstrap write.
src_list=/etc/apt/sources.list.d/debian.sources
old_list=/etc/apt/sources.list
mkdir -p "$tmp/apt/parts" "$tmp/apt/lists/partial" "$tmp/src" || exit 1
if [ -r "$src_list" ]; then
	sed 's/^Types: deb$/Types: deb-src/' "$src_list" > "$tmp/apt/parts/src.sources"
elif [ -r "$old_list" ] && grep -q '^deb ' "$old_list"; then
	sed -n 's/^deb /deb-src /p' "$old_list" > "$tmp/apt/parts/src.list"
else
	skip_or_fail "neither $src_list nor $old_list names a mirror"
fi
apt="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$tmp/apt/parts
    -o Dir::State::Lists=$tmp/apt/lists -o Debug::NoLocking=1"
# shellcheck disable=SC2086
apt-get $apt -q update > "$tmp/apt.log" 2>&1 ||
	skip_or_fail "apt-get update failed: $(tail -n 3 "$tmp/apt.log")"
# A 404 for the .asc signature is harmless: the tarball and .dsc arrive.
# shellcheck disable=SC2086
(cd "$tmp/src" && apt-get $apt -q source --download-only logrotate) \
    > "$tmp/apt.log" 2>&1
tarball=$(ls "$tmp"/src/logrotate_3.21.0.orig.tar.* 2>/dev/null | head -n 1)
[ -n "$tarball" ] || skip_or_fail "apt-get source logrotate: $(tail -n 3 "$tmp/apt.log")"
# Root's own files: a tarball's owners would make its users own the tests'
# directories, and mond would rotate there as them (mond.conf(5)).
tar --no-same-owner -xf "$tarball" -C "$tmp/src" || exit 1
suite=$tmp/src/logrotate-3.21.0/test
[ -d "$suite" ] || { echo "FAIL: no test/ in $tarball"; exit 1; }

mkdir -p "$tmp/bin" && cp "$bin" "$tmp/bin/logrotate" || exit 1
# Only the test's own files: never a real /var/log, never another state.
cd "$suite" || exit 1
pass=0 fail=0 skip=0 bad=""
for t in test-[0-9]*.sh; do
	n=${t#test-}
	n=${n%.sh}
	LOGROTATE=$tmp/bin/logrotate timeout 120 sh "./$t" > "$tmp/$n.out" 2>&1
	rc=$?
	case " $SKIPS " in *" $n "*) want=77 ;; *) want=0 ;; esac
	case " $KNOWN_DIFF " in *" $n "*) want=fail ;; esac
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
	elif [ $rc -eq 77 ]; then
		skip=$((skip + 1))
	else
		fail=$((fail + 1))
	fi
	if [ "$want" = fail ] && [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
		continue
	fi
	if [ "$want" != "$rc" ]; then
		bad="$bad $n"
		echo "=== test-$n.sh: exit $rc, expected $want"
		tail -n 20 "$tmp/$n.out"
	fi
done
echo "logrotate 3.21 suite against mond: $pass passed, $fail failed," \
    "$skip skipped; known differences: ${KNOWN_DIFF:-none}"
# The exact count: a suite with fewer scripts (a different version, a
# broken unpack) must not pass by running less.
nknown=$(echo $KNOWN_DIFF | wc -w)
if [ $((pass + fail + skip)) -ne 102 ] || [ "$pass" -ne $((97 - nknown)) ]; then
	echo "FAIL: expected 102 scripts and $((97 - nknown)) passes"
	exit 1
fi
if [ -n "$bad" ]; then
	echo "FAIL: unexpected results for:$bad"
	exit 1
fi
exit 0
