# The two set-up commands of the README. Each installs what is missing (Debian packages), builds
# and runs. BUILD_DIR and JOBS may be overridden.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: run test deps configure build bench clean

deps:
	./scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release >/dev/null

# Everything: the CLI, the static and shared libraries, the tests, the generated docs.
build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The main job: the calflops report for Llama-3-8B (batch 1, 128 tokens) from the bundled config.
# Builds the CLI and the libraries it links only, not the tests.
run: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target calflops
	$(BUILD_DIR)/calflops llama-3-8b

# Every test (ctest: the test binary's cases, the layer check, the install + example build).
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	for b in $(BUILD_DIR)/bench_*; do $$b; done

clean:
	rm -rf $(BUILD_DIR)
