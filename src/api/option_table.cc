// The option table (calflops/option_table.h): one entry per option. Parsers turn text into typed
// values; checks validate the typed values once (ValidateOptions); `kinds` and `modes` say where
// an option applies, and CheckApplicable refuses a given option outside them. The workload's
// sizes (batch, tokens, steps, images) are range-checked by ValidateWorkload
// (analysis/analyze.h; exit code 2, as bad input), which the API runs before loading the model.
#include "calflops/option_table.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "model/error.h"
#include "report/format_registry.h"

namespace calflops {
namespace option_table {
namespace {

/// A bad value, before the option's name is known: ParseOption and ValidateOptions add it.
struct BadValue {
  std::string what;
};

int64_t Int(std::string_view v) {
  int64_t x = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) {
    throw BadValue{"expected an integer, got " + Quote(v)};
  }
  return x;
}

/// Whether `v` is a decimal number as integers are spelled here too: an optional '-', digits with
/// an optional fraction (or a fraction alone), an optional exponent. strtod also takes '+',
/// leading blanks, hexadecimal ("0x1p3"), "nan", "inf" and "infinity"; integer flags never did,
/// and a flag's spelling should not depend on whether its value is a count or a rate.
bool IsDecimal(std::string_view v) {
  size_t i = 0, n = v.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && v[i] >= '0' && v[i] <= '9') ++i;
    return i - start;
  };
  if (i < n && v[i] == '-') ++i;
  size_t mantissa = digits();
  if (i < n && v[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < n && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < n && (v[i] == '+' || v[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == n;
}

double Real(std::string_view v) {
  if (!IsDecimal(v)) throw BadValue{"expected a number, got " + Quote(v)};
  // strtod, not stod: stod throws on underflow, so 1e-320 (a number, merely tiny) would read as
  // "not a number". Overflow is reported as what it is; each option then checks its own range.
  std::string s(v);
  errno = 0;
  double x = std::strtod(s.c_str(), nullptr);
  if (errno == ERANGE && std::isinf(x)) throw BadValue{"number out of range, got " + Quote(v)};
  return x == 0 ? 0.0 : x;  // -0 is 0: a report never shows a negative zero it was given
}

void Range(int64_t v, int64_t lo, int64_t hi) {
  if (v < lo || v > hi) {
    throw BadValue{"must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                   std::to_string(v)};
  }
}

template <typename E, size_t N>
E Choice(const std::pair<E, std::string_view> (&table)[N], std::string_view v) {
  if (auto e = ValueOf(table, v)) return *e;
  std::string expected;
  for (size_t i = 0; i < N; ++i) {
    expected += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(table[i].second);
  }
  throw BadValue{"unknown value " + Quote(v) + " (expected " + expected + ")"};
}

template <typename E, size_t N>
std::vector<std::string_view> Names(const std::pair<E, std::string_view> (&table)[N]) {
  std::vector<std::string_view> names;
  for (const auto& [value, name] : table) names.push_back(name);
  return names;
}

/// "1x3x224" -> {1, 3, 224}.
std::vector<int64_t> Shape(std::string_view v) {
  std::vector<int64_t> dims;
  size_t start = 0;
  if (v.empty()) throw BadValue{"empty shape (expected e.g. 1x128)"};
  for (size_t i = 0; i <= v.size(); ++i) {
    if (i < v.size() && v[i] != 'x' && v[i] != 'X' && v[i] != ',') continue;
    std::string_view part = v.substr(start, i - start);
    start = i + 1;
    int64_t d = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), d);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() || d < 0) {
      throw BadValue{"bad shape " + Quote(v) + " (expected sizes joined by x, e.g. 1x128)"};
    }
    dims.push_back(d);
  }
  return dims;
}

/// "NAME=VALUE" -> {NAME, VALUE}.
std::pair<std::string, std::string_view> Assignment(std::string_view v) {
  auto eq = v.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == v.size()) {
    throw BadValue{"expected NAME=VALUE, got " + Quote(v)};
  }
  return {std::string(v.substr(0, eq)), v.substr(eq + 1)};
}

/// Graph dimensions and ranks accepted from the command line (the ONNX reader's own limits
/// bound what it reads from files).
constexpr int64_t kMaxGraphDim = int64_t{1} << 40;
constexpr size_t kMaxGraphRank = 16;

void CheckShape(const std::vector<int64_t>& dims) {
  if (dims.size() > kMaxGraphRank) throw BadValue{"too many dimensions"};
  for (int64_t d : dims) Range(d, 0, kMaxGraphDim);
}

/// The writers' names (the format registry's list).
std::vector<std::string_view> FormatNames() {
  std::vector<std::string_view> names;
  for (const ReportFormat& f : AllReportFormats()) names.push_back(f.name);
  return names;
}

template <auto M>
bool Set(const Options& o) {
  static const Options defaults;
  return o.*M != defaults.*M;
}

void Positive(double v) {
  if (!(v > 0 && v < 1e12)) throw BadValue{"must be a positive number, got " + std::to_string(v)};
}

const std::vector<OptionSpec>& Table() {
  static const std::vector<OptionSpec> table = {
      {.name = "batch-size",
       .short_name = 'b',
       .value_name = "B",
       .help = "sequences per forward call (default 1)",
       .kinds = kAnyArchitecture,
       .parse = [](Options& o, std::string_view v) { o.batch = Int(v); },
       .is_set = Set<&Options::batch>},
      {.name = "seq-len",
       .short_name = 's',
       .value_name = "S",
       .help = "tokens per sequence (default 128, capped at the model's text positions); the "
               "prompt length in generate mode unless --prompt-tokens",
       .kinds = kTextDecoder | kEncoder | kVisionLanguage | kOnnx,
       .parse = [](Options& o, std::string_view v) { o.seq_len = Int(v); },
       .is_set = Set<&Options::seq_len>},
      {.name = "mode",
       .short_name = 'm',
       .value_name = "M",
       .help = "forward (default), generate (prefill, then one-token decode steps; text decoders "
               "and vision-language models) or train (forward + backward)",
       .kinds = kAnyArchitecture,
       .choices = Names(kRunModeNames),
       .parse = [](Options& o, std::string_view v) { o.mode = Choice(kRunModeNames, v); },
       .is_set = Set<&Options::mode>},
      {.name = "prompt-tokens",
       .short_name = 'p',
       .value_name = "P",
       .help = "generate: prompt length (default: the sequence length)",
       .kinds = kTextDecoder | kVisionLanguage,
       .modes = kGenerateMode,
       .parse = [](Options& o, std::string_view v) { o.prompt_tokens = Int(v); },
       .is_set = Set<&Options::prompt_tokens>},
      {.name = "max-new-tokens",
       .short_name = 'n',
       .value_name = "N",
       .help = "generate: tokens to produce, the prefill's included (default 1)",
       .kinds = kTextDecoder | kVisionLanguage,
       .modes = kGenerateMode,
       .parse = [](Options& o, std::string_view v) { o.max_new_tokens = Int(v); },
       .is_set = Set<&Options::max_new_tokens>},
      {.name = "image-size",
       .value_name = "HxW",
       .help = "image height x width in pixels (default: the model's native size)",
       .kinds = kVision | kVisionLanguage,
       .parse =
           [](Options& o, std::string_view v) {
             std::vector<int64_t> hw = Shape(v);
             if (hw.size() != 2)
               throw BadValue{"expected HEIGHTxWIDTH such as 336x336, got " + Quote(v)};
             o.image_height = hw[0];
             o.image_width = hw[1];
           },
       .check =
           [](const Options& o) {
             if (o.image_height == 0 && o.image_width == 0) return;
             if (o.image_height <= 0 || o.image_width <= 0)
               throw BadValue{"height and width must be positive, got " +
                              std::to_string(o.image_height) + "x" + std::to_string(o.image_width)};
           },
       .is_set = [](const Options& o) { return o.image_height != 0 || o.image_width != 0; }},
      {.name = "images",
       .value_name = "N",
       .help = "images per sequence, one <image> placeholder each (default 1)",
       .kinds = kVision | kVisionLanguage,
       .parse = [](Options& o, std::string_view v) { o.images = Int(v); },
       .is_set = Set<&Options::images>},
      {.name = "reencode-images",
       .help = "LLaVA as transformers 4.45 ran an unexpanded <image>: the vision tower re-encodes "
               "the image at every decode step (default: once)",
       .kinds = kVisionLanguage,
       .parse = [](Options& o, std::string_view) { o.reencode_images = true; },
       .is_set = Set<&Options::reencode_images>},
      {.name = "convention",
       .short_name = 'c',
       .value_name = "C",
       .help = "analytic (default: every op counted) or calflops (its numbers, misses and all)",
       .kinds = kAnyArchitecture,
       .choices = Names(kConventionNames),
       .parse = [](Options& o, std::string_view v) { o.convention = Choice(kConventionNames, v); },
       .is_set = Set<&Options::convention>},
      {.name = "attn-impl",
       .value_name = "I",
       .help = "eager, sdpa (default) or flash_attention_2: transformers' attention classes",
       .kinds = kTextDecoder | kEncoder | kVision | kVisionLanguage,
       .choices = Names(kAttnImplNames),
       .parse = [](Options& o, std::string_view v) { o.attn_impl = Choice(kAttnImplNames, v); },
       .is_set = Set<&Options::attn_impl>},
      {.name = "model-class",
       .value_name = "CLS",
       .help = "transformers class to build (default: the config's architectures[0])",
       .kinds = kTextDecoder | kEncoder | kVision | kVisionLanguage,
       .parse = [](Options& o, std::string_view v) { o.model_class = std::string(v); },
       .is_set = Set<&Options::model_class>},
      {.name = "dim",
       .value_name = "NAME=N",
       .help = "ONNX: value of a symbolic input dimension (repeatable), e.g. --dim batch=1",
       .kinds = kOnnx,
       .repeatable = true,
       .parse =
           [](Options& o, std::string_view v) {
             auto [name, value] = Assignment(v);
             std::vector<int64_t> d = Shape(value);
             if (d.size() != 1) throw BadValue{"expected NAME=N, got " + Quote(v)};
             o.dims[name] = d[0];
           },
       .check =
           [](const Options& o) {
             for (const auto& [n, d] : o.dims) Range(d, 0, kMaxGraphDim);
           },
       .is_set = Set<&Options::dims>},
      {.name = "input-shape",
       .value_name = "NAME=AxB",
       .help = "ONNX: shape of a graph input (repeatable), e.g. input_ids=1x128",
       .kinds = kOnnx,
       .repeatable = true,
       .parse =
           [](Options& o, std::string_view v) {
             auto [name, value] = Assignment(v);
             o.input_shapes[name] = Shape(value);
           },
       .check =
           [](const Options& o) {
             for (const auto& [n, s] : o.input_shapes) CheckShape(s);
           },
       .is_set = Set<&Options::input_shapes>},
      {.name = "strict",
       .help = "fail (exit 3) when some ops cannot be costed instead of counting them as 0",
       .kinds = kAnyArchitecture,
       .parse = [](Options& o, std::string_view) { o.strict = true; },
       .is_set = Set<&Options::strict>},
      {.name = "dtype",
       .short_name = 't',
       .value_name = "T",
       .help = "parameter and activation dtype (default: the config's dtype or torch_dtype)",
       .kinds = kTextDecoder | kEncoder | kVision | kVisionLanguage,
       .choices = Names(kFloatDTypeNames),
       .parse = [](Options& o, std::string_view v) { o.dtype = Choice(kFloatDTypeNames, v); },
       .check =
           [](const Options& o) {
             if (o.dtype && NameOf(kFloatDTypeNames, *o.dtype).empty())
               throw BadValue{"must be a floating type"};
           },
       .is_set = Set<&Options::dtype>},
      {.name = "hardware",
       .value_name = "NAME",
       .help = "roofline latency and memory verdict on a bundled device (--list-hardware)",
       .kinds = kAnyArchitecture,
       .parse = [](Options& o, std::string_view v) { o.hardware = std::string(v); },
       .check =
           [](const Options& o) {
             if (!o.hardware.empty() && !o.hardware_file.empty())
               throw BadValue{"give either --hardware or --hardware-file"};
           },
       .is_set = Set<&Options::hardware>},
      {.name = "hardware-file",
       .value_name = "FILE",
       .help = "the same with a device profile file (format: docs/memory-and-latency.md)",
       .kinds = kAnyArchitecture,
       .parse = [](Options& o, std::string_view v) { o.hardware_file = std::string(v); },
       .is_set = Set<&Options::hardware_file>},
      {.name = "memory-detail",
       .help = "print the memory breakdown section (weights, KV cache, activations)",
       .kinds = kAnyArchitecture,
       .parse = [](Options& o, std::string_view) { o.memory_detail = true; },
       .is_set = Set<&Options::memory_detail>},
      {.name = "recompute",
       .value_name = "R",
       .help = "train: activation recomputation none (default), selective or full",
       .kinds = kAnyArchitecture,
       .modes = kTrainMode,
       .choices = Names(kRecomputeNames),
       .parse = [](Options& o, std::string_view v) { o.recompute = Choice(kRecomputeNames, v); },
       .is_set = Set<&Options::recompute>},
      {.name = "optimizer",
       .value_name = "O",
       .help = "train: adamw (default), sgd (momentum) or adafactor",
       .kinds = kAnyArchitecture,
       .modes = kTrainMode,
       .choices = Names(kOptimizerNames),
       .parse = [](Options& o, std::string_view v) { o.optimizer = Choice(kOptimizerNames, v); },
       .is_set = Set<&Options::optimizer>},
      {.name = "zero",
       .value_name = "Z",
       .help = "train: ZeRO stage 0-3 (shard optimizer state, gradients, weights over --dp)",
       .kinds = kAnyArchitecture,
       .modes = kTrainMode,
       .parse =
           [](Options& o, std::string_view v) {
             int64_t z = Int(v);  // checked before narrowing: 2^32 + 3 is not 3
             if (z < 0 || z > 3) throw BadValue{"must be 0, 1, 2 or 3, got " + std::string(v)};
             o.zero = static_cast<int>(z);
           },
       .check = [](const Options& o) { Range(o.zero, 0, 3); },
       .is_set = Set<&Options::zero>},
      {.name = "dp",
       .value_name = "N",
       .help = "train: data-parallel ranks for --zero (default 1)",
       .kinds = kAnyArchitecture,
       .modes = kTrainMode,
       .parse = [](Options& o, std::string_view v) { o.dp = Int(v); },
       .check = [](const Options& o) { Range(o.dp, 1, int64_t{1} << 20); },
       .is_set = Set<&Options::dp>},
      {.name = "step-time",
       .value_name = "SEC",
       .help = "train: measured seconds per step; with --hardware gives MFU",
       .kinds = kAnyArchitecture,
       .modes = kTrainMode,
       .parse = [](Options& o, std::string_view v) { o.step_time = Real(v); },
       .check =
           [](const Options& o) {
             if (o.step_time && o.tokens_per_second)
               throw BadValue{"give either --step-time or --tokens-per-second"};
             if (o.step_time) Positive(*o.step_time);
           },
       .is_set = Set<&Options::step_time>},
      {.name = "tokens-per-second",
       .value_name = "TPS",
       .help = "train: measured tokens per second (instead of --step-time)",
       .kinds = kAnyArchitecture,
       .modes = kTrainMode,
       .parse = [](Options& o, std::string_view v) { o.tokens_per_second = Real(v); },
       .check =
           [](const Options& o) {
             if (o.tokens_per_second) Positive(*o.tokens_per_second);
           },
       .is_set = Set<&Options::tokens_per_second>},
      {.name = "format",
       .short_name = 'f',
       .value_name = "F",
       .help = "the report's format: text (the calflops report, default), json, ... "
               "(report/format_registry.cc)",
       .choices = FormatNames(),
       .parse = [](Options& o, std::string_view v) { o.format = std::string(v); },
       .check =
           [](const Options& o) {
             if (!FindReportFormat(o.format))
               throw BadValue{"unknown value " + Quote(o.format) + " (expected " +
                              ReportFormatNames() + ")"};
           },
       .is_set = Set<&Options::format>},
      {.name = "precision",
       .value_name = "P",
       .help = "decimals of the totals lines and percentages (default 2)",
       .parse =
           [](Options& o, std::string_view v) {
             int64_t p = Int(v);  // checked before narrowing: 2^32 + 2 is not 2
             Range(p, 0, 15);
             o.precision = static_cast<int>(p);
           },
       .check = [](const Options& o) { Range(o.precision, 0, 15); },
       .is_set = Set<&Options::precision>},
      {.name = "unit",
       .value_name = "U",
       .help = "force the totals' unit: T, G, M, K, m or u",
       .kinds = kAnyArchitecture,
       .choices = Names(kUnitNames),
       .parse = [](Options& o, std::string_view v) { o.unit = Choice(kUnitNames, v); },
       .is_set = Set<&Options::unit>},
      {.name = "bp-factor",
       .value_name = "F",
       .help = "backward cost as a multiple of forward, for the fwd+bwd lines (default 2)",
       .kinds = kAnyArchitecture,
       .parse = [](Options& o, std::string_view v) { o.bp_factor = Real(v); },
       .check =
           [](const Options& o) {
             if (!(o.bp_factor >= 0 && o.bp_factor <= kMaxBpFactor))
               throw BadValue{"must be a number in [0, " +
                              std::to_string(static_cast<int>(kMaxBpFactor)) + "]"};
           },
       .is_set = Set<&Options::bp_factor>},
      {.name = "weights-only",
       .help = "weight files: report what they hold, build no architecture",
       .kinds = kWeightFile,
       .parse = [](Options& o, std::string_view) { o.weights_only = true; },
       .is_set = Set<&Options::weights_only>},
      {.name = "header-only",
       .help = "weight files: accept a missing or truncated data region (headers are all that is "
               "read)",
       .kinds = kWeightFile,
       .parse = [](Options& o, std::string_view) { o.header_only = true; },
       .is_set = Set<&Options::header_only>},
      {.name = "no-detail",
       .help = "omit the per-module tree",
       .kinds = kAnyArchitecture,
       .parse = [](Options& o, std::string_view) { o.detailed = false; },
       .is_set = Set<&Options::detailed>},
      {.name = "depth",
       .value_name = "N",
       .help = "every format: leave out modules deeper than N (the model is depth 0)",
       .kinds = kAnyArchitecture,
       .parse =
           [](Options& o, std::string_view v) {
             int64_t d = Int(v);
             Range(d, 0, 1000);
             o.depth = static_cast<int>(d);
           },
       .check =
           [](const Options& o) {
             if (o.depth != -1) Range(o.depth, 0, 1000);
           },
       .is_set = Set<&Options::depth>},
      {.name = "top",
       .value_name = "K",
       .help = "every format: only the K heaviest modules by FLOPs (with their parents)",
       .kinds = kAnyArchitecture,
       .parse =
           [](Options& o, std::string_view v) {
             int64_t k = Int(v);
             Range(k, 1, 1000000);
             o.top = static_cast<int>(k);
           },
       .check =
           [](const Options& o) {
             if (o.top != 0) Range(o.top, 1, 1000000);
           },
       .is_set = Set<&Options::top>},
      {.name = "explain",
       .value_name = "PATH",
       .help = "one module's ops per call (shapes, formula, cost) instead of the report; text or "
               "json",
       .kinds = kAnyArchitecture,
       .parse = [](Options& o, std::string_view v) { o.explain = std::string(v); },
       .check =
           [](const Options& o) {
             if (!o.explain.empty() && o.format != "text" && o.format != "json")
               throw BadValue{"writes text or json, not " + Quote(o.format)};
           },
       .is_set = Set<&Options::explain>},
      {.name = "symbolic",
       .help = "the totals as exact polynomials in batch and sequence length (prefill) and "
               "context (one decode step) instead of the report; text or json",
       .kinds = kAnyArchitecture,
       .parse = [](Options& o, std::string_view) { o.symbolic = true; },
       .check =
           [](const Options& o) {
             if (o.symbolic && o.format != "text" && o.format != "json")
               throw BadValue{"writes text or json, not " + Quote(o.format)};
           },
       .is_set = Set<&Options::symbolic>},
      {.name = "counts-only",
       .help = "sweep: params, MACs and FLOPs only, from the exact polynomial (fast)",
       .kinds = kAnyArchitecture,
       .parse = [](Options& o, std::string_view) { o.counts_only = true; },
       .is_set = Set<&Options::counts_only>},
      {.name = "expand",
       .help = "list every module (default: identical ModuleList entries once, with a repeat "
               "count)",
       .kinds = kAnyArchitecture,
       .parse = [](Options& o, std::string_view) { o.expand = true; },
       .is_set = Set<&Options::expand>},
  };
  return table;
}

std::string Flag(const OptionSpec& s) { return "--" + std::string(s.name); }

}  // namespace
}  // namespace option_table

