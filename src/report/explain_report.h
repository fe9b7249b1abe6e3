// The --explain output (analysis/explain.h) as text and JSON: per call, each op of the module
// (and its descendants) with its shapes and cost, the formulas of the op kinds used, the totals.
#pragma once

#include <ostream>

#include "analysis/explain.h"
#include "report/report_model.h"

namespace calflops {

void WriteExplainText(const ReportModel& r, const Explanation& e, std::ostream& out);
void WriteExplainJson(const ReportModel& r, const Explanation& e, std::ostream& out);

}  // namespace calflops
