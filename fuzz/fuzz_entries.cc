#include "fuzz/fuzz_entries.h"

#include "fuzz/onnx_recipe.h"

#include <sys/mman.h>
#include <unistd.h>

#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string_view>

#include "analysis/analyze.h"
#include "analysis/estimates.h"
#include "analysis/quantized_weights.h"
#include "analysis/weights.h"
#include "analysis/weights_compare.h"
#include "archs/arch_registry.h"
#include "archs/moe/sparse_moe_block.h"
#include "model/error.h"
#include "readers/gguf/gguf_reader.h"
#include "readers/gguf/gguf_to_hf.h"
#include "readers/hardware/hardware_reader.h"
#include "readers/hf_config/config.h"
#include "readers/hf_config/quantization_config.h"
#include "readers/hub/http_headers.h"
#include "readers/hub/hub_cache.h"
#include "readers/hub/hub_name.h"
#include "readers/onnx/onnx_architecture.h"
#include "readers/onnx/onnx_reader.h"
#include "readers/onnx/sparse_image.h"
#include "readers/safetensors/safetensors_index.h"
#include "readers/safetensors/safetensors_reader.h"
#include "report/format_registry.h"
#include "report/json_writer.h"
#include "report/weights_report.h"

namespace calflops::fuzz {
namespace {

/// Bigger models are valid but only slow the fuzzer down; the readers are what is fuzzed.
constexpr int64_t kMaxFuzzLayers = 16;

void Report(const TensorSet& set, const ModuleTree* model) {
  WeightsProfile p = AnalyzeWeights(set);
  std::optional<WeightsComparison> c;
  if (model) c = CompareWeights(set, *model, "fuzz");
  WeightsSection s{set, p, c ? &*c : nullptr, nullptr, "fuzz"};
  std::ostringstream out;
  JsonWriter w(out);
  WriteWeightsJson(w, s);
  WriteWeightsText(s, out);
}

template <typename F>
int Guard(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    // Rejected input: the expected outcome, if the rejection is a proper one.
    if (std::string problem = RejectionProblem(e); !problem.empty())
      throw std::logic_error(problem);
  }
  return 0;
}

/// An output stream that formats and discards: report writers run in full.
std::ostream& NullOut() {
  class NullBuffer : public std::streambuf {
   protected:
    int overflow(int c) override { return c == traits_type::eof() ? 0 : c; }
    std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
  };
  static NullBuffer buffer;
  static std::ostream out(&buffer);
  return out;
}

/// A number from every byte of the input (std::hash), so that which format an input is written in
/// varies independently of the size-picked options.
size_t FormatPick(const uint8_t* data, size_t size) {
  return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(data), size));
}

void Check(bool ok, const char* what) {
  if (!ok) throw std::logic_error(what);
}

/// Folding a run of decode steps must give what replaying every step gives.
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

/// Analyses `w`, estimates, and writes the report in format `format` (modulo the formats). Each
/// input writes one format, picked by FormatPick, and the run writes them all: writing every
/// format for every input repeated the same writer code on the same profile.
Profile AnalyzeAndReport(const Architecture& arch, const Workload& w, Convention c,
                         const calflops::Hardware* hw, size_t format) {
  Profile p = Analyze(arch, w, c, hw);
  Estimates e = Estimate(p, w, TrainingOptions{}, hw, w.train ? std::optional(1.0) : std::nullopt);
  ReportModel report{.model = "fuzz.json",
                     .attn_impl = "sdpa",
                     .workload = w,
                     .profile = &p,
                     .estimates = &e,
                     .notes = {}};
  const auto formats = AllReportFormats();
  formats[format % formats.size()].write(report, ReportOptions{}, NullOut());
  return p;
}

/// Bounded work per input keeps the config fuzzer fast: full-size models (DeepSeek-V3 has
/// 75,000 modules) are built, but analysed by the unit tests, not here.
constexpr size_t kMaxFuzzedModules = 5000;

/// Layers are repetitions: a stack of 32 costs 10 to 30 times one of 1 to 4 and covers no more
/// code, and the zoo seeds the fuzzer mutates have 24 to 126. Stacks deeper than 4 but within
/// kMaxLayers are lowered to 1 to 4 layers (in the config and its text and vision configs, which
/// get 2 where they leave it to a default); out-of-range counts and wrong types are left for the
/// reader to refuse. Routed experts above 16 are lowered to 16 the same way.
constexpr int64_t kFuzzLayers = 4, kFuzzExperts = 16;

