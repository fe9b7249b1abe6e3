#include "fuzz/fuzz_entries.h"

#include <memory>
#include <optional>
#include <sstream>
#include <string_view>

#include "analysis/analyze.h"
#include "analysis/weights.h"
#include "analysis/weights_compare.h"
#include "archs/arch_registry.h"
#include "model/error.h"
#include "readers/gguf/gguf_reader.h"
#include "readers/onnx/onnx_architecture.h"
#include "readers/onnx/onnx_reader.h"
#include "readers/gguf/gguf_to_hf.h"
#include "readers/safetensors/safetensors_index.h"
#include "readers/safetensors/safetensors_reader.h"
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
  } catch (const Error&) {
    // Rejected input: the expected outcome.
  }
  return 0;
}

}  // namespace

int Gguf(const uint8_t* data, size_t size) {
  return Guard([&] {
    std::span<const uint8_t> bytes(data, size);
    GgufFile f = ReadGguf(bytes, size, "fuzz.gguf", ReadOptions{.header_only = true});
    TensorSet set = GgufTensorSet(f);
    std::unique_ptr<Architecture> arch;
    std::string why;
    if (auto hf = SynthesizeHfConfig(f, &why)) {
      MapGgufTensorNames(hf->model_type, set);
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
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    onnx::Model m = onnx::ParseOnnx(bytes, "fuzz.onnx");
    auto arch = onnx::OnnxArchitecture::Build(m, {});
    Analyze(*arch, Workload{}, Convention::kAnalytic);
    Analyze(*arch, Workload{}, Convention::kCalflops);
  });
}

}  // namespace calflops::fuzz
