#include "model/module_tree.h"

#include <algorithm>
#include <set>

#include "model/error.h"
#include "model/module_depth.h"

namespace calflops {

ModuleTree::ModuleTree() {
  Module root;
  root.class_name = "Module";
  modules_.push_back(std::move(root));
}

ModuleId ModuleTree::Add(ModuleId parent, std::string name, std::string class_name,
                         std::string extra_repr) {
  if (modules_.size() >= kMaxModules) {
    throw BadInput("",
                   "the model has more than " + std::to_string(kMaxModules) + " modules (limit)");
  }
  size_t depth = 1;  // of the new module: bounded by the walk itself
  for (ModuleId a = parent; a > 0 && depth <= kMaxModuleDepth;
       a = modules_[static_cast<size_t>(a)].parent)
    ++depth;
  if (depth > kMaxModuleDepth) {
    std::string path = Path(parent);
    if (path.size() > 200) path = path.substr(0, 200) + "...";
    throw BadInput("", "module '" + path + "' nests deeper than " +
                           std::to_string(kMaxModuleDepth) + " levels (limit)");
  }
  auto id = static_cast<ModuleId>(modules_.size());
  Module m;
  m.name = std::move(name);
  m.class_name = std::move(class_name);
  m.extra_repr = std::move(extra_repr);
  m.parent = parent;
  modules_.push_back(std::move(m));
  modules_[static_cast<size_t>(parent)].children.push_back(id);
  return id;
}

int32_t ModuleTree::AddParam(ModuleId m, std::string name, Shape shape, DType dtype,
                             int32_t tie_to) {
  u128 numel = 1;
  for (int64_t d : shape) {
    if (d < 0 || __builtin_mul_overflow(numel, static_cast<u128>(d), &numel) ||
        numel > kMaxTensorElements) {
      std::string path = Path(m);
      throw BadInput("", "parameter '" + (path.empty() ? "" : path + ".") + name + "' of shape " +
                             shape.ToString() + " has more than " +
                             std::to_string(kMaxTensorElements) +
                             " elements (limit: PyTorch counts elements in an int64)");
    }
  }
  int32_t storage = tie_to >= 0 ? tie_to : next_storage_++;
  Param p;
  p.name = std::move(name);
  p.shape = shape;
  p.dtype = dtype;
  p.storage = storage;
  (*this)[m].params.push_back(std::move(p));
  return storage;
}

std::string ModuleTree::Path(ModuleId id) const {
  std::vector<const std::string*> parts;
  for (ModuleId m = id; m != root() && m != kNoModule; m = (*this)[m].parent) {
    parts.push_back(&(*this)[m].name);
  }
  std::string path;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!path.empty()) path += '.';
    path += **it;
  }
  return path;
}

ModuleId ModuleTree::Find(const std::string& path) const {
  for (ModuleId id = 0; id < static_cast<ModuleId>(size()); ++id)
    if (Path(id) == path) return id;
  return kNoModule;
}

std::vector<Count> ModuleTree::SubtreeParams() const {
  // Count storages that occur more than once (ties) so a subtree holding several references to
  // one tensor counts it once, as PyTorch's parameters() does.
  std::vector<int> uses(static_cast<size_t>(next_storage_), 0);
  std::vector<Count> storage_numel(static_cast<size_t>(next_storage_));
  for (const auto& m : modules_) {
    for (const auto& p : m.params) {
      ++uses[static_cast<size_t>(p.storage)];
      storage_numel[static_cast<size_t>(p.storage)] = p.shape.numel();
    }
  }

  std::vector<Count> total(size());
  std::vector<std::set<int32_t>> tied(size());  // tied storages already counted in a subtree
  // Children always have larger ids than their parent, so a reverse sweep is bottom-up.
  for (auto id = static_cast<ModuleId>(size()) - 1; id >= 0; --id) {
    const Module& m = (*this)[id];
    auto& seen = tied[static_cast<size_t>(id)];
    Count sum = 0;
    for (const auto& p : m.params) {
      if (!p.trainable) continue;
      if (uses[static_cast<size_t>(p.storage)] > 1 && !seen.insert(p.storage).second) continue;
      sum += p.shape.numel();
    }
    for (ModuleId c : m.children) {
      sum += total[static_cast<size_t>(c)] * Count::FromSigned((*this)[c].repeat);
      for (int32_t s : tied[static_cast<size_t>(c)]) {
        if (!seen.insert(s).second) sum -= storage_numel[static_cast<size_t>(s)];
      }
    }
    total[static_cast<size_t>(id)] = sum;
  }
  return total;
}

std::vector<int64_t> ModuleTree::Multiplicities() const {
  std::vector<int64_t> mult(size(), 1);
  // Parents come before their children.
  for (size_t id = 1; id < size(); ++id) {
    const Module& m = modules_[id];
    mult[id] = mult[static_cast<size_t>(m.parent)] * m.repeat;
  }
  return mult;
}

bool ModuleTree::HasRepeats() const {
  for (const Module& m : modules_)
    if (m.repeat != 1) return true;
  return false;
}

}  // namespace calflops
