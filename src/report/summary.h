// The totals every non-calflops header prints (Markdown, HTML): labelled figures with their
// units ("GiB", "FLOPs" for counts, "FLOP/s" for rates), each with the exact integer behind it
// where there is one. Train mode gives one forward+backward total, counted per op (the training
// estimate), not the calflops bp_factor multiple.
#pragma once

#include <string>
#include <vector>

#include "report/report_model.h"

namespace calflops {

struct SummaryField {
  std::string key;    ///< stable id: "params", "flops", "memory_peak", ... (HTML element ids)
  std::string label;  ///< "Forward FLOPs", "Peak memory (forward)"
  std::string value;  ///< for display: "16.06 TFLOPs", "15.00 GiB", "12.300 ms"
  std::string exact;  ///< the exact integer ("16060000000000"); "" for doubles (seconds)
};

/// Needs a profile; empty without one.
std::vector<SummaryField> SummaryFields(const ReportModel& r);

/// "8030261248" -> "8,030,261,248" (a string of digits, as SummaryField::exact).
std::string Grouped(const std::string& digits);

}  // namespace calflops
