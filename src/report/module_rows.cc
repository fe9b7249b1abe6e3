#include "report/module_rows.h"

namespace calflops {

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
  f.emplace_back("mode", w.train                  ? "train (forward + backward)"
                         : w.mode == Mode::kForward ? "forward"
                                                    : "generate");
  f.emplace_back("batch", std::to_string(w.batch));
  if (w.mode == Mode::kForward) {
    f.emplace_back("tokens", std::to_string(w.seq_len) + " per sequence");
  } else {
    int64_t prompt = w.prompt_tokens > 0 ? w.prompt_tokens : w.seq_len;
    f.emplace_back("tokens", std::to_string(prompt) + " prompt + " +
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
