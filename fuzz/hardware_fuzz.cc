// Fuzz target "hardware": the bytes as a --hardware-file device profile, then a small Llama
// generation and training step costed on it (roofline times, memory verdict) and reported.
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

const Architecture& TinyLlama() {
  static const auto arch = BuildArchitecture(
      Config::Parse(R"({"model_type": "llama", "hidden_size": 64, "intermediate_size": 128,
                        "num_hidden_layers": 2, "num_attention_heads": 4,
                        "num_key_value_heads": 2, "vocab_size": 100, "torch_dtype": "bfloat16"})",
                    "tiny.json"),
      BuildOptions{});
  return *arch;
}

void Run(std::string_view bytes) {
  Hardware hw = ParseHardware(bytes, "hardware.json");
  for (Workload w : {Workload{.mode = Mode::kGenerate, .prompt_tokens = 3, .max_new_tokens = 9},
                     Workload{.seq_len = 4, .train = true}}) {
    Profile p = Analyze(TinyLlama(), w, Convention::kAnalytic, &hw);
    Estimates e = Estimate(p, w, TrainingOptions{}, &hw, w.train ? std::optional(0.5) : std::nullopt);
    ReportOptions report;
    report.model = "tiny.json";
    report.workload = w;
    report.estimates = &e;
    WriteTextReport(p, report, NullOut());
    WriteJsonReport(p, report, NullOut());
  }
}

}  // namespace
}  // namespace calflops::fuzz

CALFLOPS_FUZZ_TARGET(hardware, calflops::fuzz::Run)
