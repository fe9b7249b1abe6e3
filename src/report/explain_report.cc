#include "report/explain_report.h"

#include <map>

#include "report/json_report.h"
#include "report/json_writer.h"
#include "report/module_rows.h"
#include "report/summary.h"

namespace calflops {
namespace explain_report {
namespace {

/// The op's module relative to the explained one ("self_attn.q_proj"; "" for itself).
std::string Relative(const ModuleTree& tree, ModuleId root, ModuleId m) {
  std::string path;
  for (ModuleId a = m; a != root && a != kNoModule; a = tree[a].parent)
    path = tree[a].name + (path.empty() ? "" : "." + path);
  return path;
}

std::string CallTitle(const ExplainedCall& c) {
  std::string s = "call " + std::to_string(c.index) + " (" + c.label + ", " +
                  std::to_string(c.tokens) + " new tokens, context " + std::to_string(c.context);
  if (c.run_calls > 1) s += "; one of a run of " + std::to_string(c.run_calls) + " calls";
  return s + ")";
}

}  // namespace
}  // namespace explain_report

void WriteExplainText(const ReportModel& r, const Explanation& e, std::ostream& out) {
  const ModuleTree& tree = r.profile->tree;
  const std::string path = tree.Path(e.module);
  out << "Explain: " << (path.empty() ? "(the whole model)" : path) << " ("
      << tree[e.module].class_name << "), convention " << ConventionName(e.convention) << "\n"
      << "Workload: " << WorkloadLine(r) << "\n";
  std::map<std::string_view, std::string_view> formulas;
  for (const ExplainedCall& c : e.calls) {
    out << "\n"
        << explain_report::CallTitle(c) << ": " << Grouped(c.total.macs.ToString()) << " MACs, "
        << Grouped(c.total.flops.ToString()) << " FLOPs\n";
    if (c.ops_left_out > 0) {
      // The cap, said before the list (not only after 4,096 lines).
      out << "  (listed: the first " << Grouped(std::to_string(c.ops.size())) << " of "
          << Grouped(std::to_string(c.ops.size() + c.ops_left_out))
          << " ops; --explain lists at most " << Grouped(std::to_string(kMaxExplainedOps))
          << " per call, the totals count them all; explain a submodule to list the rest)\n";
    }
    for (const ExplainedOp& op : c.ops) {
      std::string name = explain_report::Relative(tree, e.module, op.module);
      out << "  " << (name.empty() ? "(self)" : name) << ": " << OpName(op.op) << " "
          << OpShapes(op.op);
      if (op.times > 1) out << ", x" << op.times << " (loop)";
      out << " = " << Grouped(op.cost.macs.ToString()) << " MACs, "
          << Grouped(op.cost.flops.ToString()) << " FLOPs\n";
      formulas[OpName(op.op)] = OpFormula(op.op, e.convention);
    }
    if (c.ops_left_out > 0) out << "  ... " << c.ops_left_out << " more ops (in the totals)\n";
  }
  if (e.calls.size() > 1) {
    out << "\nRuns of calls whose context grows are shown by their first and last calls; the calls "
           "between cost an affine interpolation of the two.\n";
  }
  out << "\nTotal over the workload: " << Grouped(e.total.macs.ToString()) << " MACs, "
      << Grouped(e.total.flops.ToString()) << " FLOPs\n";
  if (!formulas.empty()) {
    out << "\nFormulas (" << ConventionName(e.convention) << "):\n";
    for (const auto& [name, f] : formulas) out << "  " << name << ": " << f << "\n";
  }
}

void WriteExplainJson(const ReportModel& r, const Explanation& e, std::ostream& out) {
  const ModuleTree& tree = r.profile->tree;
  JsonWriter w(out);
  auto shape = [&w](const Shape& s) {
    w.BeginArray();
    for (int64_t d : s) w.Int(d);
    w.EndArray();
  };
  std::map<std::string_view, std::string_view> formulas;
  w.BeginObject();
  w.Key("schema_version").Int(kJsonSchemaVersion);
  w.Key("model").String(r.model);
  w.Key("explain").BeginObject();
  w.Key("path").String(tree.Path(e.module));
  w.Key("class").String(tree[e.module].class_name);
  w.Key("convention").String(ConventionName(e.convention));
  w.Key("workload").BeginObject();
  for (const auto& [k, v] : WorkloadFields(r)) w.Key(k).String(v);
  w.EndObject();
  w.Key("ops_listed_per_call_limit").Int(static_cast<int64_t>(kMaxExplainedOps));
  w.Key("calls").BeginArray();
  for (const ExplainedCall& c : e.calls) {
    w.BeginObject();
    w.Key("label").String(c.label);
    w.Key("index").Int(c.index);
    w.Key("run_calls").Int(c.run_calls);
    w.Key("tokens").Int(c.tokens);
    w.Key("context").Int(c.context);
    w.Key("macs").Number(c.total.macs);
    w.Key("flops").Number(c.total.flops);
    w.Key("ops").BeginArray();
    for (const ExplainedOp& op : c.ops) {
      w.BeginObject();
      w.Key("module").String(explain_report::Relative(tree, e.module, op.module));
      w.Key("op").String(OpName(op.op));
      w.Key("inputs").BeginArray();
      for (int i = 0; i < op.op.n_in && i < 3; ++i) shape(op.op.in[static_cast<size_t>(i)]);
      w.EndArray();
      w.Key("output");
      shape(op.op.out);
      w.Key("shapes").String(OpShapes(op.op));
      if (op.times > 1) w.Key("times").Int(op.times);
      w.Key("macs").Number(op.cost.macs);
      w.Key("flops").Number(op.cost.flops);
      w.EndObject();
      formulas[OpName(op.op)] = OpFormula(op.op, e.convention);
    }
    w.EndArray();
    w.Key("ops_count").Int(static_cast<int64_t>(c.ops.size() + c.ops_left_out));
    if (c.ops_left_out > 0) w.Key("ops_left_out").Int(static_cast<int64_t>(c.ops_left_out));
    w.EndObject();
  }
  w.EndArray();
  w.Key("formulas").BeginObject();
  for (const auto& [name, f] : formulas) w.Key(name).String(f);
  w.EndObject();
  w.Key("total").BeginObject();
  w.Key("macs").Number(e.total.macs);
  w.Key("flops").Number(e.total.flops);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  out << "\n";
}

}  // namespace calflops
