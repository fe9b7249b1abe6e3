#include "report/module_rows.h"

#include <algorithm>

#include "model/error.h"
#include "report/identical_siblings.h"

namespace calflops {
namespace module_rows {
namespace {

/// The K heaviest frontier modules of `rows` under `shown` (the depth filter), heaviest first.
std::vector<ModuleRow> Heaviest(const Profile& p, const std::vector<ModuleRow>& rows,
                                const std::vector<bool>& shown, int k) {
  std::vector<ModuleRow> frontier;
  for (const ModuleRow& r : rows) {
    if (r.id == p.tree.root() || !shown[static_cast<size_t>(r.id)]) continue;
    bool shows_child = false;
    for (ModuleId c : p.tree[r.id].children) shows_child |= shown[static_cast<size_t>(c)];
    if (!shows_child && p.stats[static_cast<size_t>(r.id)].flops > Count(0)) frontier.push_back(r);
  }
  // Stable: equal figures keep tree order.
  std::stable_sort(frontier.begin(), frontier.end(), [&](const ModuleRow& a, const ModuleRow& b) {
    const ModuleStats& x = p.stats[static_cast<size_t>(a.id)];
    const ModuleStats& y = p.stats[static_cast<size_t>(b.id)];
    if (x.flops != y.flops) return x.flops > y.flops;
    return x.params > y.params;
  });
  if (frontier.size() > static_cast<size_t>(k)) frontier.resize(static_cast<size_t>(k));
  return frontier;
}

std::vector<bool> ByDepth(const std::vector<ModuleRow>& rows, size_t n, int max_depth) {
  std::vector<bool> shown(n, false);
  for (const ModuleRow& r : rows)
    shown[static_cast<size_t>(r.id)] = max_depth < 0 || r.depth <= max_depth;
  return shown;
}

}  // namespace
}  // namespace module_rows

std::vector<bool> ShownModules(const Profile& p, const ReportOptions& o) {
  std::vector<ModuleRow> rows = ModuleRows(p.tree);
  std::vector<bool> shown = module_rows::ByDepth(rows, p.tree.size(), o.max_depth);
  if (o.top <= 0) return shown;
  // --top ranks single modules: a module standing for several (Module::repeat, routed experts
  // built once) would rank as one. Build every expert for it (BuildOptions::routed_tokens unset).
  if (p.tree.HasRepeats()) {
    throw Error(ExitCode::kInternal, "--top", "needs a tree built without repeated modules");
  }
  std::vector<bool> kept(p.tree.size(), false);
  kept[static_cast<size_t>(p.tree.root())] = true;
  for (const ModuleRow& r : module_rows::Heaviest(p, rows, shown, o.top))
    for (ModuleId a = r.id; a != kNoModule && !kept[static_cast<size_t>(a)]; a = p.tree[a].parent)
      kept[static_cast<size_t>(a)] = true;
  return kept;
}

std::vector<ModuleRow> TableRows(const Profile& p, const ReportOptions& o) {
  std::vector<ModuleRow> rows = ModuleRows(p.tree);
  std::vector<bool> shown = module_rows::ByDepth(rows, p.tree.size(), o.max_depth);
  if (o.top > 0) {
    std::vector<ModuleRow> out{rows.front()};
    for (const ModuleRow& r : module_rows::Heaviest(p, rows, shown, o.top)) out.push_back(r);
    return out;
  }
  std::vector<ModuleRow> out;
  for (const ModuleRow& r : rows)
    if (shown[static_cast<size_t>(r.id)]) out.push_back(r);
  return out;
}

std::vector<ModuleRow> ReportRows(const ReportModel& r, const ReportOptions& o) {
  if (o.top > 0) return TableRows(*r.profile, o);  // single modules, heaviest first
  const FoldedModules f = FoldModules(r, o);
  std::vector<ModuleRow> out;
  for (ModuleRow row : ModuleRows(r.profile->tree)) {
    const auto i = static_cast<size_t>(row.id);
    if (!f.shown[i]) continue;
    row.repeat = f.repeat[i];
    out.push_back(row);
  }
  return out;
}

std::vector<ModuleRow> ModuleRows(const ModuleTree& tree) {
  std::vector<ModuleRow> rows;
  rows.reserve(tree.size());
  // An explicit stack: a hostile ONNX graph or recipe may nest deeper than the call stack allows.
  std::vector<ModuleRow> stack{{tree.root(), 0}};
  while (!stack.empty()) {
    ModuleRow row = stack.back();
    stack.pop_back();
    rows.push_back(row);
    const std::vector<ModuleId>& children = tree[row.id].children;
    for (auto it = children.rbegin(); it != children.rend(); ++it)
      stack.push_back({*it, row.depth + 1});
  }
  return rows;
}

ModuleColumns ColumnsOf(const ReportModel& r) {
  ModuleColumns c;
  if (!r.profile || !r.estimates) return c;
  const Profile& p = *r.profile;
  c.memory = r.estimates->memory.modules.size() == p.tree.size();
  c.latency = p.perf.has_roofline && p.perf.modules.size() == p.tree.size();
  c.backward = p.perf.has_train && p.perf.modules.size() == p.tree.size();
  c.train = r.estimates->memory.train;
  return c;
}

std::vector<std::pair<std::string, std::string>> WorkloadFields(const ReportModel& r) {
  const Workload& w = r.workload;
  std::vector<std::pair<std::string, std::string>> f;
  f.emplace_back("mode", w.train                    ? "train (forward + backward)"
                         : w.mode == Mode::kForward ? "forward"
                                                    : "generate");
  f.emplace_back("batch", std::to_string(w.batch));
  if (w.mode == Mode::kForward) {
    f.emplace_back("tokens", std::to_string(w.seq_len) + " per sequence");
  } else {
    f.emplace_back("tokens", std::to_string(w.Prompt()) + " prompt + " +
                                 std::to_string(w.max_new_tokens) + " new per sequence");
  }
  // Images only where the model encodes some (the first call says how many).
  if (r.profile && !r.profile->calls.empty() && r.profile->calls.front().images > 0) {
    std::string images = std::to_string(r.profile->calls.front().images) + " per sequence";
    if (w.image_height > 0)
      images += " at " + std::to_string(w.image_height) + "x" + std::to_string(w.image_width);
    f.emplace_back("images", images);
  }
  if (r.profile) {
    f.emplace_back("dtype", std::string(DTypeName(r.profile->activation_dtype)));
    f.emplace_back("convention", std::string(ConventionName(r.profile->convention)));
  }
  return f;
}

std::string WorkloadLine(const ReportModel& r) {
  std::string s;
  for (const auto& [k, v] : WorkloadFields(r)) s += (s.empty() ? "" : ", ") + k + " " + v;
  return s;
}

}  // namespace calflops
