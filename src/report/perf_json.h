// The JSON report's estimates: per-module bytes, intensity, memory, roofline and backward fields,
// and the top-level "traffic", "memory", "latency" and "training" objects (docs/json-schema.md).
#pragma once

#include "analysis/profile.h"
#include "report/json_writer.h"
#include "report/report_model.h"

namespace calflops {

/// Fields added to one module's object (nothing without estimates).
void WriteModulePerfJson(JsonWriter& w, const ReportModel& r, ModuleId id);
/// Top-level objects (nothing without estimates).
void WritePerfJson(JsonWriter& w, const ReportModel& r);

}  // namespace calflops
