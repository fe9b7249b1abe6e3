// Times the seed command (docs/seed.md): llama3-llava-next-8b, 1,024 generate calls with the
// vision tower re-run at each, calflops convention, text report, in-process and as a process.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <sstream>

#include "calflops/calflops.h"
#include "tests/seed_options.h"

namespace {

using calflops::seed::SeedOptions;

void BM_SeedReport(benchmark::State& state) {
  calflops::Options o = SeedOptions();
  for (auto _ : state) {
    std::ostringstream out;
    calflops::WriteReport(o, out);
    benchmark::DoNotOptimize(out.str().size());
  }
}
BENCHMARK(BM_SeedReport)->Unit(benchmark::kMillisecond);

// The same 1,024 calls under the analytic convention, totals only.
void BM_SeedAnalyticTotals(benchmark::State& state) {
  calflops::Options o = SeedOptions();
  o.convention = calflops::Convention::kAnalytic;
  for (auto _ : state) benchmark::DoNotOptimize(calflops::Measure(o).flops);
}
BENCHMARK(BM_SeedAnalyticTotals)->Unit(benchmark::kMillisecond);

void BM_SeedWholeProcess(benchmark::State& state) {
  std::string cmd = std::string(CALFLOPS_BINARY) +
                    " llava-next-8b --mode generate --convention calflops --attn-impl flash_attention_2"
                    " --prompt-tokens 12 --image-size 360x640 --max-new-tokens 1024"
                    " --reencode-images --precision 4 > /dev/null";
  for (auto _ : state) {
    if (std::system(cmd.c_str()) != 0) state.SkipWithError("calflops failed");
  }
}
BENCHMARK(BM_SeedWholeProcess)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
