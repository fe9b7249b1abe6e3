// The fast path of `calflops sweep` over --seq-len or --batch-size of a forward workload, exact
// and with memory and latency: with the rest of the workload fixed, each op's analytic FLOPs,
// bytes moved and live activation bytes, and the MACs and FLOPs of the whole workload under the
// convention, are quadratics in the swept value v wherever the op graph keeps its shape. Traces
// at v0, v0 + 1, v0 + 2 (v0 = 2 for the sequence length: a one-token forward takes another
// attention path; 1 for the batch) give every quadratic; traces at up to 9 more points of the
// sweep (both ends, the one before the last, evenly spaced ones) must match every op of every call
// exactly, or the sweep falls back to analysing each point. A point then costs the evaluation of
// the distinct quadratics (a few dozen: the layers repeat) and one pass over the ops in trace
// order, so memory (weights + the largest live activations) and latency (each op's roofline
// time, summed) are the very figures of a full analysis: the same integers, the same doubles
// added in the same order. 1,000 points of Llama-3.1-70B: ~12 traces instead of 1,000 analyses.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "analysis/sweep.h"

namespace calflops {

/// First value of the swept axis the quadratics are fitted from (smaller ones are analysed in
/// full).
int64_t PolynomialSweepStart(SweepAxis axis);

/// The sweep's points, or nullopt when the shortcut does not apply (not a forward inference
/// workload over --seq-len or --batch-size, a run of calls whose cache grows, an op graph that
/// changes with v, a figure that is no quadratic at a check, the model's limits exceeded, a value
/// that overflows); the caller then analyses every point. Points below PolynomialSweepStart are
/// taken from `full`. `checked` (if given) receives the number of check traces that passed.
std::optional<std::vector<SweepPoint>> SweepByPolynomials(
    const Architecture& arch, const Workload& base, SweepAxis axis,
    const std::vector<int64_t>& values, Convention c, const Hardware* hw,
    const std::function<SweepPoint(int64_t)>& full, int* checked = nullptr);

}  // namespace calflops
