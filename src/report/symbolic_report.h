// The --symbolic output (analysis/symbolic.h) as text and JSON.
#pragma once

#include <ostream>
#include <vector>

#include "analysis/symbolic.h"
#include "report/report_model.h"

namespace calflops {

void WriteSymbolicText(const ReportModel& r, const std::vector<SymbolicCost>& s, std::ostream& out);
void WriteSymbolicJson(const ReportModel& r, const std::vector<SymbolicCost>& s, std::ostream& out);

}  // namespace calflops
