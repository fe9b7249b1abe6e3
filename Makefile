# The two set-up commands of the README. Each installs what is missing (Debian packages), builds
# and runs. BUILD_DIR and JOBS may be overridden.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: run test deps build bench clean

deps:
	./scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The main job: the calflops report for Llama-3-8B (batch 1, 128 tokens) from the bundled config.
run: build
	$(BUILD_DIR)/calflops llama-3-8b

# Every test.
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	for b in $(BUILD_DIR)/bench_*; do $$b; done

clean:
	rm -rf $(BUILD_DIR)
