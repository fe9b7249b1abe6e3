// --format csv: one row per module, parents before children (RFC 4180: comma-separated, fields
// holding a comma, quote or line break quoted, CRLF-free "\n" line ends); a run of identical
// ModuleList entries is one row with its count in `repeat` and the figures of one entry, unless
// --expand (report/identical_siblings.h). Figures are exact
// integers: params, MACs and FLOPs of the subtree over every call of the workload; with the
// estimates, bytes of weights, KV cache and activations (the live peak, or the bytes saved for
// backward in --mode train) and bytes moved; latency_s with a hardware profile; backward FLOPs in
// --mode train. --no-detail keeps the root row (the totals); --depth N the rows down to depth N;
// --top K the root row then the K heaviest modules (report/module_rows.h), heaviest first. Ops
// that could not be costed follow as rows of class "unsupported:OP".
#include <cstdio>
#include <string>

#include "report/format_registry.h"
#include "report/module_rows.h"

namespace calflops {
namespace csv_format {
namespace {

std::string Field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", s);
  return buf;
}

void Write(const ReportModel& r, const ReportOptions& o, std::ostream& out) {
  const ModuleColumns c = ColumnsOf(r);
  out << "path,class,depth,repeat,params,macs,flops";
  if (c.memory) {
    out << ",weight_bytes,kv_cache_bytes,"
        << (c.train ? "saved_activation_bytes" : "activation_peak_bytes") << ",bytes_moved";
  }
  if (c.latency) out << ",latency_s";
  if (c.backward) out << ",backward_flops";
  out << "\n";
  if (!r.profile) return;  // weight files only: no modules
  const Profile& p = *r.profile;
  for (const ModuleRow& row : ReportRows(r, o)) {
    if (!o.detailed && row.id != p.tree.root()) break;  // --no-detail: the totals row only
    const size_t i = static_cast<size_t>(row.id);
    const ModuleStats& s = p.stats[i];
    out << Field(p.tree.Path(row.id)) << ',' << Field(p.tree[row.id].class_name) << ',' << row.depth
        << ',' << row.repeat << ',' << s.params << ',' << s.macs << ',' << s.flops;
    if (c.memory) {
      const ModuleMemory& m = r.estimates->memory.modules[i];
      out << ',' << m.weights << ',' << m.kv_cache << ',' << m.activations << ','
          << (i < p.perf.modules.size() ? p.perf.modules[i].traffic.total() : Count());
    }
    if (c.latency) out << ',' << Seconds(p.perf.modules[i].roofline.time_s);
    if (c.backward) out << ',' << p.perf.modules[i].backward_flops;
    out << "\n";
  }
  // Never silently zero: each op the cost table cannot price, as a row that counts nothing.
  for (const UncostedOp& u : p.uncosted) {
    out << ','
        << Field("unsupported:" + u.op + " x" + std::to_string(u.count) + " (" + u.reason + ")")
        << ",,1,0,0,0";
    if (c.memory) out << ",,,,";
    if (c.latency) out << ',';
    if (c.backward) out << ',';
    out << "\n";
  }
}

}  // namespace
}  // namespace csv_format

const ReportFormat& CsvFormat() {
  static const ReportFormat f{"csv", "one row per module, exact integers (spreadsheets, pandas)",
                              csv_format::Write};
  return f;
}

}  // namespace calflops
