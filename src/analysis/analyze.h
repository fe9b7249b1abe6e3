// Runs a workload through an architecture under a convention and returns the profile.
#pragma once

#include "analysis/hardware.h"
#include "analysis/profile.h"
#include "archs/architecture.h"

namespace calflops {

/// Checks the workload's sizes (positive, below the named limits); throws a located error.
void ValidateWorkload(const Workload& w);

/// Replays every forward call the workload makes, charging each op to its module; measures bytes
/// moved, live activations and (for a training workload) backward, with roofline times when a
/// hardware profile is given.
Profile Analyze(const Architecture& arch, const Workload& w, Convention c,
                const Hardware* hardware = nullptr);

}  // namespace calflops