Config ShallowLayers(Config config) {
  nlohmann::json j = config.raw();
  bool changed = false;
  // Sets obj[key] to to(n) where it is an integer n in (above, max].
  auto lower_key = [&](nlohmann::json& obj, const char* key, int64_t above, int64_t max, auto to) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number_integer()) return;
    int64_t n = it->get<int64_t>();
    if (n <= above || n > max) return;
    *it = to(n);
    changed = true;
  };
  auto lower = [&](nlohmann::json& obj) {
    if (!obj.is_object()) return;
    for (const char* key : {"num_hidden_layers", "n_layer"}) {
      lower_key(obj, key, kFuzzLayers, kMaxLayers, [](int64_t n) { return 1 + n % kFuzzLayers; });
    }
    // Routed experts repeat too (Qwen3-MoE has 128 a layer); 16 stays above every top-k seeded.
    for (const char* key : {"num_experts", "num_local_experts", "n_routed_experts"}) {
      lower_key(obj, key, kFuzzExperts, kMaxExpertsPerLayer, [](int64_t) { return kFuzzExperts; });
    }
  };
  lower(j);
  if (j.is_object()) {
    for (const char* sub : {"text_config", "vision_config"}) {
      auto it = j.find(sub);
      if (it == j.end()) continue;
      lower(*it);
      // Sub-configs often leave the depth to their class default (Llama's 32, CLIP's 12 or 24).
      if (it->is_object() && !it->contains("num_hidden_layers")) {
        (*it)["num_hidden_layers"] = 2;
        changed = true;
      }
    }
  }
  if (!changed) return config;
  // (replace: a string the parser accepted must not make the dump throw.)
  return Config::Parse(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       config.source());
}

/// The same structure, in order, with the same kept values: what a parse keeps of a model.
void SameModels(const onnx::Model& a, const onnx::Model& b) {
  const onnx::Graph &ga = a.graph, &gb = b.graph;
  Check(ga.nodes.size() == gb.nodes.size() && ga.inputs.size() == gb.inputs.size() &&
            ga.outputs.size() == gb.outputs.size() &&
            ga.initializers.size() == gb.initializers.size() &&
            a.functions.size() == b.functions.size(),
        "the file image and the bytes parse to different graphs");
  for (size_t i = 0; i < ga.nodes.size(); ++i) {
    Check(ga.nodes[i].op_type == gb.nodes[i].op_type && ga.nodes[i].inputs == gb.nodes[i].inputs,
          "the file image and the bytes parse to different nodes");
  }
  for (size_t i = 0; i < ga.initializers.size(); ++i) {
    const onnx::Tensor &x = ga.initializers[i], &y = gb.initializers[i];
    Check(x.name == y.name && x.dims == y.dims && x.ints == y.ints &&
              x.reals.size() == y.reals.size(),
          "the file image and the bytes parse to different initializers");
  }
}