std::span<const OptionSpec> OptionTable() { return option_table::Table(); }

const OptionSpec* FindOption(std::string_view name) {
  for (const OptionSpec& s : option_table::Table())
    if (s.name == name) return &s;
  return nullptr;
}

void ParseOption(Options& o, std::string_view name, std::string_view value) {
  const OptionSpec* s = FindOption(name);
  if (!s) throw Error(ExitCode::kUsage, "--" + std::string(name), "unknown option (see --help)");
  try {
    s->parse(o, value);
  } catch (const option_table::BadValue& e) {
    throw Error(ExitCode::kUsage, option_table::Flag(*s), e.what);
  }
  o.given.insert(std::string(name));
}

bool IsGiven(const Options& o, const OptionSpec& spec) {
  return o.given.count(spec.name) > 0 || spec.is_set(o);
}

uint32_t ModeBit(RunMode mode) {
  switch (mode) {
    case RunMode::kForward:
      return kForwardMode;
    case RunMode::kGenerate:
      return kGenerateMode;
    case RunMode::kTrain:
      return kTrainMode;
  }
  return kForwardMode;
}

std::string DescribeKinds(uint32_t kinds) {
  std::vector<const char*> names;
  for (auto [bit, name] : {std::pair{kTextDecoder, "text decoders"},
                           {kEncoder, "text encoders"},
                           {kVision, "image encoders"},
                           {kVisionLanguage, "vision-language models"},
                           {kOnnx, "ONNX graphs"},
                           {kWeightFile, "weight files"}})
    if (kinds & bit) names.push_back(name);
  std::string s;
  for (size_t i = 0; i < names.size(); ++i)
    s += std::string(i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return s.empty() ? "no model" : s;
}

void CheckApplicable(const Options& o, uint32_t kinds) {
  for (const OptionSpec& s : option_table::Table()) {
    if (!IsGiven(o, s)) continue;
    if (!(s.kinds & kinds)) {
      throw Error(ExitCode::kUsage, option_table::Flag(s),
                  "does not apply to " + o.model + " (" + DescribeKinds(kinds) +
                      "); it applies to " + DescribeKinds(s.kinds));
    }
  }
  if (o.mode == RunMode::kGenerate && !(kinds & (kTextDecoder | kVisionLanguage))) {
    throw Error(ExitCode::kUsage, "--mode",
                "generate does not apply to " + o.model + " (" + DescribeKinds(kinds) +
                    "); it applies to text decoders and vision-language models");
  }
}

void ValidateOptions(const Options& o) {
  for (const OptionSpec& s : option_table::Table()) {
    if (!IsGiven(o, s)) continue;
    if (!(s.modes & ModeBit(o.mode))) {
      std::string modes;
      for (const auto& [mode, name] : kRunModeNames)
        if (s.modes & ModeBit(mode)) modes += (modes.empty() ? "" : " or ") + std::string(name);
      throw Error(ExitCode::kUsage, option_table::Flag(s),
                  "applies to --mode " + modes + ", not --mode " +
                      std::string(NameOf(kRunModeNames, o.mode)));
    }
    if (!s.check) continue;
    try {
      s.check(o);
    } catch (const option_table::BadValue& e) {
      throw Error(ExitCode::kUsage, option_table::Flag(s), e.what);
    }
  }
}

}  // namespace calflops
