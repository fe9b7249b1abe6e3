#include "report/identical_siblings.h"

#include <algorithm>

#include "model/error.h"
#include "report/module_rows.h"

namespace calflops {
namespace identical_siblings {
namespace {

bool SamePerf(const ReportModel& r, ModuleId a, ModuleId b) {
  const Profile& p = *r.profile;
  if (!r.estimates || static_cast<size_t>(std::max(a, b)) >= p.perf.modules.size()) return true;
  const ModulePerf& x = p.perf.modules[static_cast<size_t>(a)];
  const ModulePerf& y = p.perf.modules[static_cast<size_t>(b)];
  const ModuleMemory& mx = r.estimates->memory.modules[static_cast<size_t>(a)];
  const ModuleMemory& my = r.estimates->memory.modules[static_cast<size_t>(b)];
  // Doubles compared exactly: identical modules compute them by the same operations.
  return x.traffic.activation_read == y.traffic.activation_read &&
         x.traffic.weight_read == y.traffic.weight_read && x.traffic.kv_read == y.traffic.kv_read &&
         x.traffic.written == y.traffic.written && x.flops == y.flops &&
         x.roofline.time_s == y.roofline.time_s && x.roofline.compute_s == y.roofline.compute_s &&
         x.roofline.memory_s == y.roofline.memory_s &&
         x.roofline.compute_bound_s == y.roofline.compute_bound_s &&
         x.backward_macs == y.backward_macs && x.backward_flops == y.backward_flops &&
         mx.weights == my.weights && mx.kv_cache == my.kv_cache && mx.activations == my.activations;
}

}  // namespace
}  // namespace identical_siblings

bool SameSubtree(const ReportModel& r, ModuleId a, ModuleId b, bool compare_names) {
  const Profile& p = *r.profile;
  const Module& x = p.tree[a];
  const Module& y = p.tree[b];
  const ModuleStats& sx = p.stats[static_cast<size_t>(a)];
  const ModuleStats& sy = p.stats[static_cast<size_t>(b)];
  if ((compare_names && (x.name != y.name || x.repeat != y.repeat)) ||
      x.class_name != y.class_name || x.extra_repr != y.extra_repr || sx.params != sy.params ||
      sx.macs != sy.macs || sx.flops != sy.flops || x.params.size() != y.params.size() ||
      x.children.size() != y.children.size() || !identical_siblings::SamePerf(r, a, b)) {
    return false;
  }
  for (size_t i = 0; i < x.params.size(); ++i) {
    const Param& u = x.params[i];
    const Param& v = y.params[i];
    if (u.name != v.name || u.shape != v.shape || u.dtype != v.dtype ||
        u.trainable != v.trainable) {
      return false;
    }
  }
  for (size_t i = 0; i < x.children.size(); ++i) {
    if (!SameSubtree(r, x.children[i], y.children[i], true)) return false;
  }
  return true;
}

bool FoldsChildren(const Module& m, const ReportOptions& o) {
  return m.is_module_list && !o.expand && o.top <= 0;
}

FoldedModules FoldModules(const ReportModel& r, const ReportOptions& o) {
  const Profile& p = *r.profile;
  FoldedModules f{ShownModules(p, o), std::vector<int64_t>(p.tree.size(), 1)};
  // Ids grow from parent to child: a module is settled before its children are looked at.
  for (size_t id = 0; id < p.tree.size(); ++id) {
    const Module& m = p.tree[static_cast<ModuleId>(id)];
    if (!f.shown[id]) {
      for (ModuleId c : m.children) f.shown[static_cast<size_t>(c)] = false;
      continue;
    }
    const bool fold = FoldsChildren(m, o);
    for (size_t i = 0; i < m.children.size();) {
      const auto first = static_cast<size_t>(m.children[i]);
      int64_t entries = p.tree[m.children[i]].repeat;
      size_t j = i + 1;
      while (fold && f.shown[first] && j < m.children.size() &&
             SameSubtree(r, m.children[i], m.children[j], false)) {
        entries += p.tree[m.children[j]].repeat;
        f.shown[static_cast<size_t>(m.children[j])] = false;  // and its subtree, when reached
        ++j;
      }
      if (!fold && entries > 1 && f.shown[first]) {
        throw Error(ExitCode::kInternal, o.expand ? "--expand" : "--top",
                    "the module tree was built with repeats");
      }
      f.repeat[first] = entries;
      i = j;
    }
  }
  return f;
}

}  // namespace calflops
