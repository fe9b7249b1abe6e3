// How one GGUF architecture becomes one transformers model_type: the data a family declares
// beside its builder (src/archs/<family>/<family>.cc, referenced from its ArchEntry), read by
// the generic synthesis in gguf_to_hf.cc. Keys the mapping does not name are the common
// Llama-style ones that gguf_to_hf.h lists.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "readers/gguf/gguf_reader.h"

namespace calflops {

/// GGUF tensor base name (after "blk.N.", before ".weight"/".bias") -> HF module path under
/// "model.layers.N". `stacked`: one GGUF tensor holds every expert of that module.
struct GgufRename {
  std::string_view gguf;
  std::string_view hf;
  bool stacked = false;
};

/// Typed access to the metadata of one architecture (keys "<arch>.<suffix>") and to the tensor
/// names, with errors located at the GGUF key.
class GgufKeys {
 public:
  GgufKeys(const GgufFile& f, std::string arch);

  const GgufFile& file() const { return f_; }
  const GgufKv* Find(std::string_view suffix) const;
  /// An integer key; a per-layer array is accepted when all its values are equal.
  std::optional<int64_t> Int(std::string_view suffix, int64_t lo, int64_t hi) const;
  int64_t RequiredInt(std::string_view suffix, int64_t lo, int64_t hi) const;
  /// A number; a float32 value comes back as the shortest decimal that reads back as it.
  std::optional<double> Float(std::string_view suffix) const;
  /// A top-level string key such as "general.name" ("" when absent).
  std::string String(std::string_view full_key) const;
  bool HasTensor(const std::string& name) const { return Tensor(name) != nullptr; }
  const GgufTensor* Tensor(const std::string& name) const;

 private:
  const GgufFile& f_;
  std::string arch_;
  std::unordered_map<std::string, const GgufTensor*> tensors_;
};

struct GgufMapping {
  std::string_view gguf_arch;   ///< general.architecture
  std::string_view model_type;  ///< the config it produces
  std::string_view hf_class;    ///< architectures[0]
  /// Per-block tensor renames, all tables applied.
  std::span<const std::span<const GgufRename>> blocks;
  std::string_view hidden_act_key = "hidden_act";
  std::string_view hidden_act = "silu";
  /// When several mappings share gguf_arch: the first whose predicate holds wins, else the
  /// one without a predicate.
  bool (*matches)(const GgufKeys&) = nullptr;
  /// Family keys beyond the common ones (experts, biases, scalars).
  void (*extra_keys)(const GgufKeys&, nlohmann::ordered_json& config) = nullptr;
  /// Old Mixtral files: one tensor per expert, blk.N.ffn_{gate,down,up}.E ->
  /// block_sparse_moe.experts.E.w{1,2,3}.
  bool numbered_experts = false;
};

}  // namespace calflops
