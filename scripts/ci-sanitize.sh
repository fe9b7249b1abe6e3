#!/usr/bin/env bash
# The whole test suite a second time, in the one sanitizer build (scripts/sanitize-build.sh:
# clang, AddressSanitizer + UndefinedBehaviorSanitizer, errors abort, libstdc++ assertions on),
# with LeakSanitizer, stack-use-after-return and init-order checking. The CLI tests run the
# sanitized calflops binary too, and the fuzz corpus replay runs under the sanitizers. No
# suppressions are used: a report fails the run. scripts/fuzz-smoke.sh reuses the same build
# directory: its targets link the objects compiled here.
#
#   scripts/ci-sanitize.sh            # BUILD_DIR=build-sanitize, JOBS=nproc
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build-sanitize}
export BUILD_DIR

start=$(date +%s)
bash scripts/sanitize-build.sh calflops calflops_tests
built=$(date +%s)

export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$BUILD_DIR/calflops_tests"
done_at=$(date +%s)
echo "ci-sanitize: ok (build $((built - start)) s, tests $((done_at - built)) s)"
