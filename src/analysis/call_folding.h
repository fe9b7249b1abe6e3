// Sums a run of forward calls without tracing each one. A generation's decode steps differ only
// in the cache length, and every cost formula is affine in it (shapes grow linearly with the
// cache), so each module's cost over the run is an arithmetic series: n calls cost
// n x (first + last) / 2, exactly, in Count arithmetic. The first, second and last calls are
// traced; the second fixes the slope and the last checks it. Bytes moved and roofline times
// fold the same way.
#pragma once

#include <cstdint>
#include <optional>

#include "analysis/perf_accumulator.h"
#include "analysis/profile.h"

namespace calflops {

/// The summed per-module costs of `n` >= 3 calls whose costs are affine in the call index, given
/// the traced calls 0, 1 and n - 1. nullopt when some module's cost is not on the line through
/// calls 0 and 1 (the run spans a change of slope and must be split). Throws OverflowError when
/// a sum exceeds 2^128 - 1.
std::optional<CallCosts> SumAffineRun(const CallCosts& first, const CallCosts& second,
                                      const CallCosts& last, int64_t n);

/// The same for the bytes moved, analytic FLOPs and roofline times of `n` >= 3 calls. Roofline
/// times are doubles, estimates anyway: on the line within a relative 1e-6. Activation peaks are
/// maxima, not sums: a live tensor's size is affine in the cache length, so the largest peak of a
/// run is at one of its ends. nullopt when some figure is off the line.
std::optional<PerfAccumulator::Call> SumAffinePerfRun(const PerfAccumulator::Call& first,
                                                      const PerfAccumulator::Call& second,
                                                      const PerfAccumulator::Call& last, int64_t n);

}  // namespace calflops
