// The public API: resolve the model, build it, analyse the workload, hand the profile to a writer.
#include "calflops/calflops.h"

#include <cstdio>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "model/active_params.h"
#include "model/error.h"
#include "readers/model_source.h"
#include "readers/onnx/onnx_architecture.h"
#include "readers/zoo/zoo.h"
#include "report/json_report.h"
#include "report/number_format.h"
#include "report/text_report.h"

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

/// "NAME=VALUE" -> {NAME, VALUE}; throws a usage error naming `flag`.
std::pair<std::string, std::string> SplitAssignment(const std::string& s, const char* flag) {
  auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == s.size()) {
    throw Error(ExitCode::kUsage, flag, "expected NAME=VALUE, got '" + s + "'");
  }
  return {s.substr(0, eq), s.substr(eq + 1)};
}

onnx::OnnxOptions MakeOnnxOptions(const Options& o) {
  onnx::OnnxOptions x;
  x.batch = o.batch;
  x.seq_len = o.seq_len;
  for (const std::string& d : o.dims) {
    auto [name, value] = SplitAssignment(d, "--dim");
    std::vector<int64_t> v = onnx::ParseShapeSpec(value, "--dim");
    if (v.size() != 1) throw Error(ExitCode::kUsage, "--dim", "expected NAME=N, got '" + d + "'");
    x.dims[name] = v[0];
  }
  for (const std::string& s : o.input_shapes) {
    auto [name, value] = SplitAssignment(s, "--input-shape");
    x.input_shapes[name] = onnx::ParseShapeSpec(value, "--input-shape");
  }
  return x;
}

std::unique_ptr<Architecture> BuildFor(const Options& o) {
  if (onnx::IsOnnxModel(o.model)) return onnx::OnnxArchitecture::Load(o.model, MakeOnnxOptions(o));
  if (!o.dims.empty() || !o.input_shapes.empty()) {
    throw Error(ExitCode::kUsage, !o.dims.empty() ? "--dim" : "--input-shape", "applies to ONNX models only");
  }
  Config config = LoadModelConfig(o.model);
  BuildOptions b{.attn = ParseAttnImpl(o.attn_impl), .model_class = o.model_class};
  return BuildArchitecture(config, b);
}

Profile Run(const Options& o) {
  auto convention = ParseConvention(o.convention);
  if (!convention) {
    throw Error(ExitCode::kUsage, "--convention",
                "unknown value '" + o.convention + "' (expected analytic or calflops)");
  }
  Workload w = MakeWorkload(o);
  ValidateWorkload(w);
  auto arch = BuildFor(o);
  Profile p = Analyze(*arch, w, *convention);
  if (o.strict && !p.uncosted.empty()) {
    std::string list;
    for (const UncostedOp& u : p.uncosted) {
      list += (list.empty() ? "" : ", ") + u.op + " x" + std::to_string(u.count) + " (" + u.reason + ")";
    }
    throw Error(ExitCode::kUnsupported, o.model, "--strict: ops not costed: " + list);
  }
  return p;
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
  Profile p = Run(o);
  ReportOptions r{.precision = o.precision,
                  .unit = o.unit,
                  .bp_factor = o.bp_factor,
                  .detailed = o.detailed,
                  .model = o.model,
                  .attn_impl = o.attn_impl,
                  .workload = MakeWorkload(o)};
  if (o.format == "json") {
    WriteJsonReport(p, r, out);
  } else {
    WriteTextReport(p, r, out);
  }
}

Totals Measure(const Options& o) {
  Profile p = Run(o);
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
