#!/usr/bin/env bash
# Builds the libFuzzer targets in the one sanitizer build (scripts/sanitize-build.sh: clang,
# ASan + UBSan, -O1; after scripts/ci-sanitize.sh only the targets' own files compile) and runs
# each one for a bounded time on a scratch copy of its corpus (fuzz/corpus/<name>/ is only read),
# after replaying the committed corpus. A crash, leak, timeout or out-of-memory fails the script
# and leaves the reproducer in $BUILD_DIR/artifacts/<name>/.
#
#   scripts/fuzz-smoke.sh                 # every target, 60 s each (BUILD_DIR=build-sanitize)
#   FUZZ_SECONDS=600 scripts/fuzz-smoke.sh config
#   FUZZ_RUNS=1000000 FUZZ_SECONDS=0 scripts/fuzz-smoke.sh config   # a number of executions
#
# Needs clang and libclang-rt-14-dev: CALFLOPS_FUZZ=1 scripts/install-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build-sanitize}
export BUILD_DIR
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_RUNS=${FUZZ_RUNS:--1}

targets=("$@")
if ((${#targets[@]} == 0)); then
  for src in fuzz/*_fuzz.cc; do
    name=$(basename "$src" .cc)
    targets+=("${name%_fuzz}")
  done
fi
bash scripts/sanitize-build.sh $(printf "%s_fuzz " "${targets[@]}")

# malloc_context_size=5: ASan records the allocating stack of every malloc; 30 frames (the
# default) took a fifth of the onnx target's time. Reports show 5 frames of the allocation and
# free stacks; rerun the artifact ($BUILD_DIR/<target>_fuzz <file>) for all of them.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0:malloc_context_size=5}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for t in "${targets[@]}"; do
  bin="$BUILD_DIR/${t}_fuzz"
  corpus="fuzz/corpus/$t"
  work="$BUILD_DIR/corpus/$t"
  artifacts="$BUILD_DIR/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  dict=()
  [[ -f "fuzz/$t.dict" ]] && dict=(-dict="fuzz/$t.dict")
  echo "fuzz-smoke: $t: replaying $corpus"
  "$bin" -runs=0 "$corpus"
  time_limit=()
  ((FUZZ_SECONDS > 0)) && time_limit=(-max_total_time="$FUZZ_SECONDS")
  # -max_len: the largest seed, at least 4096 (libFuzzer's own rule) and at most FUZZ_MAX_LEN
  # (32 KiB): two 167 KB ONNX reproducers once let mutants grow to 167 KB; they are replayed
  # whole above and by tests/fuzz_corpus_test.cc.
  largest=$(find "$corpus" -type f -printf '%s\n' | sort -n | tail -1)
  max_len=$((largest > 4096 ? largest : 4096))
  max_len=$((max_len > ${FUZZ_MAX_LEN:-32768} ? ${FUZZ_MAX_LEN:-32768} : max_len))
  echo "fuzz-smoke: $t: fuzzing (${FUZZ_SECONDS}s, runs $FUZZ_RUNS)"
  # -rss_limit_mb: a reader must never need much memory for a small input.
  # -timeout: one input must never take seconds.
  "$bin" "${dict[@]}" "${time_limit[@]}" -runs="$FUZZ_RUNS" -max_len="$max_len" \
    -rss_limit_mb=1024 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "$corpus"
done
echo "fuzz-smoke: ok (${targets[*]})"
