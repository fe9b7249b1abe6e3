// --format html: one self-contained page (no network: a Content-Security-Policy forbids every
// fetch). The header (model, source, workload, convention, totals with exact integers) is
// written here as HTML; the module tree (collapsible, sortable, share bars), the icicle chart
// (FLOPs, switchable to params, MACs, memory, latency) and, for generate, the per-step chart are
// drawn by the page's script (report/html_page.h) from the data embedded as JSON.
#include <algorithm>
#include <sstream>
#include <string>

#include "analysis/call_latency.h"
#include "analysis/memory.h"
#include "report/format_registry.h"
#include "report/html_escape.h"
#include "report/html_page.h"
#include "report/identical_siblings.h"
#include "report/json_writer.h"
#include "report/module_rows.h"
#include "report/summary.h"
#include "report/weights_report.h"

namespace calflops {
namespace html_format {
namespace {

/// Most per-step points embedded for the generate chart (evenly sampled, first and last kept).
constexpr int64_t kMaxStepPoints = 2000;

void Metric(JsonWriter& w, const char* key, const char* label, const char* unit) {
  w.BeginObject().Key("key").String(key).Key("label").String(label).Key("unit").String(unit);
  w.EndObject();
}

/// The data the script draws: per-module columns (arrays indexed by module id, parents first)
/// and the per-call figures of a generation.
void WriteData(const ReportModel& r, const ReportOptions& o, std::ostream& out) {
  const Profile& p = *r.profile;
  const ModuleColumns c = ColumnsOf(r);
  // The modules --depth and --top leave, runs of identical list entries folded into their first
  // (unless --expand), renumbered (ids grow from parent to child, so the order stays parents
  // first).
  const FoldedModules folded = FoldModules(r, o);
  const std::vector<bool>& shown = folded.shown;
  std::vector<size_t> ids;
  std::vector<int64_t> index(p.tree.size(), -1);
  for (size_t i = 0; i < p.tree.size(); ++i) {
    if (!shown[i]) continue;
    index[i] = static_cast<int64_t>(ids.size());
    ids.push_back(i);
  }
  JsonWriter w(out, 0);
  w.BeginObject();
  w.Key("metrics").BeginArray();
  Metric(w, "flops", "FLOPs", "FLOPs");
  Metric(w, "macs", "MACs", "MACs");
  Metric(w, "params", "Params", "");
  if (c.memory) Metric(w, "memory", "Memory (weights + KV cache)", "B");
  if (c.latency) Metric(w, "latency", "Latency (roofline)", "s");
  w.EndArray();
  w.Key("parent").BeginArray();
  for (size_t i : ids) {
    ModuleId parent = p.tree[static_cast<ModuleId>(i)].parent;
    w.Int(parent == kNoModule ? -1 : index[static_cast<size_t>(parent)]);
  }
  w.EndArray();
  w.Key("name").BeginArray();
  for (size_t i : ids) w.String(p.tree[static_cast<ModuleId>(i)].name);
  w.EndArray();
  w.Key("class").BeginArray();
  for (size_t i : ids) w.String(p.tree[static_cast<ModuleId>(i)].class_name);
  w.EndArray();
  // How many identical siblings each entry stands for; the script draws it n times as wide.
  if (std::any_of(ids.begin(), ids.end(), [&](size_t i) { return folded.repeat[i] > 1; })) {
    w.Key("repeat").BeginArray();
    for (size_t i : ids) w.Int(folded.repeat[i]);
    w.EndArray();
  }
  // Exact integers (JSON numbers; the script reads them as doubles, enough to draw and to print
  // four significant digits; the header holds the exact totals).
  auto column = [&](const char* key, auto value) {
    w.Key(key).BeginArray();
    for (size_t i : ids) value(i);
    w.EndArray();
  };
  column("params", [&](size_t i) { w.Number(p.stats[i].params); });
  column("macs", [&](size_t i) { w.Number(p.stats[i].macs); });
  column("flops", [&](size_t i) { w.Number(p.stats[i].flops); });
  if (c.memory) {
    column("memory", [&](size_t i) {
      const ModuleMemory& m = r.estimates->memory.modules[i];
      w.Number(m.weights + m.kv_cache);
    });
  }
  if (c.latency) column("latency", [&](size_t i) { w.Double(p.perf.modules[i].roofline.time_s); });
  const int64_t calls = p.CallCount();
  if (r.workload.mode == Mode::kGenerate && calls > 1) {
    // One point per call: label, context, FLOPs, the KV cache it holds and, with a hardware
    // profile, its roofline time.
    const int64_t points = std::min(calls, kMaxStepPoints);
    const int kv_width = DTypeBytes(p.activation_dtype);
    std::vector<int64_t> idx;
    for (int64_t k = 0; k < points; ++k)
      idx.push_back(points == 1 ? 0 : k * (calls - 1) / (points - 1));
    std::vector<CallStats> at;
    for (int64_t i : idx) at.push_back(p.Call(i));
    w.Key("steps").BeginObject();
    w.Key("count").Int(calls);
    w.Key("call").BeginArray();
    for (int64_t i : idx) w.Int(i);
    w.EndArray();
    w.Key("context").BeginArray();
    for (const CallStats& s : at) w.Int(s.context);
    w.EndArray();
    w.Key("flops").BeginArray();
    for (const CallStats& s : at) w.Number(s.flops);
    w.EndArray();
    w.Key("kv_cache").BeginArray();
    for (const CallStats& s : at)
      w.Number(KvCacheBytes(p.kv_cache, s.context, r.workload.batch, kv_width));
    w.EndArray();
    if (c.latency) {  // with a hardware profile: each call's roofline time
      w.Key("latency").BeginArray();
      for (int64_t i : idx) w.Double(CallRooflineTime(p, i).value_or(0));
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndObject();
}

void Write(const ReportModel& r, const ReportOptions& o, std::ostream& out) {
  const std::string cls = r.profile ? r.profile->tree[r.profile->tree.root()].class_name : "";
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
      << "<link rel=\"icon\" href=\"data:,\">\n<title>calflops: " << HtmlEscape(r.model)
      << "</title>\n<style>" << HtmlPageStyle() << "</style>\n</head>\n<body>\n"
      << "<h1>calflops: " << HtmlEscape(r.model) << "</h1>\n<table id=\"summary\">\n";
  if (!cls.empty())
    out << "<tr><th>Model</th><td id=\"model-class\">" << HtmlEscape(cls) << "</td></tr>\n";
  out << "<tr><th>Source</th><td id=\"model-source\">" << HtmlEscape(r.model) << "</td></tr>\n";
  for (const auto& [k, v] : WorkloadFields(r)) {
    out << "<tr><th>" << HtmlEscape(k) << "</th><td id=\"workload-" << k << "\">" << HtmlEscape(v)
        << "</td></tr>\n";
  }
  if (r.profile) out << "<tr><th>attention</th><td>" << HtmlEscape(r.attn_impl) << "</td></tr>\n";
  for (const SummaryField& f : SummaryFields(r)) {
    out << "<tr><th>" << HtmlEscape(f.label) << "</th><td id=\"total-" << f.key << "\"";
    if (!f.exact.empty()) out << " data-exact=\"" << f.exact << "\"";
    out << ">" << HtmlEscape(f.value);
    if (!f.exact.empty() && f.key != "unsupported")
      out << " <span class=\"exact\">(" << Grouped(f.exact) << ")</span>";
    out << "</td></tr>\n";
  }
  out << "</table>\n";
  if (r.profile && !r.profile->uncosted.empty()) {
    out << "<h2>Ops not costed (counted as 0)</h2>\n<ul id=\"unsupported\">\n";
    for (const UncostedOp& u : r.profile->uncosted) {
      out << "<li>" << HtmlEscape(u.op) << " x" << u.count << ": " << HtmlEscape(u.reason)
          << "</li>\n";
    }
    out << "</ul>\n";
  }
  for (const std::string& n : r.notes)
    out << "<p class=\"note\">note: " << HtmlEscape(n) << "</p>\n";
  if (r.profile && o.detailed) {
    out << HtmlPageBody(r.workload.mode == Mode::kGenerate && r.profile->CallCount() > 1);
    std::ostringstream data;
    WriteData(r, o, data);
    // Inside <script>, "</script" or "<!--" would end or confuse the block: JSON allows "<" to
    // be written as \u003c in strings, and "<" appears nowhere else in JSON.
    std::string json = data.str();
    std::string safe;
    safe.reserve(json.size());
    for (char ch : json) safe += ch == '<' ? std::string("\\u003c") : std::string(1, ch);
    out << "<script type=\"application/json\" id=\"calflops-data\">" << safe << "</script>\n"
        << "<script>" << HtmlPageScript() << "</script>\n";
  }
  if (r.weights) {
    std::ostringstream text;
    WriteWeightsText(*r.weights, text);
    out << "<h2>Weight files</h2>\n<pre id=\"weights\">" << HtmlEscape(text.str()) << "</pre>\n";
  }
  out << "</body>\n</html>\n";
}

}  // namespace
}  // namespace html_format

const ReportFormat& HtmlFormat() {
  static const ReportFormat f{
      "html", "one self-contained page: header, module tree, icicle chart (no network)",
      html_format::Write};
  return f;
}

}  // namespace calflops
