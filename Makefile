# Thin wrapper over meson for the README's commands. Every target first
# makes sure Debian's packages are there: installed when root, otherwise
# the exact apt-get command is printed and make stops.

BUILD      ?= build
# Applied to an existing $(BUILD) too (tools/meson-dir.sh): each option
# one word, NAME=VALUE.
MESON_OPTS ?= --prefix=/usr
PORT       ?= 5000
FUZZ_BUILD ?= build-fuzz

# What building and running mond need.
RUN_DEBS = gcc pkg-config meson ninja-build libconfuse-dev libevent-dev \
	   zlib1g-dev libzstd-dev libseccomp-dev libsystemd-dev
# What the test suites need on top: criterion; Debian's logrotate (the
# differential suites' peer) and the compressors the tests name (xz-utils
# also unpacks logrotate's source); mandoc (the man pages are linted);
# systemd-analyze and man-db (verify looks the unit's Documentation= up
# with man); gdb, iproute2; python3 (JSON checks, check_install.sh); wrk
# (the stress suite); the web front's page in a real browser (chromium)
# and /metrics through promtool (prometheus); debootstrap (the .deb under
# a real systemd, tests/check_deb.sh).
TEST_DEBS = libcriterion-dev logrotate zstd bzip2 xz-utils mandoc systemd \
	    man-db gdb iproute2 python3 wrk chromium prometheus debootstrap
# What `make bench` needs on top of RUN_DEBS: the peers it measures mond
# against (zstd, pigz, logrotate, nginx, the seed flask application) and
# its own tools (wrk, time, bc, python3).
BENCH_DEBS = wrk pigz zstd logrotate time nginx-light python3 python3-flask bc
# What `make deb` needs on top: the packaging tools and lintian.
DEB_DEBS = debhelper dpkg-dev lintian
# What `make fuzz` needs on top: clang and its libFuzzer/sanitizer runtimes.
FUZZ_DEBS = clang libclang-rt-14-dev
# Seconds each libFuzzer target runs under `make fuzz`.
FUZZ_SECONDS ?= 60

# The packages `deps` installs and the targets `build` makes: all of them
# by default; the test targets add the suites' packages and make criterion
# required (without it -Dtests=auto would quietly build no suite), and
# `make run` builds only the daemon.
DEPS_DEBS = $(RUN_DEBS)
TESTS_OPT =
NINJA_TARGETS =
test stress: DEPS_DEBS = $(RUN_DEBS) $(TEST_DEBS)
test stress: TESTS_OPT = -Dtests=enabled
run: NINJA_TARGETS = mond

.PHONY: all deps bench-deps fuzz build run test stress bench install clean \
        fresh-check deb

all: build

deps:
	@DEBS="$(DEPS_DEBS)" sh tools/ensure-debs.sh

bench-deps:
	@DEBS="$(RUN_DEBS) $(BENCH_DEBS)" sh tools/ensure-debs.sh

build: deps
	@sh tools/meson-dir.sh $(BUILD) $(MESON_OPTS) $(TESTS_OPT)
	ninja -C $(BUILD) $(NINJA_TARGETS)

# demo.conf names its logs as ${PWD}/run/log/*.log: PWD must be this directory
# even under `make -C`. Run as root, the web front drops to the user "mond".
run: build
	@sh tools/ensure-user.sh
	mkdir -p run/log
	cd $(CURDIR) && PWD=$(CURDIR) ./$(BUILD)/mond -c conf/demo.conf

# Run as root, the web front drops to the user "mond": the suites need it.
test: build
	@sh tools/ensure-user.sh
	meson test -C $(BUILD) --print-errorlogs --verbose --no-suite stress

# Fault injection at full size (README "Reliability"); STRESS_ROTATIONS,
# STRESS_SECONDS, STRESS_HUPS... make it shorter (.ci/run does).
stress: build
	meson test -C $(BUILD) --print-errorlogs --verbose --suite stress

bench: bench-deps build
	@sh tools/ensure-user.sh
	sh bench/run-all.sh $(BUILD)

# libFuzzer targets of tests/fuzz/, built by meson with clang
# (-Dfuzz=true) in $(FUZZ_BUILD), apart from the other builds, and run
# FUZZ_SECONDS each; fails on a crash.
fuzz:
	@DEBS="$(RUN_DEBS) $(FUZZ_DEBS)" sh tools/ensure-debs.sh
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

install: build
	meson install -C $(BUILD)
	@sh tools/ensure-user.sh /var/log/mon

# The Debian package, built in a copy of the tree under build-deb/ (the
# source tree stays clean), then lintian: any error or warning fails.
deb:
	@DEBS="$(RUN_DEBS) $(DEB_DEBS)" sh tools/ensure-debs.sh
	sh tools/build-deb.sh build-deb

# The README's set-up in a fresh Debian 12 root (tools/fresh-check.sh).
fresh-check:
	@sh tools/fresh-check.sh

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) build-deb run bench/out
