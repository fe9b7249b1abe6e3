// Times `calflops sweep` as a user runs it: 1,000 sequence lengths of Llama-3.1-70B with memory
// and H100 latency (the per-op quadratics, analysis/sweep_polynomial.h; target: under 200 ms,
// whole process), the same with --counts-only, and 50 prompt lengths of a generation (every
// point analysed in full).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

double RunMs(const std::string& args) {
  std::string cmd = std::string(CALFLOPS_BINARY) + " " + args + " > /dev/null";
  auto t0 = std::chrono::steady_clock::now();
  int rc = std::system(cmd.c_str());
  auto t1 = std::chrono::steady_clock::now();
  if (rc != 0) std::fprintf(stderr, "failed: %s\n", cmd.c_str());
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

void BM_Sweep1000MemoryLatency(benchmark::State& state) {
  for (auto _ : state) {
    state.SetIterationTime(
        RunMs("sweep llama-3.1-70b --seq-len 1:1000:+1 --hardware h100-sxm --format csv") / 1000);
  }
}
BENCHMARK(BM_Sweep1000MemoryLatency)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_Sweep1000CountsOnly(benchmark::State& state) {
  for (auto _ : state) {
    state.SetIterationTime(
        RunMs("sweep llama-3.1-70b --seq-len 1:1000:+1 --counts-only --format csv") / 1000);
  }
}
BENCHMARK(BM_Sweep1000CountsOnly)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_Sweep50GenerateFull(benchmark::State& state) {
  for (auto _ : state) {
    state.SetIterationTime(RunMs("sweep llama-3.1-70b --mode generate --max-new-tokens 16 "
                                 "--prompt-tokens 1:1000:+20 --hardware h100-sxm --format csv") /
                           1000);
  }
}
BENCHMARK(BM_Sweep50GenerateFull)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
