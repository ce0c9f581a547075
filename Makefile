# Thin wrapper over meson for the README's commands. Every target first
# makes sure Debian's packages are there: installed when root, otherwise
# the exact apt-get command is printed and make stops.

BUILD      ?= build
MESON_OPTS ?= --prefix=/usr
PORT       ?= 5000

# What building and testing need (logrotate: the differential suite's peer).
DEBS = gcc pkg-config meson ninja-build libconfuse-dev libevent-dev mandoc \
       zlib1g-dev libzstd-dev zstd libseccomp-dev libcriterion-dev logrotate python3 wrk \
       gdb iproute2
# The web front's tests: the page in a real browser, /metrics through promtool.
DEBS += chromium prometheus
# What `make bench` needs on top.
BENCH_DEBS = wrk pigz time nginx-light python3-flask bc
# What `make fuzz` needs on top: clang and its libFuzzer/sanitizer runtimes.
FUZZ_DEBS = clang libclang-rt-14-dev
# Seconds each libFuzzer target runs under `make fuzz`.
FUZZ_SECONDS ?= 60

.PHONY: all deps bench-deps fuzz build run test stress bench install clean

all: build

deps:
	@DEBS="$(DEBS)" sh tools/ensure-debs.sh

bench-deps:
	@DEBS="$(DEBS) $(BENCH_DEBS)" sh tools/ensure-debs.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# demo.conf names its logs as ${PWD}/run/log/*.log: PWD must be this directory
# even under `make -C`.
run: build
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

# libFuzzer targets of tests/fuzz/, built with clang in build-fuzz/ (apart
# from the meson builds) and run FUZZ_SECONDS each; fails on a crash.
fuzz:
	@DEBS="$(DEBS) $(FUZZ_DEBS)" sh tools/ensure-debs.sh
	sh tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

install: build
	meson install -C $(BUILD)
	@sh tools/ensure-user.sh /var/log/mon

clean:
	rm -rf $(BUILD) build-fuzz run bench/out
