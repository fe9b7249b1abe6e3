// Runs a workload through an architecture under a convention and returns the profile.
#pragma once

#include "model/hardware.h"
#include "analysis/profile.h"
#include "model/architecture.h"

namespace calflops {

/// Checks the workload's sizes (positive, below the named limits); throws a located error.
void ValidateWorkload(const Workload& w);

/// How runs of calls whose cache grows (decode steps) are costed.
enum class RunCosting {
  kFold,    ///< trace a few calls per run and sum the arithmetic series (default; exact)
  kReplay,  ///< trace every call (the reference the folding is tested against)
};

/// Costs every forward call the workload makes, charging each op to its module; measures bytes
/// moved, live activations and (for a training workload) backward, with roofline times when a
/// hardware profile is given. A run of decode steps is summed from a few traced calls
/// (call_folding.h) unless `costing` asks to trace them all.
Profile Analyze(const Architecture& arch, const Workload& w, Convention c,
                const Hardware* hardware = nullptr, RunCosting costing = RunCosting::kFold);

}  // namespace calflops
