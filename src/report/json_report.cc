#include "report/json_report.h"

#include <algorithm>

#include "model/active_params.h"
#include "model/error.h"
#include "report/identical_siblings.h"
#include "report/json_writer.h"
#include "report/module_rows.h"
#include "report/perf_json.h"
#include "report/weights_report.h"

namespace calflops {
namespace json_report {
namespace {

void WriteCounts(JsonWriter& w, const ModuleStats& s) {
  w.Key("params").Number(s.params);
  w.Key("macs").Number(s.macs);
  w.Key("flops").Number(s.flops);
}

/// `shown` (null = all): the modules --depth and --top leave (report/module_rows.h).
void WriteModule(JsonWriter& w, const ReportModel& r, const ReportOptions& o, ModuleId id,
                 int64_t repeat, const std::vector<bool>* shown) {
  const Profile& p = *r.profile;
  const Module& m = p.tree[id];
  w.BeginObject();
  w.Key("path").String(p.tree.Path(id));
  w.Key("name").String(m.name);
  // This entry stands for `repeat` identical siblings named name .. name + repeat - 1.
  if (repeat > 1) w.Key("repeat").Int(repeat);
  w.Key("class").String(m.class_name);
  if (!m.extra_repr.empty()) w.Key("extra_repr").String(m.extra_repr);
  WriteCounts(w, p.stats[static_cast<size_t>(id)]);
  if (!m.params.empty()) {
    w.Key("own_parameters").BeginArray();
    for (const Param& prm : m.params) {
      w.BeginObject();
      w.Key("name").String(prm.name);
      w.Key("shape").BeginArray();
      for (int64_t d : prm.shape) w.Int(d);
      w.EndArray();
      w.Key("dtype").String(DTypeName(prm.dtype));
      if (!prm.trainable) w.Key("trainable").Bool(false);
      w.EndObject();
    }
    w.EndArray();
  }
  WriteModulePerfJson(w, r, id);
  auto is_shown = [shown](ModuleId c) { return !shown || (*shown)[static_cast<size_t>(c)]; };
  bool any = false;
  for (ModuleId c : m.children) any |= is_shown(c);
  if (any) {
    w.Key("children").BeginArray();
    // As the text report (PyTorch's ModuleList repr) does: a run of identical entries of a
    // ModuleList is written once with its count, unless --expand asks for every module. --top
    // picks single modules, so it never folds (--depth cuts identical subtrees alike). A child
    // standing for several (Module::repeat) is that many entries.
    const bool fold = FoldsChildren(m, o);
    for (size_t i = 0; i < m.children.size();) {
      int64_t entries = p.tree[m.children[i]].repeat;
      size_t j = i + 1;
      if (!is_shown(m.children[i])) {
        i = j;
        continue;
      }
      while (fold && j < m.children.size() && SameSubtree(r, m.children[i], m.children[j], false)) {
        entries += p.tree[m.children[j]].repeat;
        ++j;
      }
      if (!fold && entries > 1) {
        throw Error(ExitCode::kInternal, "--expand", "the module tree was built with repeats");
      }
      WriteModule(w, r, o, m.children[i], entries, shown);
      i = j;
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteCall(JsonWriter& w, const CallStats& c) {
  w.BeginObject();
  w.Key("label").String(c.label);
  w.Key("tokens").Int(c.tokens);
  w.Key("context").Int(c.context);
  if (c.images > 0) w.Key("images").Int(c.images);
  w.Key("macs").Number(c.macs);
  w.Key("flops").Number(c.flops);
  w.EndObject();
}

}  // namespace
}  // namespace json_report

void WriteJsonReport(const ReportModel& r, const ReportOptions& o, std::ostream& out) {
  const Profile& p = *r.profile;
  JsonWriter w(out);
  const Workload& wl = r.workload;
  w.BeginObject();
  w.Key("schema_version").Int(kJsonSchemaVersion);
  w.Key("model").String(r.model);
  w.Key("class").String(p.tree[p.tree.root()].class_name);
  w.Key("convention").String(ConventionName(p.convention));
  w.Key("attn_implementation").String(r.attn_impl);
  if (!r.notes.empty()) {
    w.Key("notes").BeginArray();
    for (const std::string& n : r.notes) w.String(n);
    w.EndArray();
  }
  w.Key("workload").BeginObject();
  w.Key("mode").String(wl.train ? "train" : wl.mode == Mode::kForward ? "forward" : "generate");
  w.Key("batch_size").Int(wl.batch);
  if (wl.mode == Mode::kForward) {
    w.Key("seq_len").Int(wl.seq_len);
  } else {
    w.Key("prompt_tokens").Int(wl.Prompt());
    w.Key("max_new_tokens").Int(wl.max_new_tokens);
  }
  if (wl.image_height > 0) {
    w.Key("image_height").Int(wl.image_height);
    w.Key("image_width").Int(wl.image_width);
  }
  if (!p.calls.empty() && p.calls.front().images > 0) w.Key("images").Int(p.calls.front().images);
  if (wl.reencode_images) w.Key("reencode_images").Bool(true);
  w.Key("dtype").String(DTypeName(p.activation_dtype));
  w.EndObject();
  w.Key("total").BeginObject();
  json_report::WriteCounts(w, p.total());
  // Parameters one token uses: all of them, except that only top-k routed experts count.
  w.Key("active_params").Number(ActiveParams(p.tree));
  w.Key("bp_factor").Double(o.bp_factor);
  w.EndObject();

  // Per-call breakdown: the first call, the first and last decode steps, and the count.
  w.Key("calls").BeginObject();
  int64_t n_calls = p.CallCount();
  w.Key("count").Int(n_calls);
  if (n_calls > 0) {
    w.Key("first");
    json_report::WriteCall(w, p.Call(0));
    if (n_calls > 1) {
      w.Key("first_decode");
      json_report::WriteCall(w, p.Call(1));
      w.Key("last_decode");
      json_report::WriteCall(w, p.Call(n_calls - 1));
    }
  }
  w.EndObject();
  // Ops counted as 0 because they cannot be costed (graph inputs); empty for built models.
  w.Key("unsupported").BeginArray();
  for (const UncostedOp& u : p.uncosted) {
    w.BeginObject();
    w.Key("op").String(u.op);
    w.Key("count").Int(u.count);
    w.Key("reason").String(u.reason);
    w.EndObject();
  }
  w.EndArray();
  WritePerfJson(w, r);
  if (o.detailed) {  // --no-detail leaves the tree out (DeepSeek-V3 has 75,000 modules)
    w.Key("modules");
    if (o.max_depth < 0 && o.top <= 0) {
      json_report::WriteModule(w, r, o, p.tree.root(), 1, nullptr);
    } else {
      const std::vector<bool> shown = ShownModules(p, o);
      json_report::WriteModule(w, r, o, p.tree.root(), 1, &shown);
    }
  }
  if (r.weights) {
    w.Key("weights");
    WriteWeightsJson(w, *r.weights);
  }
  w.EndObject();
}

}  // namespace calflops
