#include "analysis/stored_weights.h"

#include <map>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "analysis/weights.h"

namespace calflops {
namespace stored_weights {
namespace {

struct ParamRef {
  ModuleId module;
  size_t index;
};

/// The per-expert modules a stacked GGUF tensor holds (gguf_to_hf.cc maps blk.N.ffn_*_exps to the
/// experts ModuleList): Mixtral's w1 / w3 / w2, the Qwen MoE projections.
constexpr std::pair<std::string_view, std::string_view> kStackedRoles[] = {
    {"ffn_gate_exps", "w1"},    {"ffn_gate_exps", "gate_proj"}, {"ffn_up_exps", "w3"},
    {"ffn_up_exps", "up_proj"}, {"ffn_down_exps", "w2"},        {"ffn_down_exps", "down_proj"},
};

std::string LastComponent(const std::string& name) {
  size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

void Price(Param& p, const std::string& type, Count bytes) {
  p.stored_type = type;
  p.stored_bytes = bytes;
}

/// Spreads `bytes` over `targets` in proportion to their elements when those add up to
/// `elements`; the division's remainder goes to the last target, so the parts sum exactly.
bool Spread(const std::string& type, Count bytes, Count elements,
            const std::vector<Param*>& targets) {
  Count sum;
  for (const Param* p : targets) sum += p->shape.numel();
  if (targets.empty() || sum != elements) return false;
  Count given;
  for (size_t i = 0; i + 1 < targets.size(); ++i) {
    Count part = bytes * targets[i]->shape.numel() / elements;
    Price(*targets[i], type, part);
    given += part;
  }
  Price(*targets.back(), type, bytes - given);
  return true;
}

void SubtreeModules(const ModuleTree& tree, ModuleId m, std::vector<ModuleId>& out) {
  out.push_back(m);
  for (ModuleId c : tree[m].children) SubtreeModules(tree, c, out);
}

/// Prices the experts under `module` from its stacked tensors: each tensor over the experts'
/// modules of its role; failing that, all the tensors' bytes over the whole subtree.
bool SpreadStacked(ModuleTree& tree, ModuleId module,
                   const std::vector<const TensorInfo*>& tensors) {
  std::vector<ModuleId> subtree;
  SubtreeModules(tree, module, subtree);
  std::vector<Param*> all;
  for (ModuleId m : subtree)
    for (Param& p : tree[m].params) all.push_back(&p);
  bool by_role = true;
  for (const TensorInfo* t : tensors) {
    std::string param = LastComponent(t->tree_name());
    std::string base = LastComponent(ParentPath(t->tree_name()));
    std::vector<Param*> targets;
    for (const auto& [gguf, hf] : kStackedRoles) {
      if (gguf != base) continue;
      std::vector<Param*> found;
      for (ModuleId m : subtree) {
        if (tree[m].name != hf) continue;
        for (Param& p : tree[m].params)
          if (p.name == param) found.push_back(&p);
      }
      if (!found.empty()) targets = std::move(found);
    }
    by_role = by_role && Spread(t->dtype, t->bytes, t->elements, targets);
  }
  if (by_role) return true;
  for (Param* p : all) Price(*p, "", Count(0));
  Count bytes, elements;
  std::string type = tensors.front()->dtype;
  for (const TensorInfo* t : tensors) {
    bytes += t->bytes;
    elements += t->elements;
    if (t->dtype != type) type = "mixed";
  }
  if (Spread(type, bytes, elements, all)) return true;
  for (Param* p : all) Price(*p, "", Count(0));
  return false;
}

}  // namespace
}  // namespace stored_weights

StoredWeights PriceFromFile(const TensorSet& file, ModuleTree& tree, std::string source) {
  StoredWeights s;
  s.source = std::move(source);
  std::unordered_map<std::string, stored_weights::ParamRef> by_name;
  for (size_t id = 0; id < tree.size(); ++id) {
    auto m = static_cast<ModuleId>(id);
    std::string path = tree.Path(m);
    for (size_t i = 0; i < tree[m].params.size(); ++i) {
      const std::string& name = tree[m].params[i].name;
      by_name.emplace(path.empty() ? name : path + "." + name, stored_weights::ParamRef{m, i});
    }
  }
  auto matched = [&](const TensorInfo& t) {
    ++s.matched_tensors;
    s.matched_bytes += t.bytes;
  };
  auto unmatched = [&](const TensorInfo& t) {
    ++s.unmatched_tensors;
    s.unmatched_bytes += t.bytes;
    s.unmatched.push_back(t.tree_name());
  };

  std::map<std::string, std::vector<const TensorInfo*>> stacked;  // by experts module
  for (const TensorInfo& t : file.tensors) {
    if (t.stacked) {
      stacked[ParentPath(ParentPath(t.tree_name()))].push_back(&t);
      continue;
    }
    auto it = by_name.find(t.tree_name());
    Param* p = it == by_name.end() || t.constant
                   ? nullptr
                   : &tree[it->second.module].params[it->second.index];
    if (!p || p->has_stored()) {  // not in the model, or a second tensor for one parameter
      unmatched(t);
      continue;
    }
    stored_weights::Price(*p, t.dtype, t.bytes);
    matched(t);
  }
  for (const auto& [module, tensors] : stacked) {
    ModuleId id = tree.Find(module);
    bool ok = id != kNoModule && stored_weights::SpreadStacked(tree, id, tensors);
    for (const TensorInfo* t : tensors) ok ? matched(*t) : unmatched(*t);
  }

  // Tied parameters share the stored tensor's price; what is still unpriced, the file lacks.
  std::unordered_map<int32_t, const Param*> priced;
  for (size_t id = 0; id < tree.size(); ++id)
    for (const Param& p : tree[static_cast<ModuleId>(id)].params)
      if (p.has_stored()) priced.emplace(p.storage, &p);
  std::unordered_set<int32_t> seen;
  for (size_t id = 0; id < tree.size(); ++id) {
    for (Param& p : tree[static_cast<ModuleId>(id)].params) {
      if (p.has_stored()) continue;
      if (auto it = priced.find(p.storage); it != priced.end()) {
        stored_weights::Price(p, it->second->stored_type, it->second->stored_bytes);
      } else if (p.trainable && seen.insert(p.storage).second) {
        ++s.dtype_priced_tensors;
        s.dtype_priced_bytes += p.bytes();
      }
    }
  }
  return s;
}

}  // namespace calflops
