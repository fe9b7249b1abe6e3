// --format markdown: a header table (model, source, workload, convention, totals with units) and
// the module table, one row per module with its share of the total (a run of identical ModuleList
// entries is one row with its count, unless --expand); GitHub-flavoured pipe tables
// for READMEs and papers. Names are escaped so that no input can break out of its cell or inject
// markup (|, *, _, `, [, ], <, >, & and backslash; line breaks become spaces).
#include <sstream>
#include <string>

#include "report/format_registry.h"
#include "report/module_rows.h"
#include "report/number_format.h"
#include "report/perf_text.h"
#include "report/summary.h"
#include "report/weights_report.h"

namespace calflops {
namespace markdown_format {
namespace {

std::string Cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '|':
      case '*':
      case '_':
      case '`':
      case '[':
      case ']':
      case '\\':
      case '#':
        out += '\\';
        out += c;
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\n':
      case '\r':
      case '\t':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Share(Count part, Count total) { return Percentage(part, total, 2) + "%"; }

void ModuleTable(const ReportModel& r, const ReportOptions& o, std::ostream& out) {
  const Profile& p = *r.profile;
  const ModuleColumns c = ColumnsOf(r);
  out << "\n## Modules\n\n";
  if (o.top > 0) {
    out << "The whole model, then the " << o.top
        << " heaviest modules by FLOPs (`--top`), heaviest first.\n\n";
  }
  // Count: the identical list entries a row stands for (its figures are one entry's), unless
  // --expand (report/identical_siblings.h).
  out << "| Module | Class | Count | Params | Params % | MACs | FLOPs | FLOPs % |";
  std::string rule = "|---|---|--:|--:|--:|--:|--:|--:|";
  if (c.memory) {
    out << " Weights | KV cache | " << (c.train ? "Saved activations" : "Activations peak") << " |";
    rule += "--:|--:|--:|";
  }
  if (c.latency) {
    out << " Latency |";
    rule += "--:|";
  }
  if (c.backward) {
    out << " Backward FLOPs |";
    rule += "--:|";
  }
  out << "\n" << rule << "\n";
  const ModuleStats& t = p.total();
  for (const ModuleRow& row : ReportRows(r, o)) {
    const size_t i = static_cast<size_t>(row.id);
    const ModuleStats& s = p.stats[i];
    std::string path = row.id == p.tree.root() ? "(model)" : Cell(p.tree.Path(row.id));
    out << "| " << path << " | " << Cell(p.tree[row.id].class_name) << " | " << row.repeat << " | "
        << ParamsToString(s.params.ToDouble(), std::nullopt, 2) << " | "
        << Share(s.params, t.params) << " | " << HumanCount(s.macs.ToDouble()) << "MACs | "
        << HumanCount(s.flops.ToDouble()) << "FLOPs | " << Share(s.flops, t.flops) << " |";
    if (c.memory) {
      const ModuleMemory& m = r.estimates->memory.modules[i];
      out << ' ' << HumanBytes(m.weights) << " | " << HumanBytes(m.kv_cache) << " | "
          << HumanBytes(m.activations) << " |";
    }
    if (c.latency) out << ' ' << HumanSeconds(p.perf.modules[i].roofline.time_s) << " |";
    if (c.backward)
      out << ' ' << HumanCount(p.perf.modules[i].backward_flops.ToDouble()) << "FLOPs |";
    out << "\n";
  }
}

void Write(const ReportModel& r, const ReportOptions& o, std::ostream& out) {
  out << "# calflops: " << Cell(r.model) << "\n\n| | |\n|---|---|\n";
  if (r.profile) {
    const Profile& p = *r.profile;
    out << "| Model | " << Cell(p.tree[p.tree.root()].class_name) << " |\n";
  }
  out << "| Source | " << Cell(r.model) << " |\n";
  for (const auto& [k, v] : WorkloadFields(r)) out << "| " << k << " | " << Cell(v) << " |\n";
  if (r.profile) out << "| attention | " << Cell(r.attn_impl) << " |\n";
  for (const SummaryField& f : SummaryFields(r)) {
    out << "| " << Cell(f.label) << " | " << Cell(f.value);
    if (!f.exact.empty() && f.key != "unsupported") out << " (" << Grouped(f.exact) << ")";
    out << " |\n";
  }
  if (r.profile) {
    const Profile& p = *r.profile;
    if (o.detailed) ModuleTable(r, o, out);
    if (!p.uncosted.empty()) {
      out << "\n## Ops not costed (counted as 0)\n\n| Op | Count | Reason |\n|---|--:|---|\n";
      for (const UncostedOp& u : p.uncosted)
        out << "| " << Cell(u.op) << " | " << u.count << " | " << Cell(u.reason) << " |\n";
    }
  }
  if (!r.notes.empty()) {
    out << "\n";
    for (const std::string& n : r.notes) out << "- note: " << Cell(n) << "\n";
  }
  if (r.weights) {  // the weight files' block, verbatim
    // An indented code block: no name in the files can close it or add markup.
    std::ostringstream text;
    WriteWeightsText(*r.weights, text);
    out << "\n## Weight files\n\n";
    std::istringstream lines(text.str());
    for (std::string line; std::getline(lines, line);) out << "    " << line << "\n";
  }
}

}  // namespace
}  // namespace markdown_format

const ReportFormat& MarkdownFormat() {
  static const ReportFormat f{"markdown",
                              "a header and a module table in Markdown (READMEs, papers)",
                              markdown_format::Write};
  return f;
}

}  // namespace calflops
