# Thin shell over scripts/install-deps.sh and the CMake presets. Every target does the set-up it
# needs, so on a fresh Debian 12 machine `make demo` and `make test` work as the first command.
PRESET ?= release
BUILD  := build/$(PRESET)
JOBS   ?= $(shell nproc)
KYOSO  := $(BUILD)/src/kyoso/cli/kyoso

.PHONY: all deps configure build test demo bench format clean

all: build

deps: .deps-stamp
.deps-stamp: scripts/install-deps.sh
	scripts/install-deps.sh
	touch $@

configure: deps
	cmake --preset $(PRESET) >/dev/null

build: configure
	cmake --build --preset $(PRESET) -j $(JOBS)

test: build
	ctest --preset $(PRESET)

# Until the campaign demo exists, the main job is the engine example (examples/engine).
demo: build
	$(BUILD)/examples/engine/engine_example

bench: build
	bench/run.sh $(BUILD)

format:
	find src tests bench -name '*.cpp' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf build
