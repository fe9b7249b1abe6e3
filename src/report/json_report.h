// The JSON report: workload, convention, totals, per-call breakdown and the module tree with
// exact integers. Schema: docs/json-schema.md.
#pragma once

#include <ostream>

#include "analysis/profile.h"
#include "report/json_writer.h"
#include "report/report_model.h"

namespace calflops {

inline constexpr int kJsonSchemaVersion = 1;

/// The report of a built architecture (`report.profile` set), with the "weights" key last when
/// the model has weight files.
void WriteJsonReport(const ReportModel& report, const ReportOptions& options, std::ostream& out);

}  // namespace calflops
