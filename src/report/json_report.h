// The JSON report: workload, convention, totals, per-call breakdown and the module tree with
// exact integers. Schema: docs/json-schema.md.
#pragma once

#include <ostream>

#include "analysis/profile.h"
#include "report/report_options.h"

namespace calflops {

inline constexpr int kJsonSchemaVersion = 1;

void WriteJsonReport(const Profile& profile, const ReportOptions& options, std::ostream& out);

}  // namespace calflops
