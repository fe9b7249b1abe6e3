#!/usr/bin/env bash
# The one sanitizer build, shared by scripts/ci-sanitize.sh (the test suite) and
# scripts/fuzz-smoke.sh (the libFuzzer targets): clang, ASan + UBSan (float-cast-overflow
# included, errors abort, libstdc++ assertions on), -O1, the library instrumented for libFuzzer
# (-DCALFLOPS_SANITIZE=ON -DCALFLOPS_FUZZ=ON: cmake/fuzz.cmake). calflops and calflops_tests are
# linked without libFuzzer, the *_fuzz targets with it; the library's objects are compiled once.
# Configures $BUILD_DIR and builds the given targets.
#
#   scripts/sanitize-build.sh calflops_tests gguf_fuzz   # BUILD_DIR=build-sanitize, JOBS=nproc
#
# Needs clang and libclang-rt-14-dev: CALFLOPS_FUZZ=1 scripts/install-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build-sanitize}
JOBS=${JOBS:-$(nproc)}
CXX_SANITIZE=${CXX_SANITIZE:-clang++}

command -v "$CXX_SANITIZE" >/dev/null || {
  echo "sanitize-build: $CXX_SANITIZE not found (CALFLOPS_FUZZ=1 scripts/install-deps.sh)" >&2
  exit 1
}
# A build directory from before this script (gcc, or no libFuzzer instrumentation) is
# configured afresh: CMake cannot switch a configured directory's compiler.
if [[ -f "$BUILD_DIR/CMakeCache.txt" ]] && ! grep -q '^CALFLOPS_FUZZ:BOOL=ON' "$BUILD_DIR/CMakeCache.txt"; then
  echo "sanitize-build: $BUILD_DIR was configured differently; configuring it afresh"
  rm -rf "$BUILD_DIR/CMakeCache.txt" "$BUILD_DIR/CMakeFiles"
fi
# -O1 (as OSS-Fuzz and libFuzzer's docs build): compiles faster than -O2/-O3 and still runs the
# suite in seconds.
cmake -S . -B "$BUILD_DIR" -DCMAKE_CXX_COMPILER="$CXX_SANITIZE" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" -DCALFLOPS_SANITIZE=ON -DCALFLOPS_FUZZ=ON \
  -DCALFLOPS_TESTS=ON -DCALFLOPS_BENCH=OFF -DCALFLOPS_PYTHON=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS" --target "$@"
