// Times the ONNX path: map + wire-format parse, shape inference, lowering and costing (what
// `calflops model.onnx` does before printing), on the committed weight-stripped fixtures and, when
// CALFLOPS_ONNX_BENCH_DIR names a directory holding full-size exports (tests/onnx/make_fixtures.py
// --full-bench DIR writes resnet50.onnx, 102 MB, and bert_like.onnx, 440 MB), on those: the
// reader never touches weight pages, so time and memory follow the graph, not the file.
// Reports peak RSS of the process as a counter.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "analysis/analyze.h"
#include "readers/onnx/onnx_architecture.h"
#include "readers/onnx/onnx_reader.h"

namespace {

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

void Analyse(benchmark::State& state, const std::string& path, calflops::onnx::OnnxOptions o) {
  if (!std::filesystem::exists(path)) {
    state.SkipWithError(("missing " + path).c_str());
    return;
  }
  for (auto _ : state) {
    auto arch = calflops::onnx::OnnxArchitecture::Load(path, o);
    calflops::Profile p =
        calflops::Analyze(*arch, calflops::Workload{}, calflops::Convention::kAnalytic);
    benchmark::DoNotOptimize(p.total().macs);
  }
  state.counters["peak_rss_mb"] = PeakRssMb();
}

void ParseOnly(benchmark::State& state, const std::string& path) {
  if (!std::filesystem::exists(path)) {
    state.SkipWithError(("missing " + path).c_str());
    return;
  }
  for (auto _ : state) {
    calflops::onnx::Model m = calflops::onnx::ReadOnnxFile(path);
    benchmark::DoNotOptimize(m.graph.nodes.size());
  }
}

std::string Fixture(const char* name) {
  return std::string(CALFLOPS_SOURCE_DIR) + "/tests/data/onnx/" + name;
}

std::string Full(const char* name) {
  const char* dir = std::getenv("CALFLOPS_ONNX_BENCH_DIR");
  return dir ? std::string(dir) + "/" + name : std::string("$CALFLOPS_ONNX_BENCH_DIR/") + name;
}

calflops::onnx::OnnxOptions Bert() {
  calflops::onnx::OnnxOptions o;
  o.dims = {{"batch", 1}, {"sequence", 128}};
  return o;
}

}  // namespace

BENCHMARK_CAPTURE(Analyse, resnet50_stripped, Fixture("resnet50_stripped.onnx"), {})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Analyse, vit_b_16_stripped, Fixture("vit_b_16_stripped.onnx"), {})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Analyse, bert6_dynamic_stripped, Fixture("bert_like_dynamic_stripped.onnx"),
                  Bert())
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(ParseOnly, resnet50_full_102MB, Full("resnet50.onnx"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Analyse, resnet50_full_102MB, Full("resnet50.onnx"), {})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(ParseOnly, bert12_full_440MB, Full("bert_like.onnx"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Analyse, bert12_full_440MB, Full("bert_like.onnx"), Bert())
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
