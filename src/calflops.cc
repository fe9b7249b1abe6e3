// The public API: resolve the model, build it, analyse the workload, hand the profile to a writer.
#include "calflops/calflops.h"

#include <cstdio>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "analysis/weights.h"
#include "analysis/weights_compare.h"
#include "archs/arch_registry.h"
#include "model/active_params.h"
#include "model/error.h"
#include "readers/model_source.h"
#include "readers/zoo/zoo.h"
#include "report/json_report.h"
#include "report/number_format.h"
#include "report/text_report.h"
#include "report/weights_report.h"

namespace calflops {
namespace {

AttnImpl ParseAttnImpl(const std::string& s) {
  if (s == "eager") return AttnImpl::kEager;
  if (s == "sdpa") return AttnImpl::kSdpa;
  if (s == "flash_attention_2") return AttnImpl::kFlashAttention2;
  throw Error(ExitCode::kUsage, "--attn-impl",
              "unknown value '" + s + "' (expected eager, sdpa or flash_attention_2)");
}

Workload MakeWorkload(const Options& o) {
  Workload w;
  if (o.mode == "forward") {
    w.mode = Mode::kForward;
  } else if (o.mode == "generate") {
    w.mode = Mode::kGenerate;
  } else {
    throw Error(ExitCode::kUsage, "--mode", "unknown value '" + o.mode + "' (expected forward or generate)");
  }
  w.batch = o.batch;
  w.seq_len = o.seq_len;
  w.prompt_tokens = o.prompt_tokens;
  w.max_new_tokens = o.max_new_tokens;
  w.image_height = o.image_height;
  w.image_width = o.image_width;
  w.images = o.images;
  w.reencode_images = o.reencode_images;
  return w;
}

/// What one run produced: the FLOPs profile when an architecture was built, the weights
/// analysis when the model came with weight files.
struct RunResult {
  ModelSource source;
  std::optional<Profile> profile;
  std::optional<WeightsProfile> weights;
  std::optional<WeightsComparison> comparison;
  std::string note;  ///< why there is no profile

  WeightsSection Section() const {
    return WeightsSection{*source.weights, *weights, comparison ? &*comparison : nullptr,
                          source.format == "gguf" && source.config ? &source.config->raw() : nullptr, note};
  }
};

RunResult Run(const Options& o) {
  auto convention = ParseConvention(o.convention);
  if (!convention) {
    throw Error(ExitCode::kUsage, "--convention",
                "unknown value '" + o.convention + "' (expected analytic or calflops)");
  }
  Workload w = MakeWorkload(o);
  ValidateWorkload(w);
  RunResult r{LoadModelSource(o.model, ReadOptions{.header_only = o.header_only}), {}, {}, {}, {}};
  std::unique_ptr<Architecture> arch;
  if (!r.source.config) {
    r.note = "no FLOPs: " + r.source.no_config_reason;
  } else if (o.weights_only) {
    r.note = "no FLOPs: --weights-only";
  } else {
    BuildOptions b{.attn = ParseAttnImpl(o.attn_impl), .model_class = o.model_class};
    arch = BuildArchitecture(*r.source.config, b);
    r.profile = Analyze(*arch, w, *convention);
  }
  if (r.source.weights) {
    r.weights = AnalyzeWeights(*r.source.weights);
    if (arch) r.comparison = CompareWeights(*r.source.weights, arch->tree(), r.source.config->source());
  } else if (o.weights_only) {
    throw Error(ExitCode::kUsage, "--weights-only", o.model + " has no weight files");
  }
  return r;
}

}  // namespace

const char* Version() { return "0.1.0"; }

void WriteCostTable(std::ostream& out) {
  out << "| op | analytic MACs and FLOPs |\n|---|---|\n";
  for (const OpDef& d : AllOpDefs()) out << "| " << d.name << " | " << d.formula << " |\n";
}

void WriteReport(const Options& o, std::ostream& out) {
  if (o.format != "text" && o.format != "json") {
    throw Error(ExitCode::kUsage, "--format", "unknown value '" + o.format + "' (expected text or json)");
  }
  if (o.precision < 0 || o.precision > 15) {
    throw Error(ExitCode::kUsage, "--precision", "must be in [0, 15], got " + std::to_string(o.precision));
  }
  RunResult run = Run(o);
  ReportOptions r{.precision = o.precision,
                  .unit = o.unit,
                  .bp_factor = o.bp_factor,
                  .detailed = o.detailed,
                  .model = o.model,
                  .attn_impl = o.attn_impl,
                  .workload = MakeWorkload(o)};
  if (o.format == "json") {
    auto weights = [&](JsonWriter& w) {
      if (!run.weights) return;
      w.Key("weights");
      WriteWeightsJson(w, run.Section());
    };
    if (run.profile) {
      WriteJsonReport(*run.profile, r, out, weights);
    } else {
      JsonWriter w(out);
      w.BeginObject();
      w.Key("schema_version").Int(kJsonSchemaVersion);
      w.Key("model").String(o.model);
      weights(w);
      w.EndObject();
    }
  } else {
    if (run.profile) WriteTextReport(*run.profile, r, out);
    if (run.weights) WriteWeightsText(run.Section(), out);
  }
}

Totals Measure(const Options& o) {
  RunResult run = Run(o);
  if (!run.profile) throw Unsupported(o.model, run.note);
  const Profile& p = *run.profile;
  return Totals{p.total().params.value(), p.total().macs.value(), p.total().flops.value()};
}

void WriteModelList(std::ostream& out) {
  // One line per zoo model: name, model_type, parameters, parameters active per token (MoE
  // models only: top-k routed experts), and the family's description.
  char line[512];
  std::snprintf(line, sizeof line, "%-28s %-14s %-10s %-10s %s\n", "name", "model_type", "params",
                "active", "family");
  out << line;
  for (const ZooEntry& z : ZooEntries()) {
    std::string type = "?", params = "unsupported", active, family;
    try {
      Config c = Config::Parse(z.json, std::string(z.name));
      type = c.String("model_type", "?");
      if (const ArchEntry* entry = FindArch(type)) {
        family = std::string(entry->family);
        auto arch = BuildArchitecture(c, BuildOptions{});
        Count total = arch->tree().SubtreeParams()[0];
        Count act = ActiveParams(arch->tree());
        params = ParamsToString(total.ToDouble(), std::nullopt, 2);
        if (act != total) active = ParamsToString(act.ToDouble(), std::nullopt, 2);
      }
    } catch (const Error& e) {
      params = std::string("error: ") + e.what();
    }
    std::snprintf(line, sizeof line, "%-28s %-14s %-10s %-10s %s\n", std::string(z.name).c_str(),
                  type.c_str(), params.c_str(), active.c_str(), family.c_str());
    std::string text = line;
    while (!text.empty() && text[text.size() - 2] == ' ') text.erase(text.size() - 2, 1);
    out << text;
  }
}

}  // namespace calflops
