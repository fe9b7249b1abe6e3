// --format text: the calflops report (calflops-spec.md section 2), our sections after it
// (memory, latency, training: report/perf_text.h), the unsupported ops, and the weight files'
// block (report/weights_report.h).
#include "report/explain_report.h"
#include "report/format_registry.h"
#include "report/symbolic_report.h"
#include "report/text_report.h"
#include "report/weights_report.h"

namespace calflops {
namespace text_format {
namespace {

void Write(const ReportModel& r, const ReportOptions& o, std::ostream& out) {
  if (r.explanation && r.profile) return WriteExplainText(r, *r.explanation, out);
  if (r.symbolic && r.profile) return WriteSymbolicText(r, *r.symbolic, out);
  if (r.profile) WriteTextReport(r, o, out);
  if (r.weights) WriteWeightsText(*r.weights, out);
}

}  // namespace
}  // namespace text_format

const ReportFormat& TextFormat() {
  static const ReportFormat f{"text", "the calflops report (default)", text_format::Write};
  return f;
}

}  // namespace calflops
