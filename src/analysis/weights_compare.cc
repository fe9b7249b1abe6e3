#include "analysis/weights_compare.h"

#include <map>
#include <unordered_map>
#include <unordered_set>

#include "analysis/weights.h"

namespace calflops {
namespace weights_compare {
namespace {

struct ModelParam {
  const Param* param;
  ModuleId module;
};

/// Equal up to size-1 dimensions: llama.cpp stores Qwen2-MoE's [1, H] shared-expert gate as [H].
bool SameLayout(const Shape& a, const Shape& b) {
  Shape x, y;
  for (int64_t d : a)
    if (d != 1) x.push_back(d);
  for (int64_t d : b)
    if (d != 1) y.push_back(d);
  return x == y;
}

}  // namespace
}  // namespace weights_compare

std::string_view MismatchKindName(WeightMismatch::Kind k) {
  switch (k) {
    case WeightMismatch::Kind::kMissingInFile:
      return "missing_in_file";
    case WeightMismatch::Kind::kExtraInFile:
      return "extra_in_file";
    case WeightMismatch::Kind::kShape:
      return "shape";
    case WeightMismatch::Kind::kModuleParams:
      return "module_params";
  }
  return "?";
}

WeightsComparison CompareWeights(const TensorSet& file, const ModuleTree& model,
                                 std::string against) {
  WeightsComparison c;
  c.against = std::move(against);
  using K = WeightMismatch::Kind;

  // The model's parameters by full name, in registration order.
  std::vector<std::pair<std::string, weights_compare::ModelParam>> params;
  std::unordered_map<std::string, size_t> by_name;
  for (size_t id = 0; id < model.size(); ++id) {
    auto m = static_cast<ModuleId>(id);
    std::string path = model.Path(m);
    for (const Param& p : model[m].params) {
      std::string full = path.empty() ? p.name : path + "." + p.name;
      by_name.emplace(full, params.size());
      params.push_back({full, weights_compare::ModelParam{&p, m}});
    }
  }

  // Stacked tensors are compared per module; the rest tensor by tensor.
  std::map<std::string, Count> stacked;
  std::map<std::string, uint64_t> stacked_tensors;
  std::vector<bool> found(params.size(), false);
  std::unordered_set<int32_t> found_storage;
  std::vector<WeightMismatch> extras;
  for (const TensorInfo& t : file.tensors) {
    if (t.constant) continue;
    if (t.stacked) {
      std::string module = ParentPath(ParentPath(t.tree_name()));
      stacked[module] += t.elements;
      ++stacked_tensors[module];
      continue;
    }
    auto it = by_name.find(t.tree_name());
    if (it == by_name.end()) {
      extras.push_back(WeightMismatch{K::kExtraInFile, t.tree_name(), t.shape, {}, t.elements, 0});
      continue;
    }
    const weights_compare::ModelParam& mp = params[it->second].second;
    found[it->second] = true;
    found_storage.insert(mp.param->storage);
    if (weights_compare::SameLayout(mp.param->shape, t.shape)) {
      ++c.matched;
    } else {
      c.mismatches.push_back(WeightMismatch{K::kShape, t.tree_name(), t.shape, mp.param->shape,
                                            t.elements, mp.param->shape.numel()});
    }
  }

  std::vector<Count> subtree = model.SubtreeParams();
  for (size_t i = 0; i < params.size(); ++i) {
    if (found[i]) continue;
    const auto& [name, mp] = params[i];
    bool in_stacked = false;
    for (std::string m = ParentPath(name); !m.empty() && !in_stacked; m = ParentPath(m))
      in_stacked = stacked.count(m) > 0;
    if (in_stacked || !mp.param->trainable) continue;
    if (found_storage.count(mp.param->storage)) {
      ++c.tied;
      continue;
    }
    c.mismatches.push_back(
        WeightMismatch{K::kMissingInFile, name, {}, mp.param->shape, 0, mp.param->shape.numel()});
  }
  for (const auto& [module, n] : stacked) {
    ModuleId id = model.Find(module);
    if (id == kNoModule) {
      extras.push_back(WeightMismatch{K::kExtraInFile, module, {}, {}, n, 0});
    } else if (subtree[static_cast<size_t>(id)] != n) {
      c.mismatches.push_back(
          WeightMismatch{K::kModuleParams, module, {}, {}, n, subtree[static_cast<size_t>(id)]});
    } else {
      c.matched += stacked_tensors[module];
    }
  }
  for (auto& e : extras) c.mismatches.push_back(std::move(e));
  return c;
}

}  // namespace calflops
