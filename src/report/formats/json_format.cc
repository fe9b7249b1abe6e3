// --format json: exact integers for every figure (schema: docs/json-schema.md). Without an
// architecture (weight files only) the object holds the header and the "weights" key.
#include "report/explain_report.h"
#include "report/format_registry.h"
#include "report/json_report.h"
#include "report/json_writer.h"
#include "report/symbolic_report.h"
#include "report/weights_report.h"

namespace calflops {
namespace json_format {
namespace {

void Write(const ReportModel& r, const ReportOptions& o, std::ostream& out) {
  if (r.explanation && r.profile) return WriteExplainJson(r, *r.explanation, out);
  if (r.symbolic && r.profile) return WriteSymbolicJson(r, *r.symbolic, out);
  if (r.profile) return WriteJsonReport(r, o, out);
  JsonWriter w(out);
  w.BeginObject();
  w.Key("schema_version").Int(kJsonSchemaVersion);
  w.Key("model").String(r.model);
  if (r.weights) {
    w.Key("weights");
    WriteWeightsJson(w, *r.weights);
  }
  w.EndObject();
}

}  // namespace
}  // namespace json_format

const ReportFormat& JsonFormat() {
  static const ReportFormat f{"json", "the same figures as exact integers (docs/json-schema.md)",
                              json_format::Write};
  return f;
}

}  // namespace calflops
