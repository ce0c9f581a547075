#!/bin/sh
# check_deb.sh SRCDIR: the Debian package under a real systemd. A Debian 12
# root with systemd is made once with debootstrap (cached in
# $MOND_SYSTEMD_CACHE), copied for the run, and booted: systemd is PID 1 of
# its own PID, mount, network, UTS, IPC and cgroup namespaces, chrooted
# into the copy. Commands go in with nsenter. The package is installed
# with apt (it must take logrotate's place), then the unit, reload, a
# broken reload, --force-rotate, stop, reinstall, remove and purge are
# checked. The network namespace is private: port 5000 is the root's own,
# whatever runs on the machine, and nothing inside can outlive the run
# (the kernel kills a PID namespace with its PID 1).
#
# The .deb is $MOND_DEB, else SRCDIR/build-deb/mond_*.deb (`make deb`).
# Skips (exit 77) when not root, without unshare, nsenter or debootstrap,
# where the kernel refuses the namespaces, and without a .deb; under
# MOND_CI=1 a missing .deb and a failed debootstrap fail instead (CI builds
# the package first, and its downloads must work). MOND_DEB_SKIP=1 skips
# (CI's sanitizer pass: the package was checked in the first one).
set -u
src=${1:?usage: check_deb.sh SRCDIR}
cache=${MOND_SYSTEMD_CACHE:-/var/cache/mond-systemd}
ci=${MOND_CI:-0}
# What the root needs besides minbase: systemd and its tools, curl for
# the checks, and logrotate for the package to replace. The packages mond
# depends on beyond those are only downloaded into apt's cache, so that
# apt must take them from the .deb's Depends (procps: ExecReload's kill)
# without a network, which the booted root does not have.
includes=systemd,systemd-sysv,dbus,curl,adduser,logrotate
downloads="procps libconfuse2 libevent-2.1-7 libevent-pthreads-2.1-7"

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
# A failure CI must see; elsewhere the machine merely cannot run the test.
ci_fail() { [ "$ci" = 1 ] && fail "$* (MOND_CI=1)"; skip "$*"; }

[ -z "${MOND_DEB_SKIP:-}" ] || skip "MOND_DEB_SKIP is set"
[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, namespaces, chroot)"
for tool in unshare nsenter setpriv chroot debootstrap; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done
deb=${MOND_DEB:-}
if [ -z "$deb" ]; then
	for f in "$src"/build-deb/mond_*.deb; do
		[ -f "$f" ] && deb=$f
	done
fi
[ -n "$deb" ] && [ -f "$deb" ] ||
	ci_fail "no package: ${MOND_DEB:-$src/build-deb/mond_*.deb} (make deb)"
unshare --pid --fork --mount --net --uts --ipc --cgroup true 2>/dev/null ||
	skip "the kernel refuses PID, mount, network or cgroup namespaces"
[ -d /sys/fs/cgroup/unified ] || [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] ||
	skip "no cgroup v2 hierarchy for the inner systemd"
echo "deb: $deb ($(date -r "$deb" '+%F %T'))"

# The cached root, made again when the package list changes. One maker at
# a time: a second run waits on the lock.
base=$cache/bookworm
mkdir -p "$cache" || fail "mkdir $cache"
exec 9>"$cache/lock"
flock 9 || fail "flock $cache/lock"
if [ "$(cat "$base/.mond-includes" 2>/dev/null)" != "$includes $downloads" ]; then
	mirror=${MOND_MIRROR:-$(sh "$src/tools/debian-mirror.sh")}
	echo "making a Debian 12 root with systemd in $base (once), from $mirror"
	rm -rf "$base" "$base.part"
	if ! debootstrap --variant=minbase --include="$includes" bookworm \
	    "$base.part" "$mirror" >"$cache/debootstrap.log" 2>&1; then
		tail -n 20 "$cache/debootstrap.log"
		rm -rf "$base.part"
		ci_fail "debootstrap failed (log: $cache/debootstrap.log)"
	fi
	# shellcheck disable=SC2086
	if ! chroot "$base.part" apt-get install -y -qq --download-only \
	    $downloads >>"$cache/debootstrap.log" 2>&1; then
		tail -n 20 "$cache/debootstrap.log"
		rm -rf "$base.part"
		ci_fail "apt-get --download-only $downloads failed"
	fi
	echo "$includes $downloads" > "$base.part/.mond-includes"
	mv "$base.part" "$base" || fail "mv $base.part $base"
fi

