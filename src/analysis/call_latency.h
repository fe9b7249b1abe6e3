// The roofline time of one forward call of a workload, as the analysis sums it: a run of decode
// steps is folded as an arithmetic series (call_folding.h), each call's time on the line from the
// run's first traced call to its last, so call i of a run of n takes
// first + i x (last - first) / (n - 1); the calls' times add up to the latency's total. For the
// per-step chart of a generation (--format html with --hardware).
#pragma once

#include <optional>

#include "analysis/profile.h"

namespace calflops {

/// Seconds of call `call` (0-based, execution order); nullopt without a hardware profile or
/// past the workload's calls.
std::optional<double> CallRooflineTime(const Profile& p, int64_t call);

}  // namespace calflops
