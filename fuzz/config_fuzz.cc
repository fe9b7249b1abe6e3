// Fuzz target "config": the bytes as a config.json, through the architecture builder, a forward
// and a generate analysis, and the text and JSON report writers. The input's length picks the
// attention implementation and the convention, so mutations reach every path. Folding a
// generation's decode steps must give exactly what tracing every step gives: a difference aborts.
#include <cstdio>
#include <cstdlib>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "fuzz_target.h"
#include "readers/hf_config/config.h"
#include "report/json_report.h"
#include "report/text_report.h"

namespace calflops::fuzz {
namespace {

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
  }
  Check(a.CallCount() == b.CallCount(), "folded and replayed call counts differ");
  int64_t last = a.CallCount() - 1;
  Check(a.Call(last).macs == b.Call(last).macs && a.Call(last).flops == b.Call(last).flops,
        "folded and replayed last calls differ");
}

void Run(std::string_view bytes) {
  Config config = Config::Parse(bytes, "config.json");
  size_t v = bytes.size();
  BuildOptions build;
  build.attn = static_cast<AttnImpl>(v % 3);
  Convention convention = (v / 3) % 2 == 0 ? Convention::kAnalytic : Convention::kCalflops;
  auto arch = BuildArchitecture(config, build);

  ReportOptions report;
  report.model = "config.json";
  report.attn_impl = "sdpa";
  Workload forward{.seq_len = 3};
  Profile p = Analyze(*arch, forward, convention);
  report.workload = forward;
  WriteTextReport(p, report, NullOut());
  WriteJsonReport(p, report, NullOut());

  Workload generate{.mode = Mode::kGenerate, .prompt_tokens = 2, .max_new_tokens = 7};
  Profile folded = Analyze(*arch, generate, convention);
  report.workload = generate;
  WriteJsonReport(folded, report, NullOut());
  SameCounts(folded, Analyze(*arch, generate, convention, nullptr, RunCosting::kReplay));
}

}  // namespace
}  // namespace calflops::fuzz

CALFLOPS_FUZZ_TARGET(config, calflops::fuzz::Run)
