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

namespace weights {
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
}  // namespace weights

bool NaturalLess(const std::string& a, const std::string& b) {
  std::string_view va(a), vb(b);
  size_t i = 0, j = 0;
  for (;;) {
    size_t ie = std::min(va.find('.', i), va.size());
    size_t je = std::min(vb.find('.', j), vb.size());
    std::string_view x = va.substr(i, ie - i), y = vb.substr(j, je - j);
    if (x != y) {
      // Numbers first, by value (then spelling: "01" < "1"); other components by bytes.
      bool nx = weights::IsNumber(x), ny = weights::IsNumber(y);
      if (nx != ny) return nx;
      if (nx && (weights::NumberLess(x, y) || weights::NumberLess(y, x)))
        return weights::NumberLess(x, y);
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
  auto natural = [](const TensorInfo* a, const TensorInfo* b) {
    return NaturalLess(a->tree_name(), b->tree_name());
  };
  if (!std::is_sorted(order.begin(), order.end(), natural)) {
    std::stable_sort(order.begin(), order.end(), natural);
  }
  // In this order a module's tensors are contiguous (names compare component by component), so
  // a module path that differs from the previous tensor's past their shared leading components
  // is new: no lookup (a hash map of every prefix took seconds for 10^6 tensors).
  std::string_view last;      // the previous tensor's module path
  std::vector<size_t> chain;  // its modules, outermost first
  for (const TensorInfo* t : order) {
    std::string_view name = t->tree_name();
    size_t end = name.rfind('.');
    if (end == std::string_view::npos || end == 0) continue;
    std::string_view module = name.substr(0, end);
    // Components of `module` equal to the previous path's: keep their chain entries.
    size_t keep = 0, pos = 0;
    for (;;) {
      size_t dot = std::min(module.find('.', pos), module.size());
      if (keep >= chain.size() || dot > last.size() ||
          module.substr(0, dot) != last.substr(0, dot) || (dot < last.size() && last[dot] != '.')) {
        break;
      }
      ++keep;
      if (dot == module.size()) break;
      pos = dot + 1;
    }
    chain.resize(keep);
    pos = 0;
    for (size_t k = 0; k < keep; ++k) pos = std::min(module.find('.', pos), module.size()) + 1;
    for (int depth = static_cast<int>(keep) + 1; pos <= module.size(); ++depth) {
      size_t dot = std::min(module.find('.', pos), module.size());
      chain.push_back(p.modules.size());
      p.modules.push_back(ModuleWeights{std::string(module.substr(0, dot)), depth, {}});
      pos = dot + 1;
    }
    for (size_t id : chain) p.modules[id].stats.Add(*t);
    last = module;
  }
  return p;
}

}  // namespace calflops
