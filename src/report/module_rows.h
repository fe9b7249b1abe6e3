// The rows the tabular formats print (CSV, Markdown, HTML): the module tree in pre-order, each
// module with its depth, and which optional columns a run has (memory with the estimates, latency
// with a hardware profile, backward in --mode train).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "report/report_model.h"

namespace calflops {

struct ModuleRow {
  ModuleId id = 0;
  int depth = 0;       ///< the root is 0
  int64_t repeat = 1;  ///< identical siblings this row stands for (its figures: one of them)
};

/// Every module of the tree, parents before children, children in registration order.
std::vector<ModuleRow> ModuleRows(const ModuleTree& tree);

/// Which modules a report shows (indexed by ModuleId), by --depth and --top:
/// - depth: modules at most `max_depth` below the root (-1: all);
/// - top K: of the shown modules that show no children ("frontier": leaves, or modules at the
///   depth limit), the K with the most FLOPs (ties: more params, then tree order), plus their
///   ancestors so that the tree stays a tree. A frontier module of zero FLOPs is never "heavy".
/// The root is always shown.
std::vector<bool> ShownModules(const Profile& p, const ReportOptions& o);

/// The rows of a table: the shown modules in pre-order; with --top, the root (the totals) then
/// the K heaviest, heaviest first (their ancestors are then left out of the table).
std::vector<ModuleRow> TableRows(const Profile& p, const ReportOptions& o);

/// The rows of CSV, Markdown and HTML: TableRows with each run of identical ModuleList entries
/// folded into its first row (report/identical_siblings.h), unless --expand or --top.
std::vector<ModuleRow> ReportRows(const ReportModel& r, const ReportOptions& o);

struct ModuleColumns {
  bool memory = false;    ///< weights, KV cache, activations per module (estimates present)
  bool latency = false;   ///< roofline time per module (a hardware profile)
  bool backward = false;  ///< backward FLOPs per module (--mode train)
  bool train = false;     ///< the activations column holds saved bytes, not the live peak
};

ModuleColumns ColumnsOf(const ReportModel& r);

/// The workload as (field, value) pairs, in the order every header prints them: mode, batch,
/// tokens (sequence, or prompt and new), images, dtype, convention.
std::vector<std::pair<std::string, std::string>> WorkloadFields(const ReportModel& r);
/// The same joined into one line: "mode forward, batch 1, tokens 128, dtype bfloat16, ...".
std::string WorkloadLine(const ReportModel& r);

}  // namespace calflops
