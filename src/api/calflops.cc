// The public API: resolve the model, build it, analyse the workload, hand the profile to a writer.
#include "calflops/calflops.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "analysis/estimates.h"
#include "analysis/explain.h"
#include "analysis/quantized_weights.h"
#include "analysis/stored_weights.h"
#include "analysis/sweep.h"
#include "analysis/symbolic.h"
#include "analysis/weights.h"
#include "analysis/weights_compare.h"
#include "api/output_file.h"
#include "archs/arch_registry.h"
#include "calflops/option_table.h"
#include "load/source.h"
#include "model/active_params.h"
#include "model/error.h"
#include "model/input_files.h"
#include "model/printable.h"
#include "ops/autograd.h"
#include "ops/op_def.h"
#include "readers/hardware/hardware_reader.h"
#include "readers/hf_config/quantization_config.h"
#include "readers/zoo/zoo.h"
#include "report/format_registry.h"
#include "report/module_rows.h"
#include "report/number_format.h"
#include "report/sweep_report.h"
#include "report/weights_report.h"

namespace calflops {
namespace api {
namespace {

constexpr int64_t kDefaultSeqLen = 128;

/// The sequence length: the one given, else 128 capped at the model's text positions.
int64_t SeqLen(const Options& o, const Architecture& arch) {
  if (o.seq_len) return *o.seq_len;
  int64_t cap = arch.max_text_tokens();
  return cap > 0 ? std::min(kDefaultSeqLen, cap) : kDefaultSeqLen;
}

Workload MakeWorkload(const Options& o, int64_t seq_len) {
  Workload w;
  w.mode = o.mode == RunMode::kGenerate ? Mode::kGenerate : Mode::kForward;
  w.train = o.mode == RunMode::kTrain;  // a training step runs the forward plan, then backward
  w.batch = o.batch;
  w.seq_len = seq_len;
  w.prompt_tokens = o.prompt_tokens.value_or(0);  // 0: Workload::Prompt() takes seq_len
  w.max_new_tokens = o.max_new_tokens;
  w.image_height = o.image_height;
  w.image_width = o.image_width;
  w.images = o.images;
  w.reencode_images = o.reencode_images;
  return w;
}

TrainingOptions MakeTrainingOptions(const Options& o) {
  return TrainingOptions{
      .recompute = o.recompute, .optimizer = o.optimizer, .zero = o.zero, .dp = o.dp};
}

LoadOptions MakeLoadOptions(const Options& o) {
  LoadOptions l;
  l.build = BuildOptions{.attn = o.attn_impl, .model_class = o.model_class};
  l.dtype = o.dtype;
  l.read = ReadOptions{.header_only = o.header_only};
  l.weights_only = o.weights_only;
  l.onnx.dims = o.dims;
  l.onnx.input_shapes = o.input_shapes;
  l.onnx.batch = o.batch;
  l.onnx.seq_len = o.seq_len.value_or(kDefaultSeqLen);
  l.batch_given = o.given.count("batch-size") > 0 || o.batch != Options{}.batch;
  l.seq_len_given = o.seq_len.has_value();
  return l;
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
  std::string note;                                   ///< why nothing was built
  std::vector<std::string> notes;                     ///< one line each: how the config was read
  std::optional<Explanation> explanation;             ///< --explain
  std::optional<std::vector<SymbolicCost>> symbolic;  ///< --symbolic

  WeightsSection Section() const {
    const Config* c = source->format == "gguf" && source->config ? &*source->config : nullptr;
    return WeightsSection{*source->weights, *weights, comparison ? &*comparison : nullptr,
                          c ? &c->raw() : nullptr, note};
  }
};

std::optional<Hardware> LoadHardware(const Options& o) {
  if (!o.hardware.empty()) return FindHardware(o.hardware);
  if (!o.hardware_file.empty()) return LoadHardwareFile(o.hardware_file);
  return std::nullopt;
}

std::optional<double> StepTime(const Options& o, const Workload& w) {
  if (o.step_time) return *o.step_time;
  if (o.tokens_per_second) {
    return static_cast<double>(w.batch) * static_cast<double>(w.seq_len) / *o.tokens_per_second;
  }
  return std::nullopt;
}

/// --strict: ops counted as 0 are an error (exit 3).
void CheckStrict(const Options& o, const Profile& p) {
  if (!o.strict || p.uncosted.empty()) return;
  std::string list;
  for (const UncostedOp& u : p.uncosted) {
    list +=
        (list.empty() ? "" : ", ") + u.op + " x" + std::to_string(u.count) + " (" + u.reason + ")";
  }
  throw Error(ExitCode::kUnsupported, o.model, "--strict: ops not costed: " + list);
}

void Run(const Options& o, Analysis& a) {
  ValidateOptions(o);
  ValidateWorkload(MakeWorkload(o, o.seq_len.value_or(kDefaultSeqLen)));  // before any reading
  LoadOptions load = MakeLoadOptions(o);
  // Every writer prints repeats folded (report/identical_siblings.h), so routed experts of
  // equal load are built and traced once (BuildOptions::routed_tokens): first one module per
  // expert list, then, with the workload known, one per run of equal load
  // (archs/moe/expert_load.h). --expand lists, and --top ranks, single modules: every expert on
  // its own.
  const bool repeats = !o.expand && o.top <= 0;
  if (repeats) load.build.routed_tokens.emplace();
  LoadedModel m = Load(o.model, load);
  CheckApplicable(o, m.kinds);
  a.hardware = LoadHardware(o);
  const Hardware* hw = a.hardware ? &*a.hardware : nullptr;
  a.source = std::move(m.files);
  a.note = m.note;
  a.notes = m.notes;
  if (m.arch) {
    a.workload = MakeWorkload(o, SeqLen(o, *m.arch));
    ValidateWorkload(a.workload);
    std::vector<std::string> unused;
    if (m.arch->tree().HasRepeats() && a.source) {
      // Weight files name every expert's tensors: then every expert is built.
      if (a.source->weights) {
        load.build.routed_tokens.reset();
      } else {
        load.build.routed_tokens = PlannedRoutedTokens(*m.arch, a.workload);
      }
      m.arch = BuildFromSource(*a.source, load, &unused);
    }
    std::optional<StoredWeights> stored;
    std::optional<QuantizedWeights> quantized;
    const std::vector<std::string> notes = a.notes;
    auto price_and_analyze = [&] {
      a.notes = notes;
      // Weights priced at the file's bytes (quantised GGUF blocks, the safetensors dtype),
      // unless --dtype asks for a dtype.
      if (a.source && a.source->weights && !o.dtype) {
        const TensorSet& files = *a.source->weights;
        stored = PriceFromFile(files, m.arch->tree(),
                               files.files.size() == 1 ? files.files[0].path : o.model);
      }
      // Otherwise at the bytes the config's quantization_config stores them in.
      if (!stored && !o.dtype && a.source && a.source->config) {
        std::string note;
        if (auto q = ReadQuantizationConfig(*a.source->config, &note))
          quantized = PriceQuantized(*q, m.arch->tree());
        if (!note.empty()) a.notes.push_back(note);
      }
      a.profile = Analyze(*m.arch, a.workload, o.convention, hw);
    };
    try {
      price_and_analyze();
    } catch (const Error& e) {
      // A call routed a token count the plan did not show (RunRoutedExperts' check, an
      // internal error): every expert on its own, as without the shortcut.
      if (e.code() != ExitCode::kInternal || !m.arch->tree().HasRepeats() || !a.source) throw;
      load.build.routed_tokens.reset();
      m.arch = BuildFromSource(*a.source, load, &unused);
      price_and_analyze();
    }
    CheckStrict(o, a.profile);
    if (!o.explain.empty()) {
      ModuleId id = m.arch->tree().Find(o.explain);
      if (id == kNoModule) {
        throw Error(ExitCode::kUsage, "--explain",
                    "no module " + Quote(o.explain) + " in " + o.model +
                        " (paths as --format csv lists them, e.g. model.layers.0.mlp)");
      }
      a.explanation = Explain(*m.arch, a.workload, o.convention, id);
    }
    if (o.symbolic) {
      // The fit traces other token counts than the workload's: routed experts are built as runs
      // of equal load in every call it traces (a run of unequal loads is an internal error, exit
      // 5), not each on its own: DeepSeek-V3 took 3.5 CPU s with its 14,848 experts built.
      std::unique_ptr<Architecture> runs;
      if (m.arch->tree().HasRepeats() && a.source) {
        load.build.routed_tokens = SymbolicRoutedTokens(*m.arch, a.workload);
        runs = BuildFromSource(*a.source, load, &unused);
      }
      try {
        a.symbolic = SymbolicCosts(runs ? *runs : *m.arch, a.workload, o.convention);
      } catch (const Error& e) {
        // A call the token list missed: every expert on its own, as --expand builds them.
        if (e.code() != ExitCode::kInternal || !runs) throw;
        load.build.routed_tokens.reset();
        runs = BuildFromSource(*a.source, load, &unused);
        a.symbolic = SymbolicCosts(*runs, a.workload, o.convention);
      }
    }
    a.estimates =
        Estimate(a.profile, a.workload, MakeTrainingOptions(o), hw, StepTime(o, a.workload));
    a.estimates.memory.stored = std::move(stored);
    a.estimates.memory.quantized = std::move(quantized);
    a.built = true;
  }
  if (a.source && a.source->weights) {
    a.weights = AnalyzeWeights(*a.source->weights);
    if (m.arch)
      a.comparison = CompareWeights(*a.source->weights, m.arch->tree(), a.source->config->source());
  } else if (o.weights_only) {
    throw Error(ExitCode::kUsage, "--weights-only", o.model + " has no weight files");
  }
}

}  // namespace
}  // namespace api

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

namespace api {
namespace {

void WriteReportUnescaped(const Options& o, std::ostream& out) {
  Analysis a;
  Run(o, a);
  const ReportFormat* format = FindReportFormat(o.format);  // checked by ValidateOptions
  std::optional<WeightsSection> weights;
  if (a.weights) weights.emplace(a.Section());
  ReportModel report{.model = o.model,
                     .attn_impl = std::string(NameOf(kAttnImplNames, o.attn_impl)),
                     .workload = a.workload,
                     .profile = a.built ? &a.profile : nullptr,
                     .estimates = a.built ? &a.estimates : nullptr,
                     .weights = weights ? &*weights : nullptr,
                     .explanation = a.explanation ? &*a.explanation : nullptr,
                     .symbolic = a.symbolic ? &*a.symbolic : nullptr,
                     .notes = a.notes};
  ReportOptions display{
      .precision = o.precision,
      .unit = o.unit ? std::optional<std::string>(NameOf(kUnitNames, *o.unit)) : std::nullopt,
      .bp_factor = o.bp_factor,
      .detailed = o.detailed,
      .expand = o.expand,
      .memory_detail = o.memory_detail,
      .max_depth = o.depth,
      .top = o.top};
  format->write(report, display, out);
}

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
}  // namespace api

void WriteReport(const Options& o, std::ostream& out) { out << api::RenderReport(o); }

void WriteReportTo(const Options& o, const std::string& output) {
  InputFileLog inputs;
  std::string report = api::RenderReport(o);
  if (output.empty()) {
    std::cout << report;
  } else {
    WriteOutputFile(output, report, inputs.files());
  }
}

namespace api {
namespace {

/// One side of a comparison: the options as given (label "") or with a --vs applied.
struct Side {
  std::string label;  ///< the --vs text, single-spaced
  Options options;
};

std::vector<Side> Sides(const Options& o, const std::vector<std::string>& variants) {
  std::vector<Side> sides{{"", o}};
  for (const std::string& v : variants) {
    Options side = o;
    ParseOptionString(side, v, "--vs");
    if (side.format != o.format) {
      throw Error(ExitCode::kUsage, "--vs",
                  "'" + v + "': --format applies to the whole comparison, not to one side");
    }
    std::string label;  // the variant's words, single-spaced
    for (char c : v) {
      if (c == ' ' || c == '\t') {
        if (!label.empty() && label.back() != ' ') label += ' ';
      } else {
        label += c;
      }
    }
    while (!label.empty() && label.back() == ' ') label.pop_back();
    sides.push_back({label, std::move(side)});
  }
  return sides;
}

/// "A vs B", "A as given vs --convention calflops", "A vs B, each as given vs --seq-len 8".
std::string CompareTitle(const std::vector<std::string>& models, const std::vector<Side>& sides) {
  std::string t;
  for (size_t i = 0; i < models.size(); ++i) t += (i ? " vs " : "") + models[i];
  if (sides.size() > 1) {
    t += models.size() > 1 ? ", each as given" : " as given";
    for (const Side& side : sides)
      if (!side.label.empty()) t += " vs " + side.label;
  }
  return t;
}

}  // namespace
}  // namespace api

void WriteSweepTo(const Options& o, const std::string& axis_name, const std::string& range,
                  const std::string& format, const std::string& output,
                  const std::vector<std::string>& more_models,
                  const std::vector<std::string>& variants) {
  InputFileLog inputs;
  const SweepAxis axes[] = {SweepAxis::kSeqLen, SweepAxis::kBatch, SweepAxis::kPromptTokens,
                            SweepAxis::kMaxNewTokens, SweepAxis::kImageSize};
  std::optional<SweepAxis> axis;
  for (SweepAxis a : axes)
    if (SweepAxisOption(a) == axis_name) axis = a;
  if (!axis) {
    throw Error(ExitCode::kUsage, axis_name,
                "cannot be swept (expected --seq-len, --batch-size, --prompt-tokens, "
                "--max-new-tokens or --image-size)");
  }
  std::vector<int64_t> values = ParseSweepRange(axis_name, range);
  std::vector<std::string> models{o.model};
  models.insert(models.end(), more_models.begin(), more_models.end());
  const std::vector<api::Side> sides = api::Sides(o, variants);
  for (const api::Side& side : sides) {
    if (!side.label.empty() && side.options.given.count(axis_name.substr(2)) &&
        !o.given.count(axis_name.substr(2))) {
      throw Error(ExitCode::kUsage, "--vs",
                  "'" + side.label + "' sets " + axis_name + ", the swept option");
    }
  }
  const bool several = sides.size() > 1 || models.size() > 1;
  if (values.size() * models.size() * sides.size() > kMaxSweepRows) {
    throw Error(ExitCode::kUsage, axis_name,
                std::to_string(values.size()) + " points x " + std::to_string(models.size()) +
                    " models x " + std::to_string(sides.size()) + " sides make more than the " +
                    std::to_string(kMaxSweepRows) +
                    " rows one sweep command may report; sweep fewer points or sides");
  }
  SweepReport report{.axis = axis_name, .counts_only = o.counts_only};
  int64_t work_left = kMaxSweepWork;  // over every model and side
  for (const std::string& model : models) {
    for (const api::Side& side : sides) {
      Options one = side.options;
      one.model = model;
      ValidateOptions(one);
      // The swept option must apply to the model and mode as it would given once (campaign 3:
      // `sweep gpt2 --image-size 1:2:+1` and `sweep vit --seq-len ...` printed rows that the
      // option could not change, where `gpt2 --image-size 1x1` is refused).
      Options probe = one;
      const std::string first = std::to_string(values.front());
      ParseOption(probe, axis_name.substr(2),
                  *axis == SweepAxis::kImageSize ? first + "x" + first : first);
      ValidateOptions(probe);
      LoadOptions load = api::MakeLoadOptions(one);
      load.batch_given = load.batch_given || *axis == SweepAxis::kBatch;
      load.seq_len_given = load.seq_len_given || *axis == SweepAxis::kSeqLen;
      load.build.routed_tokens.emplace();  // first one module per expert list, to plan with
      LoadedModel m = Load(model, load);
      CheckApplicable(probe, m.kinds);
      if (!m.arch) throw Unsupported(model, "sweep: no architecture to analyse (" + m.note + ")");
      std::optional<Hardware> hardware = api::LoadHardware(one);
      Workload base = api::MakeWorkload(one, api::SeqLen(one, *m.arch));
      std::vector<std::string> unused;
      // Routed experts built as runs of equal load at every point (as a single run builds them
      // for its one workload), not each on its own: a DeepSeek-V3 point took 0.1-0.17 CPU s.
      auto rebuild = [&](bool runs) {
        if (!m.arch->tree().HasRepeats() || !m.files) return false;
        if (runs && !m.files->weights) {
          load.build.routed_tokens = SweepRoutedTokens(*m.arch, base, *axis, values);
        } else {
          load.build.routed_tokens.reset();
        }
        m.arch = BuildFromSource(*m.files, load, &unused);
        return true;
      };
      rebuild(true);
      auto sweep = [&] {
        return one.counts_only
                   ? SweepCounts(*m.arch, base, *axis, values, one.convention, &work_left)
                   : Sweep(*m.arch, base, *axis, values, one.convention,
                           hardware ? &*hardware : nullptr, api::MakeTrainingOptions(one),
                           SweepPath::kAuto, &work_left);
      };
      std::vector<SweepPoint> points;
      try {
        points = sweep();
      } catch (const Error& e) {
        // A call the token list missed (an internal error): every expert on its own.
        if (e.code() != ExitCode::kInternal || !rebuild(false)) throw;
        points = sweep();
      }
      if (report.points.empty()) {
        // The header's workload: the first side's, the axis marked as swept.
        Profile first = Analyze(*m.arch, WithAxis(base, *axis, values.front()), one.convention);
        ReportModel header{
            .model = model, .workload = WithAxis(base, *axis, values.front()), .profile = &first};
        report.workload = WorkloadLine(header) + " (" + axis_name + " swept)";
        if (sides.size() > 1) report.workload += "; the other sides as labelled";
      }
      if (several) {
        const std::string label = side.label.empty() ? model : model + " " + side.label;
        report.series.insert(report.series.end(), points.size(), label);
      }
      report.points.insert(report.points.end(), points.begin(), points.end());
    }
  }
  report.model = api::CompareTitle(models, sides);
  std::ostringstream text;
  WriteSweep(report, format, text);
  std::string s = std::move(text).str();
  if (!IsPrintableText(s)) s = PrintableText(s);
  if (output.empty()) {
    std::cout << s;
  } else {
    WriteOutputFile(output, s, inputs.files());
  }
}

void WriteCompareTo(const Options& o, const std::vector<std::string>& models,
                    const std::string& format, const std::string& output,
                    const std::vector<std::string>& variants) {
  InputFileLog inputs;
  if (models.empty() || models.size() * (variants.size() + 1) < 2) {
    throw Error(ExitCode::kUsage, "compare",
                "expected two or more models, or a model and --vs \"OPTIONS\" (e.g. --vs "
                "\"--convention calflops\")");
  }
  const std::vector<api::Side> sides = api::Sides(o, variants);
  SweepReport report{.axis = variants.empty() ? "--model" : "--compared"};
  int64_t work = 0;  // kMaxSweepWork's units over the rows so far (each is bounded by itself)
  for (const std::string& model : models) {
    for (const api::Side& side : sides) {
      const std::string& label = side.label;
      Options one = side.options;
      one.model = model;
      if (work > kMaxSweepWork) {
        throw Error(ExitCode::kUsage, "compare",
                    "too costly: the first " + std::to_string(report.points.size()) +
                        " rows take " + std::to_string(work) +
                        " work units (modules x traced calls, x3 to train, + 2 x modules a row "
                        "to build), more than the " +
                        std::to_string(kMaxSweepWork) +
                        " a sweep or compare command may take; compare fewer models or --vs sides");
      }
      api::Analysis a;
      api::Run(one, a);
      if (!a.built) throw Unsupported(model, a.note);
      // Each row is a full load, build and analysis (a DeepSeek-V3 training step with every
      // expert built: 0.24 CPU s): 2,000 --vs sides took 21 CPU s.
      work += ProfileWork(a.profile, a.workload.train) +
              2 * static_cast<int64_t>(a.profile.tree.size());
      SweepPoint p{.value = static_cast<int64_t>(report.points.size() + 1),
                   .params = a.profile.total().params,
                   .macs = a.profile.total().macs,
                   .flops = a.profile.total().flops,
                   .memory_peak = a.estimates.memory.peak};
      if (a.estimates.latency) p.latency_s = a.estimates.latency->total_s;
      ReportModel header{.model = model, .workload = a.workload, .profile = &a.profile};
      if (report.points.empty())
        report.workload = variants.empty() ? WorkloadLine(header) : "per row (the sides differ)";
      if (!variants.empty()) report.workloads.push_back(WorkloadLine(header));
      report.points.push_back(p);
      report.labels.push_back(label.empty() ? model : model + " " + label);
    }
  }
  report.model = api::CompareTitle(models, sides);
  std::ostringstream text;
  WriteSweep(report, format, text);
  std::string s = std::move(text).str();
  if (!IsPrintableText(s)) s = PrintableText(s);
  if (output.empty()) {
    std::cout << s;
  } else {
    WriteOutputFile(output, s, inputs.files());
  }
}

std::vector<std::string> ReportFormats() {
  std::vector<std::string> names;
  for (const ReportFormat& f : AllReportFormats()) names.emplace_back(f.name);
  return names;
}

Totals Measure(const Options& o) {
  api::Analysis a;
  api::Run(o, a);
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