/// `bytes` parsed by ReadOnnxFile from a memory file (the sparse pread image the CLI reads
/// through), checked against ParseOnnx of the same bytes: the same model, or the same error.
/// Inputs up to kSkippedPayload bytes hold no payload the image leaves unread.
onnx::Model ReadOnnxAsFile(std::string_view bytes) {
  static const int fd = memfd_create("calflops-fuzz.onnx", MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error("memfd_create failed");
  if (ftruncate(fd, 0) != 0 || (!bytes.empty() && pwrite(fd, bytes.data(), bytes.size(), 0) !=
                                                      static_cast<ssize_t>(bytes.size()))) {
    throw std::runtime_error("cannot write the memory file");
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  std::optional<onnx::Model> from_file, from_bytes;
  std::string file_error, bytes_error;
  std::exception_ptr file_failure;
  try {
    from_file = onnx::ReadOnnxFile(path);
  } catch (const Error& e) {
    file_error = e.what();
    file_failure = std::current_exception();
  }
  try {
    from_bytes = onnx::ParseOnnx(bytes, path);
  } catch (const Error& e) {
    bytes_error = e.what();
  }
  if (bytes.size() <= onnx::kSkippedPayload) {
    if (file_error != bytes_error) {
      throw std::logic_error("the file image and the bytes differ: '" + file_error + "' vs '" +
                             bytes_error + "'");
    }
    if (from_file) SameModels(*from_file, *from_bytes);
  }
  if (file_failure) std::rethrow_exception(file_failure);
  return std::move(*from_file);
}

}  // namespace

int Gguf(const uint8_t* data, size_t size) {
  return Guard([&] {
    std::span<const uint8_t> bytes(data, size);
    GgufFile f = ReadGguf(bytes, size, "fuzz.gguf", ReadOptions{.header_only = true});
    TensorSet set = GgufTensorSet(f);
    std::unique_ptr<Architecture> arch;
    std::string why;
    if (auto hf = SynthesizeHfConfig(f, GgufMappings(), &why)) {
      MapGgufTensorNames(*hf->mapping, set);
      Config config = Config::Parse(hf->json, "fuzz.gguf (config)");
      if (config.Int("num_hidden_layers", 0, 0, kMaxConfigDim) <= kMaxFuzzLayers) {
        try {
          arch = BuildArchitecture(config, BuildOptions{});
          Workload w;
          w.seq_len = 3;
          Analyze(*arch, w, Convention::kAnalytic);
        } catch (const Error&) {
          arch.reset();  // e.g. an unregistered model_type or an overflowing count
        }
      }
    }
    Report(set, arch ? &arch->tree() : nullptr);
  });
}

int Safetensors(const uint8_t* data, size_t size) {
  return Guard([&] {
    TensorSet set = ReadSafetensors(std::span<const uint8_t>(data, size), size, "fuzz.safetensors",
                                    ReadOptions{.header_only = true});
    Report(set, nullptr);
  });
}

int SafetensorsIndex(const uint8_t* data, size_t size) {
  return Guard([&] {
    // No shard exists in this directory: the index itself is what is exercised.
    std::string_view text(reinterpret_cast<const char*>(data), size);
    TensorSet set =
        ReadSafetensorsIndexText(text, "fuzz.index.json", "/nonexistent-calflops-fuzz", {});
    Report(set, nullptr);
  });
}

int Onnx(const uint8_t* data, size_t size) {
  return Guard([&] {
    // A recipe (fuzz/onnx_recipe.h) becomes a well-formed model whose structure the bytes pick.
    std::string built;
    bool recipe = size > 0 && data[0] == kRecipeMagic;
    if (recipe) built = OnnxFromRecipe(std::span<const uint8_t>(data + 1, size - 1));
    std::string_view bytes = recipe ? std::string_view(built)
                                    : std::string_view(reinterpret_cast<const char*>(data), size);
    // Other bytes are read as the CLI reads a file (ReadOnnxFile: the sparse pread image), and
    // must give exactly what parsing them in memory gives.
    onnx::Model m = recipe ? onnx::ParseOnnx(bytes, "fuzz.onnx") : ReadOnnxAsFile(bytes);
    auto arch = onnx::OnnxArchitecture::Build(m, {});
    Analyze(*arch, Workload{}, Convention::kAnalytic);
    Analyze(*arch, Workload{}, Convention::kCalflops);
    if (recipe) {
      // Loops reach every sink: the device's perf figures and a training step's backward.
      const auto& devices = BuiltinHardware();
      AnalyzeAndReport(*arch, Workload{.train = size % 2 == 0}, Convention::kAnalytic,
                       &devices[size % devices.size()], FormatPick(data, size));
    }
  });
}

int ConfigJson(const uint8_t* data, size_t size) {
  return Guard([&] {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    calflops::Config config = ShallowLayers(calflops::Config::Parse(bytes, "fuzz.json"));
    // The input's length picks the attention implementation, the convention and the device.
    BuildOptions build;
    build.attn = static_cast<AttnImpl>(size % 3);
    Convention convention = (size / 3) % 2 == 0 ? Convention::kAnalytic : Convention::kCalflops;
    const auto& devices = BuiltinHardware();
    const calflops::Hardware* hw =
        (size / 6) % 2 == 0 ? nullptr : &devices[(size / 12) % devices.size()];
    size_t pick = FormatPick(data, size);
    std::vector<std::string> notes;
    auto arch = BuildArchitecture(config, build, &notes);
    if (arch->tree().size() > kMaxFuzzedModules) return;
    std::string note;
    if (auto q = ReadQuantizationConfig(config, &note)) PriceQuantized(*q, arch->tree());

    AnalyzeAndReport(*arch, Workload{.seq_len = 3}, convention, hw, pick);
    Workload generate{.mode = Mode::kGenerate, .prompt_tokens = 2, .max_new_tokens = 7};
    Profile folded = AnalyzeAndReport(*arch, generate, convention, hw, pick + 1);
    SameCounts(folded, Analyze(*arch, generate, convention, hw, RunCosting::kReplay));
    AnalyzeAndReport(*arch, Workload{.seq_len = 2, .train = true}, convention, hw, pick + 2);
  });
}

int HardwareProfile(const uint8_t* data, size_t size) {
  static const auto tiny =
      BuildArchitecture(calflops::Config::Parse(
                            R"({"model_type": "llama", "hidden_size": 64, "intermediate_size": 128,
              "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
              "vocab_size": 100, "torch_dtype": "bfloat16"})",
                            "tiny.json"),
                        BuildOptions{});
  return Guard([&] {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    calflops::Hardware hw = ParseHardware(bytes, "fuzz-hardware.json");
    size_t pick = FormatPick(data, size);
    AnalyzeAndReport(*tiny,
                     Workload{.mode = Mode::kGenerate, .prompt_tokens = 3, .max_new_tokens = 9},
                     Convention::kAnalytic, &hw, pick);
    AnalyzeAndReport(*tiny, Workload{.seq_len = 4, .train = true}, Convention::kAnalytic, &hw,
                     pick + 1);
  });
}

