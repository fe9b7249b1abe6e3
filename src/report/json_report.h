// The JSON report: workload, convention, totals, per-call breakdown and the module tree with
// exact integers. Schema: docs/json-schema.md.
#pragma once

#include <functional>
#include <ostream>

#include "analysis/profile.h"
#include "report/json_writer.h"
#include "report/report_options.h"

namespace calflops {

inline constexpr int kJsonSchemaVersion = 1;

/// `extra`, when set, writes further keys of the top-level object (the "weights" section).
void WriteJsonReport(const Profile& profile, const ReportOptions& options, std::ostream& out,
                     const std::function<void(JsonWriter&)>& extra = nullptr);

}  // namespace calflops
