#!/usr/bin/env bash
# The whole test suite a second time, built with AddressSanitizer and UndefinedBehaviorSanitizer
# (-DCALFLOPS_SANITIZE=ON: errors abort, no recovery; libstdc++ assertions on). The CLI tests run
# the sanitized calflops binary too, and the fuzz corpus replay runs under the sanitizers.
# No suppressions are used: a report fails the run.
#
#   scripts/ci-sanitize.sh            # BUILD_DIR=build-sanitize, JOBS=nproc
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build-sanitize}
JOBS=${JOBS:-$(nproc)}

start=$(date +%s)
# -O1: the sanitized build compiles faster and still runs the suite in seconds.
cmake -S . -B "$BUILD_DIR" -DCALFLOPS_SANITIZE=ON -DCALFLOPS_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
built=$(date +%s)

export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$BUILD_DIR/calflops_tests"
done_at=$(date +%s)
echo "ci-sanitize: ok (build $((built - start)) s, tests $((done_at - built)) s)"
