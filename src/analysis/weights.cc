#include "analysis/weights.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

namespace calflops {

double WeightStats::bits_per_weight() const {
  if (params == Count(0)) return 0.0;
  return 8.0 * DivideToDouble(bytes, params);
}

void WeightStats::Add(const TensorInfo& t) {
  ++tensors;
  params += t.elements;
  bytes += t.bytes;
}

std::string ParentPath(const std::string& name) {
  size_t dot = name.rfind('.');
  return dot == std::string::npos ? std::string() : name.substr(0, dot);
}

namespace {

bool IsNumber(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Numeric order of two digit strings of any length.
bool NumberLess(std::string_view x, std::string_view y) {
  while (x.size() > 1 && x[0] == '0') x.remove_prefix(1);
  while (y.size() > 1 && y[0] == '0') y.remove_prefix(1);
  return x.size() != y.size() ? x.size() < y.size() : x < y;
}

}  // namespace

bool NaturalLess(const std::string& a, const std::string& b) {
  std::string_view va(a), vb(b);
  size_t i = 0, j = 0;
  for (;;) {
    size_t ie = std::min(va.find('.', i), va.size());
    size_t je = std::min(vb.find('.', j), vb.size());
    std::string_view x = va.substr(i, ie - i), y = vb.substr(j, je - j);
    if (x != y) {
      // Numbers first, by value (then spelling: "01" < "1"); other components by bytes.
      bool nx = IsNumber(x), ny = IsNumber(y);
      if (nx != ny) return nx;
      if (nx && (NumberLess(x, y) || NumberLess(y, x))) return NumberLess(x, y);
      return x < y;
    }
    bool a_end = ie == va.size(), b_end = je == vb.size();
    if (a_end || b_end) return a_end && !b_end;
    i = ie + 1;
    j = je + 1;
  }
}

WeightsProfile AnalyzeWeights(const TensorSet& set) {
  WeightsProfile p;
  std::map<std::string, WeightStats> dtypes;
  std::vector<const TensorInfo*> order;
  for (const auto& t : set.tensors) {
    p.total.Add(t);
    dtypes[t.dtype].Add(t);
    order.push_back(&t);
  }
  for (auto& [name, stats] : dtypes) p.by_dtype.push_back(DtypeWeights{name, stats});
  std::stable_sort(
      p.by_dtype.begin(), p.by_dtype.end(),
      [](const DtypeWeights& a, const DtypeWeights& b) { return a.stats.bytes > b.stats.bytes; });

  // Sorted names visit every module after its parent and before the next sibling.
  std::stable_sort(order.begin(), order.end(), [](const TensorInfo* a, const TensorInfo* b) {
    return NaturalLess(a->tree_name(), b->tree_name());
  });
  std::unordered_map<std::string, size_t> index;
  for (const TensorInfo* t : order) {
    std::string module = ParentPath(t->tree_name());
    if (module.empty()) continue;
    // Every prefix of the module path, outermost first.
    size_t pos = 0;
    for (int depth = 1;; ++depth) {
      size_t dot = module.find('.', pos);
      auto [it, added] = index.emplace(module.substr(0, dot), p.modules.size());
      if (added) p.modules.push_back(ModuleWeights{it->first, depth, {}});
      p.modules[it->second].stats.Add(*t);
      if (dot == std::string::npos) break;
      pos = dot + 1;
    }
  }
  return p;
}

}  // namespace calflops
