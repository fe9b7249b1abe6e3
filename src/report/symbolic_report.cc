#include "report/symbolic_report.h"

#include "report/json_report.h"
#include "report/json_writer.h"
#include "report/module_rows.h"

namespace calflops {
namespace symbolic_report {
namespace {

const char* Meaning(const SymbolicCost& c) {
  return c.variable == "c" ? "b = batch, c = context (tokens attended to, the new one included)"
                           : "b = batch, s = sequence length (tokens per sequence)";
}

}  // namespace
}  // namespace symbolic_report

void WriteSymbolicText(const ReportModel& r, const std::vector<SymbolicCost>& s,
                       std::ostream& out) {
  out << "Symbolic totals of " << r.model << " (convention "
      << ConventionName(r.profile ? r.profile->convention : Convention::kAnalytic) << ")\n"
      << "Workload: " << WorkloadLine(r) << "\n";
  for (const SymbolicCost& c : s) {
    const char* v = c.variable.c_str();
    out << "\n"
        << c.name << " (one call; " << symbolic_report::Meaning(c) << "; " << v << " >= " << c.from
        << "; checked against " << c.checked_points << " full analyses):\n"
        << "  MACs  = " << c.macs.ToString("b", v) << "\n"
        << "  FLOPs = " << c.flops.ToString("b", v) << "\n";
  }
}

void WriteSymbolicJson(const ReportModel& r, const std::vector<SymbolicCost>& s,
                       std::ostream& out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Key("schema_version").Int(kJsonSchemaVersion);
  w.Key("model").String(r.model);
  w.Key("convention")
      .String(ConventionName(r.profile ? r.profile->convention : Convention::kAnalytic));
  w.Key("symbolic").BeginArray();
  for (const SymbolicCost& c : s) {
    w.BeginObject();
    w.Key("call").String(c.name);
    w.Key("variables").BeginArray().String("b").String(c.variable).EndArray();
    w.Key("valid_from").Int(c.from);
    w.Key("checked_points").Int(c.checked_points);
    for (const auto& [name, poly] : {std::pair{"macs", &c.macs}, std::pair{"flops", &c.flops}}) {
      w.Key(name).BeginObject();
      w.Key("text").String(poly->ToString("b", c.variable.c_str()));
      // Terms as [power of b, power of the variable, numerator, denominator] (exact decimals).
      w.Key("terms").BeginArray();
      for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) {
          if (poly->coef[i][j] == 0) continue;
          Polynomial2 one;
          one.coef[0][0] = poly->coef[i][j];
          one.den = poly->den;
          w.BeginObject()
              .Key("b")
              .Int(i)
              .Key(c.variable)
              .Int(j)
              .Key("coefficient")
              .String(one.ToString("b", "x"));
          w.EndObject();
        }
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  out << "\n";
}

}  // namespace calflops
