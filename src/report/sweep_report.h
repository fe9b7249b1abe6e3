// The output of `calflops sweep`: one row per swept value (params, MACs, FLOPs, peak memory,
// latency with a hardware profile) as text, JSON, CSV, Markdown or HTML, and an SVG chart of
// FLOPs, memory and latency against the swept value (`--format svg`, and inside the HTML page).
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/sweep.h"

namespace calflops {

struct SweepReport {
  std::string model{};
  std::string axis{};      ///< the swept option: "--seq-len"
  std::string workload{};  ///< the other workload figures and convention (WorkloadLine)
  std::vector<SweepPoint> points{};
  bool counts_only = false;  ///< no memory column (SweepCounts)
  /// `calflops compare`: one label per point (the model, and the options of its side), shown
  /// instead of the value; the chart is then a bar per label.
  std::vector<std::string> labels{};
  /// `calflops compare --vs`: each row's workload (WorkloadLine), shown as a column.
  std::vector<std::string> workloads{};
  /// A sweep of several models or `--vs` sides: each point's side ("llama-3-8b --convention
  /// calflops"), shown as a first column; the chart draws a line per side.
  std::vector<std::string> series{};
};

/// The formats a sweep writes: text, json, csv, markdown, html, svg.
std::vector<std::string_view> SweepFormats();
/// Writes `r` in `format` (one of SweepFormats(); throws a usage error otherwise).
void WriteSweep(const SweepReport& r, std::string_view format, std::ostream& out);
/// The chart alone: one panel per figure (FLOPs, peak memory, latency), value on a log axis when
/// the points grow geometrically; for a comparison, one bar per compared row.
void WriteSweepSvg(const SweepReport& r, std::ostream& out);

}  // namespace calflops
