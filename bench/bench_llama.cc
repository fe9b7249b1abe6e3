// Times the main job: the Llama-3-8B analysis (config -> tree -> costs -> report) in-process,
// and the whole calflops process as a user runs it.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <sstream>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "calflops/calflops.h"
#include "load/model_source.h"

namespace {

void BM_Llama3_8B_Analysis(benchmark::State& state) {
  calflops::Workload w;
  w.seq_len = state.range(0);
  for (auto _ : state) {
    auto arch = calflops::BuildArchitecture(calflops::LoadModelConfig("llama-3-8b"), {});
    calflops::Profile p = calflops::Analyze(*arch, w, calflops::Convention::kAnalytic);
    benchmark::DoNotOptimize(p.total().flops);
  }
}
BENCHMARK(BM_Llama3_8B_Analysis)->Arg(128)->Arg(8192)->Unit(benchmark::kMillisecond);

void BM_Llama3_8B_TextReport(benchmark::State& state) {
  calflops::Options o;
  o.model = "llama-3-8b";
  for (auto _ : state) {
    std::ostringstream out;
    calflops::WriteReport(o, out);
    benchmark::DoNotOptimize(out.str().size());
  }
}
BENCHMARK(BM_Llama3_8B_TextReport)->Unit(benchmark::kMillisecond);

void BM_Llama3_8B_Generate1024(benchmark::State& state) {
  calflops::Options o;
  o.model = "llama-3-8b";
  o.mode = calflops::RunMode::kGenerate;
  o.prompt_tokens = 128;
  o.max_new_tokens = 1024;
  for (auto _ : state) benchmark::DoNotOptimize(calflops::Measure(o).flops);
}
BENCHMARK(BM_Llama3_8B_Generate1024)->Unit(benchmark::kMillisecond);

void BM_WholeProcess(benchmark::State& state) {
  std::string cmd = std::string(CALFLOPS_BINARY) + " llama-3-8b > /dev/null";
  for (auto _ : state) {
    if (std::system(cmd.c_str()) != 0) state.SkipWithError("calflops failed");
  }
}
BENCHMARK(BM_WholeProcess)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
