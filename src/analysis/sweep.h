// calflops sweep: one workload figure (sequence length, batch, prompt or new tokens, image side)
// stepped over a range, the architecture built once: exact counts, the memory estimate, roofline
// latency with a hardware profile. A forward sweep over --seq-len or --batch-size of 16 points or
// more takes the per-op quadratics of sweep_polynomial.h (the same figures, ~12 traces in all);
// any other sweep analyses each point in full.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "analysis/analyze.h"
#include "analysis/estimates.h"

namespace calflops {

enum class SweepAxis { kSeqLen, kBatch, kPromptTokens, kMaxNewTokens, kImageSize };

/// The option that names the axis ("--seq-len").
std::string_view SweepAxisOption(SweepAxis a);

/// Most points one sweep may have: each is a full analysis (about 0.1 ms for Llama-3-8B, 0.13 s
/// for a DeepSeek-V3 training step), and 10^5 points took 13 CPU seconds.
inline constexpr size_t kMaxSweepPoints = 4096;

/// "A:B:xK" (A, A*K, A*K^2, ... up to B) or "A:B:+K" (A, A+K, ... up to B); B itself is always
/// the last point. A single integer is one point. Throws a usage error naming `option`.
std::vector<int64_t> ParseSweepRange(std::string_view option, std::string_view spec);

/// `w` with the axis set to `v` (kImageSize: a square v x v image).
Workload WithAxis(Workload w, SweepAxis a, int64_t v);

struct SweepPoint {
  int64_t value = 0;
  Count params{};
  Count macs{};  ///< over every call of the workload
  Count flops{};
  Count memory_peak{};                ///< bytes
  std::optional<double> latency_s{};  ///< with a hardware profile
};

/// Fewest points for which Sweep takes the per-op quadratics (below, tracing them costs more).
inline constexpr size_t kPolynomialSweepMin = 16;

enum class SweepPath {
  kAuto,  ///< the per-op quadratics where they apply and are confirmed, else every point in full
  kFull,  ///< every point analysed in full (the reference the quadratics are tested against)
};

std::vector<SweepPoint> Sweep(const Architecture& arch, const Workload& base, SweepAxis axis,
                              const std::vector<int64_t>& values, Convention c, const Hardware* hw,
                              const TrainingOptions& training, SweepPath path = SweepPath::kAuto);

/// Params, MACs and FLOPs only (memory_peak 0, no latency). A forward sweep over --seq-len or
/// --batch-size of more than 21 points takes the per-op quadratics (sweep_polynomial.h), else the
/// exact polynomial of one forward call (analysis/symbolic.h), fitted from 9 analyses and checked
/// against full analyses at 12 of the swept points. Other sweeps, and a sweep whose checks fail,
/// analyse every point.
std::vector<SweepPoint> SweepCounts(const Architecture& arch, const Workload& base, SweepAxis axis,
                                    const std::vector<int64_t>& values, Convention c);

}  // namespace calflops