int HubInputs(const uint8_t* data, size_t size) {
  return Guard([&] {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    // Line 1: a model argument; line 2: a ref file; line 3: a repo file name; then response
    // header lines. Each as the Hub client meets it.
    std::vector<std::string_view> lines;
    for (size_t start = 0; start <= bytes.size();) {
      size_t nl = bytes.find('\n', start);
      lines.push_back(bytes.substr(start, nl == std::string_view::npos ? bytes.npos : nl - start));
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
    auto line = [&](size_t i) { return i < lines.size() ? lines[i] : std::string_view(); };
    std::optional<hub::HubName> name;
    try {
      name = hub::ParseHubName(line(0));
    } catch (const Error& e) {
      if (std::string p = RejectionProblem(e); !p.empty()) throw std::logic_error(p);
    }
    if (name &&
        (!hub::IsValidRevision(name->revision) || name->org.find("..") != std::string::npos ||
         name->repo_id().find('/') != name->org.size())) {
      throw std::logic_error("ParseHubName accepted an unsafe name: " + std::string(line(0)));
    }
    if (auto commit = hub::ParseRef(line(1)); commit && !hub::IsCommitHash(*commit)) {
      throw std::logic_error("ParseRef accepted a non-commit");
    }
    std::string file(line(2));
    if (hub::IsSafeRepoFile(file)) {
      if (file.front() == '/') throw std::logic_error("IsSafeRepoFile accepted an absolute path");
      std::stringstream parts(file);
      for (std::string part; std::getline(parts, part, '/');) {
        if (part.empty() || part == "." || part == "..") {
          throw std::logic_error("IsSafeRepoFile accepted " + file);
        }
      }
    }
    hub::HttpHeaders h;
    for (size_t i = 3; i < lines.size(); ++i) hub::ParseHeaderLine(lines[i], h);
    if (h.etag.size() > hub::kMaxHeaderValueBytes ||
        h.repo_commit.size() > hub::kMaxHeaderValueBytes) {
      throw std::logic_error("a header value beyond its cap");
    }
    if (auto span = hub::ContentRangeSpan(h.content_range); span && span->second < span->first) {
      throw std::logic_error("ContentRangeSpan: last < first");
    }
    hub::ContentRangeTotal(h.content_range);
  });
}

std::string RejectionProblem(const Error& e) {
  std::string what = e.what();
  if (e.code() == ExitCode::kInternal) return "internal error on an input: " + what;
  if (e.code() == ExitCode::kOk) return "error with exit code 0: " + what;
  if (what.empty()) return "empty error message";
  if (what.find('\n') != std::string::npos || what.find('\r') != std::string::npos) {
    return "error message is not one line: " + what;
  }
  return "";
}

}  // namespace calflops::fuzz