# Copies of killed runs go first; then this run's: the root in
# $work/root, the logs of its commands beside it.
for old in "$cache"/run.*; do
	[ -d "$old" ] || continue
	kill -0 "${old##*.}" 2>/dev/null && continue
	grep -q " $old/" /proc/self/mounts || rm -rf "$old"
done
for old in /sys/fs/cgroup/unified/mond-check.* /sys/fs/cgroup/mond-check.*; do
	[ -d "$old" ] || continue
	kill -0 "${old##*.}" 2>/dev/null ||
		find "$old" -depth -type d -exec rmdir {} + 2>/dev/null
done
work=$cache/run.$$
root=$work/root
cgroup=/sys/fs/cgroup/unified/mond-check.$$
[ -d /sys/fs/cgroup/unified ] || cgroup=/sys/fs/cgroup/mond-check.$$
pid1=
upid=
teardown() {
	# The namespace's PID 1 dying takes every process inside with it.
	[ -n "$pid1" ] && kill -KILL "$pid1" 2>/dev/null
	[ -n "$upid" ] && wait "$upid" 2>/dev/null
	[ -d "$cgroup" ] && find "$cgroup" -depth -type d -exec rmdir {} + 2>/dev/null
	# Its mounts were in its own mount namespace, gone with it.
	if grep -q " $root/" /proc/self/mounts; then
		echo "teardown: mounts left under $root, not removed"
	else
		rm -rf "$work"
	fi
}
trap teardown EXIT
trap 'exit 1' INT TERM HUP

echo "copying the root to $root"
mkdir "$work" || fail "mkdir $work"
cp -a "$base" "$root" || fail "cp -a $base $root"
cp "$deb" "$root/root/mond.deb" || fail "cp $deb"
# The inner systemd's console: this file.
console=$work/console

# The boot, in two steps: "enter" moves into the inner systemd's own
# cgroup under the machine's cgroup v2, which the new cgroup namespace
# then has as its root, where systemd makes its slices; "boot" mounts
# what systemd needs and becomes it. /proc/sys and /sys are read-only:
# nothing inside changes the kernel's settings or starts udev.
cat > "$work/boot.sh" <<'BOOT'
set -eu
case $1 in
enter)
	echo $$ > "$3/cgroup.procs"
	exec unshare --cgroup sh "$0" boot "$2"
	;;
esac
root=$2
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount --bind "$root/proc/sys" "$root/proc/sys"
mount -o remount,bind,ro "$root/proc/sys"
if [ -e "$root/proc/sysrq-trigger" ]; then
	mount --bind /dev/null "$root/proc/sysrq-trigger"
fi
mount -t sysfs -o ro sysfs "$root/sys"
mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup"
# A /dev of its own, with no console: no getty on the machine's.
mount -t tmpfs -o mode=0755 tmpfs "$root/dev"
for d in null zero full random urandom tty; do
	touch "$root/dev/$d"
	mount --bind "/dev/$d" "$root/dev/$d"
done
mkdir "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs tmpfs "$root/dev/shm"
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
exec chroot "$root" /usr/bin/env -i container=mond-check \
    /lib/systemd/systemd --system
BOOT
mkdir "$cgroup" || fail "mkdir $cgroup"
# Killed even by SIGKILL, this script takes the namespace with it:
# unshare dies with its parent (setpriv), and the namespace's PID 1 with
# unshare (--kill-child).
setpriv --pdeathsig KILL \
    unshare --pid --kill-child=SIGKILL --mount --net --uts --ipc \
    --propagation private \
    sh "$work/boot.sh" enter "$root" "$cgroup" >"$console" 2>&1 </dev/null 9>&- &
upid=$!

# PID 1 inside is unshare's child; systemd once it has exec'd.
i=0
while [ $i -lt 100 ]; do
	pid1=$(tr -d ' ' 2>/dev/null <"/proc/$upid/task/$upid/children")
	if [ -n "$pid1" ] && [ "$(cat "/proc/$pid1/comm" 2>/dev/null)" = systemd ]; then
		break
	fi
	pid1=
	kill -0 "$upid" 2>/dev/null || break
	i=$((i + 1))
	sleep 0.1
done
[ -n "$pid1" ] || { cat "$console"; fail "systemd did not start"; }

