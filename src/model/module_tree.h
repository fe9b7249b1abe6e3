// The module tree: what PyTorch's nn.Module hierarchy looks like for a model. Each module has its
// attribute name, class name, extra_repr string (as PyTorch prints it), its own parameters, and
// children in registration order. Modules live in one flat vector; ids are indices.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/count.h"
#include "model/dtype.h"
#include "model/shape.h"

namespace calflops {

using ModuleId = int32_t;
inline constexpr ModuleId kNoModule = -1;

/// Most modules one model may have: 3.5 x DeepSeek-V3 (75,000). The module tree, the per-module
/// figures and the report grow with it (about 4 KiB per module in --mode train with JSON).
inline constexpr size_t kMaxModules = size_t{1} << 18;
/// Most elements one parameter tensor may have: PyTorch's numel() is an int64.
inline constexpr uint64_t kMaxTensorElements = uint64_t{INT64_MAX};

struct Param {
  std::string name;  ///< attribute name inside its module ("weight", "bias", "inv_freq")
  Shape shape;
  DType dtype = DType::kF32;
  /// Parameters sharing a storage id are one tensor (tied weights) and are counted once.
  int32_t storage = -1;
  bool trainable = true;  ///< false for buffers-as-params or frozen weights
  /// How a weight file stores this tensor, when one was read (analysis/stored_weights.h): its
  /// storage type ("Q4_K", "BF16") and bytes, which then replace numel x DTypeBytes(dtype) in the
  /// memory estimate and in the weight bytes each op reads. Empty: priced at `dtype`.
  std::string stored_type;
  Count stored_bytes;

  bool has_stored() const { return !stored_type.empty(); }
  /// Bytes in memory: the stored bytes when a file gave them, else numel x bytes of dtype.
  Count bytes() const {
    return has_stored() ? stored_bytes : shape.numel() * Count::FromSigned(DTypeBytes(dtype));
  }
};

struct Module {
  std::string name;        ///< attribute name in the parent ("q_proj", "0"); empty for the root
  std::string class_name;  ///< "Linear", "LlamaDecoderLayer"
  std::string extra_repr;  ///< "in_features=4096, out_features=4096, bias=False"
  ModuleId parent = kNoModule;
  std::vector<ModuleId> children;
  std::vector<Param> params;
  bool is_module_list = false;  ///< printed with torch>=2's collapsing ModuleList repr
  /// Routed experts: only this many of the (identical) children run for each token; 0 = all.
  /// Read by ActiveParams (model/active_params.h).
  int32_t active_children = 0;
  /// The class overrides __repr__ (transformers' Conv1D): printed as "Class(extra_repr)" with no
  /// calflops stats, because calflops injects them through extra_repr.
  bool custom_repr = false;
  /// This module stands for `repeat` identical consecutive siblings named name, name + 1, ...
  /// (ModuleList entries: routed experts with the same token load), built and traced once.
  /// Its subtree's parameters and per-module figures are those of one of them; everything that
  /// sums over the tree counts them `repeat` times (Multiplicities()). Ops charged inside it are
  /// emitted `repeat` times over (Tracer::Repeat), so the accumulators' totals are exact.
  int32_t repeat = 1;
};

class ModuleTree {
 public:
  ModuleTree();  ///< starts with an unnamed root of class "Module"

  ModuleId root() const { return 0; }
  size_t size() const { return modules_.size(); }
  const Module& operator[](ModuleId id) const { return modules_[static_cast<size_t>(id)]; }
  Module& operator[](ModuleId id) { return modules_[static_cast<size_t>(id)]; }

  /// Registers a child module (order of calls = registration order). Throws past kMaxModules.
  ModuleId Add(ModuleId parent, std::string name, std::string class_name,
               std::string extra_repr = "");
  /// Adds an own parameter; returns its storage id (new unless `tie_to` names an existing one).
  /// Throws when the shape has more than kMaxTensorElements elements.
  int32_t AddParam(ModuleId m, std::string name, Shape shape, DType dtype, int32_t tie_to = -1);

  /// Dotted path as named_modules() gives it: "model.layers.0.self_attn.q_proj"; "" for the root.
  std::string Path(ModuleId id) const;
  /// Finds a module by dotted path; kNoModule when absent.
  ModuleId Find(const std::string& path) const;

  /// Trainable parameters of each module's subtree, each tensor counted once per subtree (a
  /// repeated module's subtree: one copy; its parent counts it `repeat` times).
  std::vector<Count> SubtreeParams() const;
  /// Per module, how many modules of the full model it stands for: the product of `repeat` over
  /// it and its ancestors (1 everywhere in a tree without repeats).
  std::vector<int64_t> Multiplicities() const;
  /// Whether some module has repeat > 1.
  bool HasRepeats() const;

 private:
  std::vector<Module> modules_;
  int32_t next_storage_ = 0;
};

}  // namespace calflops
