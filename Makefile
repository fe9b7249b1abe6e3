# The two set-up commands of the README. Each installs what is missing (Debian packages), builds
# and runs. BUILD_DIR and JOBS may be overridden.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: run test deps configure build bench clean

deps:
	./scripts/install-deps.sh

# Everything: the library, the CLI, the tests, the benchmarks and the Python extension.
build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DCALFLOPS_TESTS=ON -DCALFLOPS_BENCH=ON \
	  -DCALFLOPS_PYTHON=ON >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The main job: the calflops report for Llama-3-8B (batch 1, 128 tokens) from the bundled config.
# A newcomer's first command, so it installs only the CLI's packages and builds only the CLI (the
# tests, benchmarks and Python extension are left to `make test`).
run:
	./scripts/install-deps.sh cli
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DCALFLOPS_TESTS=OFF -DCALFLOPS_BENCH=OFF \
	  -DCALFLOPS_PYTHON=OFF >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS) --target calflops
	$(BUILD_DIR)/calflops llama-3-8b

# Every test (ctest: the test binary's cases, the layer check, the install + example build).
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	for b in $(BUILD_DIR)/bench_*; do $$b; done

clean:
	rm -rf $(BUILD_DIR)
