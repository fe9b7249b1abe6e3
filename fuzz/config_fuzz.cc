// Fuzz target "config": the bytes as a config.json, through the architecture builder, a forward,
// a generate and a training analysis, the memory / latency / training estimates, and the text and
// JSON report writers. The input's length picks the attention implementation, the convention
// and the device, so mutations reach every path. Folding a generation's decode steps must give
// exactly what tracing every step gives: a difference aborts.
#include <cstdio>
#include <cstdlib>

#include "analysis/analyze.h"
#include "analysis/estimates.h"
#include "archs/arch_registry.h"
#include "fuzz_target.h"
#include "readers/hardware/hardware_reader.h"
#include "readers/hf_config/config.h"
#include "report/json_report.h"
#include "report/text_report.h"

namespace calflops::fuzz {
namespace {

constexpr size_t kMaxFuzzedModules = 5000;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "calflops fuzz: %s\n", what);
    std::abort();
  }
}

void SameCounts(const Profile& a, const Profile& b) {
  Check(a.stats.size() == b.stats.size(), "folded and replayed profiles differ in modules");
  for (size_t i = 0; i < a.stats.size(); ++i) {
    Check(a.stats[i].macs == b.stats[i].macs && a.stats[i].flops == b.stats[i].flops,
          "folded generate differs from replayed generate");
    Check(a.perf.modules[i].traffic.total() == b.perf.modules[i].traffic.total() &&
              a.perf.modules[i].activation_peak == b.perf.modules[i].activation_peak,
          "folded bytes or activations differ from replayed ones");
  }
  Check(a.CallCount() == b.CallCount(), "folded and replayed call counts differ");
  int64_t last = a.CallCount() - 1;
  Check(a.Call(last).macs == b.Call(last).macs && a.Call(last).flops == b.Call(last).flops,
        "folded and replayed last calls differ");
}

/// Analyses `w`, estimates, and writes both reports.
Profile AnalyzeAndReport(const Architecture& arch, const Workload& w, Convention c,
                         const Hardware* hw) {
  Profile p = Analyze(arch, w, c, hw);
  Estimates e = Estimate(p, w, TrainingOptions{}, hw, w.train ? std::optional(1.0) : std::nullopt);
  ReportOptions report;
  report.model = "config.json";
  report.attn_impl = "sdpa";
  report.workload = w;
  report.estimates = &e;
  WriteTextReport(p, report, NullOut());
  WriteJsonReport(p, report, NullOut());
  return p;
}

void Run(std::string_view bytes) {
  Config config = Config::Parse(bytes, "config.json");
  size_t v = bytes.size();
  BuildOptions build;
  build.attn = static_cast<AttnImpl>(v % 3);
  Convention convention = (v / 3) % 2 == 0 ? Convention::kAnalytic : Convention::kCalflops;
  const auto& devices = BuiltinHardware();
  const Hardware* hw = (v / 6) % 2 == 0 ? nullptr : &devices[(v / 12) % devices.size()];
  auto arch = BuildArchitecture(config, build);
  // Bounded work per input keeps the fuzzer fast: full-size models (DeepSeek-V3 has 75,000
  // modules) are built, but analysed by the unit tests, not here.
  if (arch->tree().size() > kMaxFuzzedModules) return;

  AnalyzeAndReport(*arch, Workload{.seq_len = 3}, convention, hw);
  Workload generate{.mode = Mode::kGenerate, .prompt_tokens = 2, .max_new_tokens = 7};
  Profile folded = AnalyzeAndReport(*arch, generate, convention, hw);
  SameCounts(folded, Analyze(*arch, generate, convention, hw, RunCosting::kReplay));
  AnalyzeAndReport(*arch, Workload{.seq_len = 2, .train = true}, convention, hw);
}

}  // namespace
}  // namespace calflops::fuzz

CALFLOPS_FUZZ_TARGET(config, calflops::fuzz::Run)