# inside CMD...: CMD inside the booted root, with a plain environment.
inside() {
	nsenter --target "$pid1" --mount --pid --net --uts --ipc --cgroup \
	    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	    LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
# A failure shows the end of the journal and of the console.
fail_inside() {
	echo "FAIL: $*"
	echo "--- journal"
	inside journalctl --no-pager -n 40 2>&1
	echo "--- console"
	tail -n 20 "$console"
	exit 1
}
# until SECONDS CMD...: retries CMD every 0.2 s until it succeeds.
until_ok() {
	n=$(($1 * 5))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		n=$((n - 1))
		sleep 0.2
	done
	return 1
}
booted() {
	state=$(inside systemctl is-system-running 2>/dev/null)
	[ "$state" = running ] || [ "$state" = degraded ]
}
until_ok 60 booted || fail_inside "the inner systemd did not finish booting"
echo "systemd booted: $(inside systemctl is-system-running)"
[ "$(inside systemctl --failed --no-legend | wc -l)" -eq 0 ] ||
	inside systemctl --failed --no-legend


pkgstate() { inside dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' '; }
# --- install: apt takes logrotate out and the package in, no questions,
# with what it depends on.
[ -z "$(pkgstate procps)" ] || [ "$(pkgstate procps)" = un ] ||
	fail "procps is already in the root: its Depends would go untested"
inside apt-get install -y -q ./root/mond.deb >"$work/apt" 2>&1 ||
	{ cat "$work/apt"; fail_inside "apt-get install ./mond.deb failed"; }
for p in mond $downloads; do
	[ "$(pkgstate "$p")" = ii ] || fail_inside "$p not installed: '$(pkgstate "$p")'"
done
case $(pkgstate logrotate) in
ii) fail "logrotate still installed beside mond (Conflicts)" ;;
esac
grep -q "mond's package" "$root/etc/logrotate.conf" ||
	fail "/etc/logrotate.conf is not the package's"
[ "$(readlink "$root/usr/sbin/logrotate")" = mond ] ||
	fail "/usr/sbin/logrotate is not a link to mond"
inside logrotate -d /etc/logrotate.conf >"$work/lr" 2>&1 ||
	{ cat "$work/lr"; fail "logrotate -d /etc/logrotate.conf failed"; }
echo "installed; logrotate $(pkgstate logrotate), replaced"

[ "$(inside systemctl is-enabled mond)" = enabled ] || fail_inside "mond.service not enabled"
[ "$(inside systemctl is-active mond)" = active ] || fail_inside "mond.service not active"
inside id mond >/dev/null || fail "no user mond"
logdir=$(inside stat -c '%U:%G %a' /var/log/mon)
[ "$logdir" = "mond:mond 750" ] || fail "/var/log/mon: $logdir, not mond:mond 750"
get() { inside curl -sS --max-time 5 "http://127.0.0.1:5000$1"; }
answer=$(get /) || fail_inside "curl :5000/ failed"
[ "$answer" = "Stage Seven!" ] || fail_inside "GET / said '$answer'"
mainpid=$(inside systemctl show -P MainPID mond)
echo "mond.service enabled and active (pid $mainpid), GET / said $answer"

# --- reload: a new stanza shows on /status.json, the same process runs it.
mkdir -p "$root/var/log/check" "$root/etc/mond.d"
printf 'one line\n' > "$root/var/log/check/app.log"
cat > "$root/etc/mond.d/check.conf" <<'CONF'
log "/var/log/check/app.log" {
	size = 100k
	rotate = 2
}
CONF
# threshold_is BYTES: /status.json lists app.log rotating at BYTES.
threshold_is() {
	get /status.json | tr -d ' \n' |
	    grep -q "\"path\":\"/var/log/check/app.log\",[^}]*\"threshold\":$1[,}]"
}
inside systemctl reload mond || fail_inside "systemctl reload mond failed"
until_ok 10 threshold_is 102400 || fail_inside "/status.json lacks the new stanza after reload"
[ "$(inside systemctl is-active mond)" = active ] || fail_inside "not active after reload"
[ "$(inside systemctl show -P MainPID mond)" = "$mainpid" ] || fail "reload restarted mond"
echo "reload: the new stanza is served by the same process"

# --- a broken config on reload: logged, the old one kept.
cp "$root/etc/mond.conf" "$root/mond.conf.good"
sed -i 's/size = 100k/size = 200k/' "$root/etc/mond.d/check.conf"
echo 'no_such_option = 1' >> "$root/etc/mond.conf"
inside systemctl reload mond
sleep 1
[ "$(inside systemctl is-active mond)" = active ] || fail_inside "not active after a broken reload"
[ "$(inside systemctl show -P MainPID mond)" = "$mainpid" ] || fail "a broken reload restarted mond"
threshold_is 102400 || fail_inside "a broken reload did not keep the old config"
inside journalctl -u mond --no-pager | grep -q 'mond.conf:[0-9]*:.*no_such_option' ||
	fail_inside "the journal does not name the broken line"
