// Times analysing every bundled model once (config -> tree -> forward at 64 tokens: CLIP text
// takes at most 77), and each
// model alone, so a slow architecture stands out.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"
#include "readers/zoo/zoo.h"

namespace {

calflops::Count AnalyseOne(std::string_view name) {
  auto arch = calflops::BuildArchitecture(calflops::LoadModelConfig(std::string(name)), {});
  calflops::Workload w;
  w.seq_len = 64;
  return calflops::Analyze(*arch, w, calflops::Convention::kAnalytic).total().flops;
}

void BM_WholeZoo(benchmark::State& state) {
  for (auto _ : state)
    for (const auto& z : calflops::ZooEntries()) benchmark::DoNotOptimize(AnalyseOne(z.name));
  state.counters["models"] = static_cast<double>(calflops::ZooEntries().size());
}
BENCHMARK(BM_WholeZoo)->Unit(benchmark::kMillisecond);

void BM_Model(benchmark::State& state, std::string_view name) {
  for (auto _ : state) benchmark::DoNotOptimize(AnalyseOne(name));
}

int Register() {
  static std::vector<std::string> names;  // the library keeps the pointer
  names.reserve(calflops::ZooEntries().size());
  for (const auto& z : calflops::ZooEntries())
    benchmark::RegisterBenchmark(names.emplace_back("BM_Model/").append(z.name).c_str(),
                                 [n = z.name](benchmark::State& s) { BM_Model(s, n); })
        ->Unit(benchmark::kMillisecond);
  return 0;
}

}  // namespace

// Registered from main: the zoo table is not ready during static initialisation.
int main(int argc, char** argv) {
  Register();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
