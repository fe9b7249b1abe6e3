// The report model: everything any output format prints, assembled once per run by the library
// (src/api/calflops.cc) and handed to one writer (report/format_registry.h). Writers read only this
// and the display options; they know nothing of readers, files or option parsing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/estimates.h"
#include "analysis/explain.h"
#include "analysis/profile.h"
#include "analysis/symbolic.h"
#include "model/workload.h"
#include "report/weights_report.h"

namespace calflops {

/// Largest backward/forward cost ratio accepted (--bp-factor; calflops' default is 2).
inline constexpr double kMaxBpFactor = 1000;

struct ReportModel {
  // Header: what was analysed.
  std::string model{};      ///< as the user named it
  std::string attn_impl{};  ///< "sdpa", ...
  Workload workload{};
  /// Module tree with per-module params/MACs/FLOPs, the totals (its root), per-call figures,
  /// the convention and the unsupported ops. Null when no architecture was built (weight files
  /// only: `weights` says why).
  const Profile* profile = nullptr;
  /// Memory, latency and training estimates; null: counts only.
  const Estimates* estimates = nullptr;
  /// What the weight files hold and how they compare with the architecture; null without files.
  const WeightsSection* weights = nullptr;
  /// --explain PATH: the module's ops per call; text and JSON then print it instead of the report.
  const Explanation* explanation = nullptr;
  /// --symbolic: the totals as polynomials; text and JSON then print them instead of the report.
  const std::vector<SymbolicCost>* symbolic = nullptr;
  /// One line each on how the input was read (a model_type taken from architectures, a
  /// quantization method not priced): text after the report, JSON "notes".
  std::vector<std::string> notes{};
};

/// How to print it (calflops' own display options and ours).
struct ReportOptions {
  int precision = 2;                  ///< totals lines and percentages (calflops output_precision)
  std::optional<std::string> unit{};  ///< forced unit for the totals (calflops output_unit)
  double bp_factor = 2.0;  ///< backward = bp_factor x forward (calflops compute_bp_factor)
  bool detailed = true;    ///< the module tree
  /// JSON: every module; by default a run of identical ModuleList entries is written once with
  /// its count ("repeat"), as the text report prints "(0-31): 32 x ...".
  bool expand = false;
  bool memory_detail = false;  ///< text: the memory breakdown section
  /// --depth: modules deeper than this (the root is 0) are left out of every format; -1 = all.
  int max_depth = -1;
  /// --top: only the K heaviest modules (by FLOPs) among those the depth leaves without shown
  /// children, and their ancestors; 0 = all (report/module_rows.h).
  int top = 0;
};

}  // namespace calflops
