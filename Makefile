# Thin wrapper over meson for the README's commands. Every target first
# makes sure Debian's packages are there: installed when root, otherwise
# the exact apt-get command is printed and make stops.

BUILD      ?= build
MESON_OPTS ?= --prefix=/usr
PORT       ?= 5000

# What building and testing need (logrotate: the differential suite's peer).
DEBS = gcc pkg-config meson ninja-build libconfuse-dev libevent-dev mandoc \
       zlib1g-dev libcriterion-dev logrotate wrk
# What `make bench` needs on top.
BENCH_DEBS = wrk pigz nginx-light python3-flask bc

.PHONY: all deps bench-deps build run test stress bench install clean

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

test: build
	meson test -C $(BUILD) --print-errorlogs --verbose --no-suite stress

# Fault injection at full size (README "Reliability"); STRESS_ROTATIONS,
# STRESS_SECONDS, STRESS_HUPS... make it shorter (.ci/run does).
stress: build
	meson test -C $(BUILD) --print-errorlogs --verbose --suite stress

bench: bench-deps build
	sh bench/run-all.sh $(BUILD)

install: build
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD) run bench/out
