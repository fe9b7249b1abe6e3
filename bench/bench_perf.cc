// Times the estimates on top of the counts: the per-op bytes / liveness / roofline pass in a long
// generate (the seed's language-model workload) and the backward pass of a training step.
#include <benchmark/benchmark.h>

#include "analysis/analyze.h"
#include "analysis/estimates.h"
#include "archs/arch_registry.h"
#include "readers/hardware/hardware_reader.h"
#include "load/model_source.h"

namespace {

std::unique_ptr<calflops::Architecture> Llama3() {
  return calflops::BuildArchitecture(calflops::LoadModelConfig("llama-3-8b"), {});
}

/// Prefill 1,959 tokens, then 1,023 decode steps, with the H100 roofline.
void BM_Llama3_8B_SeedLmGenerate_Roofline(benchmark::State& state) {
  auto arch = Llama3();
  calflops::Workload w;
  w.mode = calflops::Mode::kGenerate;
  w.prompt_tokens = 1959;
  w.max_new_tokens = 1024;
  const calflops::Hardware& hw = calflops::FindHardware("h100-sxm");
  for (auto _ : state) {
    calflops::Profile p = calflops::Analyze(*arch, w, calflops::Convention::kAnalytic, &hw);
    calflops::Estimates e = calflops::Estimate(p, w, {}, &hw, std::nullopt);
    benchmark::DoNotOptimize(e.memory.peak);
  }
}
BENCHMARK(BM_Llama3_8B_SeedLmGenerate_Roofline)->Unit(benchmark::kMillisecond);

/// One training step at 4,096 tokens: backward and the three recomputation policies.
void BM_Llama3_8B_TrainStep(benchmark::State& state) {
  auto arch = Llama3();
  calflops::Workload w;
  w.seq_len = 4096;
  w.train = true;
  for (auto _ : state) {
    calflops::Profile p = calflops::Analyze(*arch, w, calflops::Convention::kAnalytic);
    benchmark::DoNotOptimize(p.perf.train.backward_flops);
  }
}
BENCHMARK(BM_Llama3_8B_TrainStep)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