cp "$root/mond.conf.good" "$root/etc/mond.conf"
inside systemctl reload mond || fail_inside "reload of the repaired config failed"
until_ok 10 threshold_is 204800 || fail_inside "the repaired config was not taken"
echo "broken reload: old config kept, error in the journal; repaired config taken"

# --- mond --force-rotate goes through the daemon, which holds the state
# lock (in process it would exit 3).
inside mond --force-rotate /var/log/check/app.log >"$work/force" 2>&1 ||
	{ cat "$work/force"; fail_inside "mond --force-rotate failed"; }
[ "$(cat "$root/var/log/check/app.log.1" 2>/dev/null)" = "one line" ] ||
	fail "app.log.1 does not hold the rotated line"
[ ! -s "$root/var/log/check/app.log" ] || fail "app.log not emptied by the rotation"
echo "force-rotate: $(cat "$work/force")"

# --- stop: exits 0 and leaves the state file naming app.log.
inside systemctl stop mond || fail_inside "systemctl stop mond failed"
[ "$(inside systemctl is-active mond)" = inactive ] || fail_inside "mond not inactive after stop"
[ "$(inside systemctl show -P ExecMainStatus mond)" = 0 ] ||
	fail_inside "mond exited $(inside systemctl show -P ExecMainStatus mond) on stop"
grep -q '"/var/log/check/app.log"' "$root/var/lib/mond/status" ||
	fail "the state file does not name app.log"
echo "stop: exit 0, state saved"

# --- reinstall over itself: the admin's mond.conf kept, the unit running.
echo '# edited by the admin' >> "$root/etc/mond.conf"
inside dpkg -i /root/mond.deb >"$work/apt" 2>&1 ||
	{ cat "$work/apt"; fail_inside "dpkg -i over itself failed"; }
tail -n 1 "$root/etc/mond.conf" | grep -q 'edited by the admin' ||
	fail "reinstall replaced the edited /etc/mond.conf"
[ "$(inside systemctl is-active mond)" = active ] || fail_inside "not active after reinstall"
[ "$(get /)" = "Stage Seven!" ] || fail_inside "GET / after reinstall"
echo "reinstall: edited conffile kept, mond active again"

# --- remove: stopped, program gone, conffiles and logs kept.
inside dpkg -r mond >"$work/apt" 2>&1 || { cat "$work/apt"; fail_inside "dpkg -r mond failed"; }
[ "$(pkgstate mond)" = rc ] || fail "after remove mond is '$(pkgstate mond)', not rc"
[ "$(inside systemctl is-active mond)" != active ] || fail "mond still active after remove"
get / >/dev/null 2>&1 && fail "port 5000 still answers after remove"
[ ! -e "$root/usr/sbin/mond" ] && [ ! -L "$root/usr/sbin/logrotate" ] ||
	fail "/usr/sbin/mond or logrotate left after remove"
for f in etc/mond.conf etc/logrotate.conf etc/logrotate.d/wtmp var/log/mon var/lib/mond; do
	[ -e "$root/$f" ] || fail "/$f gone after remove (kept until purge)"
done
echo "remove: stopped; conffiles, /var/log/mon and /var/lib/mond kept"

# --- purge: conffiles, logs, state and the unit's links gone; the user may stay.
inside dpkg -P mond >"$work/apt" 2>&1 || { cat "$work/apt"; fail_inside "dpkg -P mond failed"; }
[ -z "$(pkgstate mond)" ] || [ "$(pkgstate mond)" = un ] || fail "after purge mond is '$(pkgstate mond)'"
for f in etc/mond.conf etc/logrotate.conf etc/logrotate.d/wtmp etc/logrotate.d/btmp \
    var/log/mon var/lib/mond var/lib/logrotate \
    etc/systemd/system/multi-user.target.wants/mond.service; do
	[ ! -e "$root/$f" ] && [ ! -L "$root/$f" ] || fail "/$f left after purge"
done
echo "purge: nothing of mond left but the user mond ($(inside id mond))"
echo "check_deb: the package installs, runs under systemd, reloads, rotates, stops, reinstalls, goes"
