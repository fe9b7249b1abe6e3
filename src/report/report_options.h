// What a writer needs besides the profile: what was analysed and display options.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/workload.h"

namespace calflops {

/// Largest backward/forward cost ratio accepted (--bp-factor; calflops' default is 2).
inline constexpr double kMaxBpFactor = 1000;

struct Estimates;

struct ReportOptions {
  int precision = 2;                ///< totals lines and percentages (calflops output_precision)
  std::optional<std::string> unit;  ///< forced unit for the totals (calflops output_unit)
  double bp_factor = 2.0;           ///< backward = bp_factor x forward (calflops compute_bp_factor)
  bool detailed = true;             ///< print the module tree
  std::string model;                ///< as the user named it
  std::string attn_impl;            ///< "sdpa", ...
  Workload workload;
  /// Memory, latency and training estimates (analysis/estimates.h); none: counts only, and the
  /// text report has no "Memory usage" line.
  const Estimates* estimates = nullptr;
  bool memory_detail = false;  ///< text: the memory breakdown section
  /// One line each on how the input was read (a model_type taken from architectures, a
  /// quantization method not priced): text after the totals, JSON "notes".
  std::vector<std::string> notes;
};

}  // namespace calflops
