// The public API: resolve the model, build it, analyse the workload, hand the profile to a writer.
#include "calflops/calflops.h"

#include <cstdio>
#include <iostream>
#include <sstream>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "analysis/estimates.h"
#include "analysis/quantized_weights.h"
#include "analysis/stored_weights.h"
#include "analysis/weights.h"
#include "analysis/weights_compare.h"
#include "archs/arch_registry.h"
#include "model/active_params.h"
#include "model/error.h"
#include "model/input_files.h"
#include "model/printable.h"
#include "output_file.h"
#include "ops/autograd.h"
#include "ops/op_def.h"
#include "readers/hardware/hardware_reader.h"
#include "readers/hf_config/quantization_config.h"
#include "readers/model_source.h"
#include "readers/onnx/onnx_architecture.h"
#include "readers/zoo/zoo.h"
#include "report/format_registry.h"
#include "report/number_format.h"
#include "report/weights_report.h"

namespace calflops {
namespace {

AttnImpl ParseAttnImpl(const std::string& s) {
  if (s == "eager") return AttnImpl::kEager;
  if (s == "sdpa") return AttnImpl::kSdpa;
  if (s == "flash_attention_2") return AttnImpl::kFlashAttention2;
  throw Error(ExitCode::kUsage, "--attn-impl",
              "unknown value " + Quote(s) + " (expected eager, sdpa or flash_attention_2)");
}

Workload MakeWorkload(const Options& o) {
  Workload w;
  if (o.mode == "forward") {
    w.mode = Mode::kForward;
  } else if (o.mode == "generate") {
    w.mode = Mode::kGenerate;
  } else if (o.mode == "train") {
    w.mode = Mode::kForward;  // a training step runs the forward plan, then backward
    w.train = true;
  } else {
    throw Error(ExitCode::kUsage, "--mode",
                "unknown value " + Quote(o.mode) + " (expected forward, generate or train)");
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

TrainingOptions MakeTrainingOptions(const Options& o) {
  TrainingOptions t;
  auto r = ParseRecompute(o.recompute);
  if (!r) {
    throw Error(ExitCode::kUsage, "--recompute",
                "unknown value " + Quote(o.recompute) + " (expected none, selective or full)");
  }
  auto opt = ParseOptimizer(o.optimizer);
  if (!opt) {
    throw Error(ExitCode::kUsage, "--optimizer",
                "unknown value " + Quote(o.optimizer) + " (expected adamw, sgd or adafactor)");
  }
  if (o.zero < 0 || o.zero > 3) {
    throw Error(ExitCode::kUsage, "--zero", "must be 0, 1, 2 or 3, got " + std::to_string(o.zero));
  }
  if (o.dp < 1 || o.dp > (int64_t{1} << 20)) {
    throw Error(ExitCode::kUsage, "--dp", "must be in [1, 1048576], got " + std::to_string(o.dp));
  }
  t.recompute = *r;
  t.optimizer = *opt;
  t.zero = o.zero;
  t.dp = o.dp;
  return t;
}

/// A profile with everything estimated from it.
struct Analysis {
  bool built = false;  ///< an architecture was built: profile and estimates are set
  Profile profile;
  Workload workload;
  std::optional<Hardware> hardware;
  Estimates estimates;
  // Weight files (a .gguf, .safetensors, index or directory):
  std::optional<ModelSource> source;
  std::optional<WeightsProfile> weights;
  std::optional<WeightsComparison> comparison;
  std::string note;  ///< why nothing was built
  std::vector<std::string> notes;  ///< one line each: how the config was read

  WeightsSection Section() const {
    const Config* c = source->format == "gguf" && source->config ? &*source->config : nullptr;
    return WeightsSection{*source->weights, *weights, comparison ? &*comparison : nullptr,
                          c ? &c->raw() : nullptr, note};
  }
};

std::optional<Hardware> LoadHardware(const Options& o) {
  if (!o.hardware.empty() && !o.hardware_file.empty()) {
    throw Error(ExitCode::kUsage, "--hardware-file", "give either --hardware or --hardware-file");
  }
  if (!o.hardware.empty()) return FindHardware(o.hardware);
  if (!o.hardware_file.empty()) return LoadHardwareFile(o.hardware_file);
  return std::nullopt;
}

std::optional<double> StepTime(const Options& o, const Workload& w) {
  auto positive = [](const char* flag, double v) {
    if (!(v > 0 && v < 1e12)) {
      throw Error(ExitCode::kUsage, flag, "must be a positive number, got " + std::to_string(v));
    }
  };
  if ((o.step_time || o.tokens_per_second) && !w.train) {
    throw Error(ExitCode::kUsage, o.step_time ? "--step-time" : "--tokens-per-second",
                "applies to --mode train");
  }
  if (o.step_time && o.tokens_per_second) {
    throw Error(ExitCode::kUsage, "--tokens-per-second", "give either --step-time or --tokens-per-second");
  }
  if (o.step_time) {
    positive("--step-time", *o.step_time);
    return *o.step_time;
  }
  if (o.tokens_per_second) {
    positive("--tokens-per-second", *o.tokens_per_second);
    return static_cast<double>(w.batch) * static_cast<double>(w.seq_len) / *o.tokens_per_second;
  }
  return std::nullopt;
}

/// Fills `a` in place: its estimates point at its hardware.
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

/// --strict: ops counted as 0 are an error (exit 3).
void CheckStrict(const Options& o, const Profile& p) {
  if (!o.strict || p.uncosted.empty()) return;
  std::string list;
  for (const UncostedOp& u : p.uncosted) {
    list += (list.empty() ? "" : ", ") + u.op + " x" + std::to_string(u.count) + " (" + u.reason + ")";
  }
  throw Error(ExitCode::kUnsupported, o.model, "--strict: ops not costed: " + list);
}

void Run(const Options& o, Analysis& a) {
  auto convention = ParseConvention(o.convention);
  if (!convention) {
    throw Error(ExitCode::kUsage, "--convention",
                "unknown value " + Quote(o.convention) + " (expected analytic or calflops)");
  }
  a.workload = MakeWorkload(o);
  ValidateWorkload(a.workload);
  TrainingOptions training = MakeTrainingOptions(o);
  std::optional<double> step_time = StepTime(o, a.workload);
  a.hardware = LoadHardware(o);
  if (onnx::IsOnnxModel(o.model)) {  // a graph: its own reader, costed like any architecture
    auto arch = onnx::OnnxArchitecture::Load(o.model, MakeOnnxOptions(o));
    const Hardware* hw = a.hardware ? &*a.hardware : nullptr;
    a.profile = Analyze(*arch, a.workload, *convention, hw);
    CheckStrict(o, a.profile);
    a.estimates = Estimate(a.profile, a.workload, training, hw, step_time);
    a.built = true;
    return;
  }
  if (!o.dims.empty() || !o.input_shapes.empty()) {
    throw Error(ExitCode::kUsage, !o.dims.empty() ? "--dim" : "--input-shape",
                "applies to ONNX models only");
  }
  a.source = LoadModelSource(o.model, WithGgufMappings({.header_only = o.header_only}));
  const ModelSource& source = *a.source;
  std::unique_ptr<Architecture> arch;
  if (!source.config) {
    a.note = "no FLOPs: " + source.no_config_reason;
  } else if (o.weights_only) {
    a.note = "no FLOPs: --weights-only";
  } else {
    Config config = *source.config;
    if (!o.dtype.empty()) {
      auto d = ParseDType(o.dtype);
      if (!d || !(*d == DType::kF32 || *d == DType::kF16 || *d == DType::kBF16 ||
                  *d == DType::kF64 || *d == DType::kF8E4M3 || *d == DType::kF8E5M2)) {
        throw Error(ExitCode::kUsage, "--dtype",
                    "unknown value " + Quote(o.dtype) +
                        " (expected a floating type: float32, bfloat16, float16, float64, "
                        "float8_e4m3fn, float8_e5m2)");
      }
      config = config.With(ConfigDTypeKey(config), std::string(DTypeName(*d)));
    }
    BuildOptions b{.attn = ParseAttnImpl(o.attn_impl), .model_class = o.model_class};
    arch = BuildArchitecture(config, b, &a.notes);
    // Weights priced at the file's bytes (quantised GGUF blocks, the safetensors dtype), unless
    // --dtype asks for a dtype.
    std::optional<StoredWeights> stored;
    if (source.weights && o.dtype.empty()) {
      stored = PriceFromFile(*source.weights, arch->tree(), source.weights->files.size() == 1
                                                                ? source.weights->files[0].path
                                                                : o.model);
    }
    // Otherwise at the bytes the config's quantization_config stores them in.
    std::optional<QuantizedWeights> quantized;
    if (!stored && o.dtype.empty()) {
      std::string note;
      if (auto q = ReadQuantizationConfig(config, &note)) quantized = PriceQuantized(*q, arch->tree());
      if (!note.empty()) a.notes.push_back(note);
    }
    const Hardware* hw = a.hardware ? &*a.hardware : nullptr;
    a.profile = Analyze(*arch, a.workload, *convention, hw);
    a.estimates = Estimate(a.profile, a.workload, training, hw, step_time);
    a.estimates.memory.stored = std::move(stored);
    a.estimates.memory.quantized = std::move(quantized);
    a.built = true;
  }
  if (source.weights) {
    a.weights = AnalyzeWeights(*source.weights);
    if (arch) a.comparison = CompareWeights(*source.weights, arch->tree(), source.config->source());
  } else if (o.weights_only) {
    throw Error(ExitCode::kUsage, "--weights-only", o.model + " has no weight files");
  }
}

void WriteReportUnescaped(const Options& o, std::ostream& out);
std::string RenderReport(const Options& o);

}  // namespace

const char* Version() { return "0.1.0"; }

void WriteCostTable(std::ostream& out) {
  out << "| op | analytic MACs and FLOPs |\n|---|---|\n";
  for (const OpDef& d : AllOpDefs()) out << "| " << d.name << " | " << d.formula << " |\n";
}

void WritePerfOpTable(std::ostream& out) {
  out << "| op | bytes moved | backward | kept for backward |\n|---|---|---|---|\n";
  for (const OpDef& d : AllOpDefs()) {
    out << "| " << d.name << " | " << d.traffic.formula << " | " << d.grad.backward << " | "
        << d.grad.saved << " |\n";
  }
}

namespace {

/// The report, rendered whole and then escaped once: no writer can let a terminal escape from
/// the input through (JSON escapes its strings itself; this changes nothing there). One buffer:
/// a 10^6-tensor weights report is hundreds of megabytes.
std::string RenderReport(const Options& o) {
  std::ostringstream text;
  WriteReportUnescaped(o, text);
  std::string s = std::move(text).str();
  if (IsPrintableText(s)) return s;
  return PrintableText(s);
}

}  // namespace

void WriteReport(const Options& o, std::ostream& out) { out << RenderReport(o); }

void WriteReportTo(const Options& o, const std::string& output) {
  InputFileLog inputs;
  std::string report = RenderReport(o);
  if (output.empty()) {
    std::cout << report;
  } else {
    WriteOutputFile(output, report, inputs.files());
  }
}

namespace {

void WriteReportUnescaped(const Options& o, std::ostream& out) {
  const ReportFormat* format = FindReportFormat(o.format);
  if (!format) {
    throw Error(ExitCode::kUsage, "--format",
                "unknown value " + Quote(o.format) + " (expected " + ReportFormatNames() + ")");
  }
  if (o.precision < 0 || o.precision > 15) {
    throw Error(ExitCode::kUsage, "--precision", "must be in [0, 15], got " + std::to_string(o.precision));
  }
  if (o.unit && *o.unit != "T" && *o.unit != "G" && *o.unit != "M" && *o.unit != "K" &&
      *o.unit != "m" && *o.unit != "u") {
    throw Error(ExitCode::kUsage, "--unit", "unknown value " + Quote(*o.unit) + " (expected T, G, M, K, m or u)");
  }
  if (!(o.bp_factor >= 0 && o.bp_factor <= kMaxBpFactor)) {
    throw Error(ExitCode::kUsage, "--bp-factor",
                "must be a number in [0, " + std::to_string(static_cast<int>(kMaxBpFactor)) + "]");
  }
  Analysis a;
  Run(o, a);
  std::optional<WeightsSection> weights;
  if (a.weights) weights.emplace(a.Section());
  ReportModel report{.model = o.model,
                     .attn_impl = o.attn_impl,
                     .workload = a.workload,
                     .profile = a.built ? &a.profile : nullptr,
                     .estimates = a.built ? &a.estimates : nullptr,
                     .weights = weights ? &*weights : nullptr,
                     .notes = a.notes};
  ReportOptions display{.precision = o.precision,
                        .unit = o.unit,
                        .bp_factor = o.bp_factor,
                        .detailed = o.detailed,
                        .expand = o.expand,
                        .memory_detail = o.memory_detail};
  format->write(report, display, out);
}

}  // namespace

std::vector<std::string> ReportFormats() {
  std::vector<std::string> names;
  for (const ReportFormat& f : AllReportFormats()) names.emplace_back(f.name);
  return names;
}

Totals Measure(const Options& o) {
  Analysis a;
  Run(o, a);
  if (!a.built) throw Unsupported(o.model, a.note);
  const Profile& p = a.profile;
  return Totals{p.total().params.value(), p.total().macs.value(), p.total().flops.value(),
                a.estimates.memory.peak.value()};
}

void WriteHardwareList(std::ostream& out) {
  char line[256];
  std::snprintf(line, sizeof line, "%-14s %10s %12s %16s  %s\n", "name", "memory", "bandwidth",
                "bf16 dense peak", "description");
  out << line;
  for (const Hardware& h : BuiltinHardware()) {
    double peak = h.PeakFlops(DType::kBF16).value_or(0);
    std::snprintf(line, sizeof line, "%-14s %6.0f GiB %7.0f GB/s %10.1f TFLOP/s  %s\n",
                  h.name.c_str(), h.memory_bytes / 1073741824.0, h.bandwidth / 1e9, peak / 1e12,
                  h.description.c_str());
    out << line;
  }
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
