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

/// Most points one sweep may have: each may be a full analysis, and 10^5 points of Llama-3-8B
/// took 13 CPU seconds.
inline constexpr size_t kMaxSweepPoints = 4096;

/// Most work units the points of one sweep command analysed in full may take, over every model
/// and --vs side (and the rows of one compare command, each charged 2 x its modules more for its
/// load and build: a row is refused once the rows before it passed the bound). A unit is one module
/// of the tree in one traced call (x3 for a training workload: the backward pass and the training
/// state walk the tree again); a full analysis costs about 0.8 us a unit (DeepSeek-V3: 10,437
/// modules, 24 ms a training point; Llama-3-8B: 455 modules, 0.35 ms a generation point), so the
/// bound is about 0.85 CPU seconds. Points taken from the quadratics or the symbolic polynomial
/// cost no units beyond their ~12 traces.
inline constexpr int64_t kMaxSweepWork = int64_t{1} << 20;

/// The work units of analysing `w` in full on `arch` (kMaxSweepWork's unit).
int64_t AnalysisWork(const Architecture& arch, const Workload& w);

/// The work units a finished analysis took, from its profile: the modules times the calls
/// traced (one per run of identical calls, up to 3 per segment of a growing run), x3 to train.
int64_t ProfileWork(const Profile& p, bool train);

/// Takes the units of analysing every point of `values` in full from `*work_left`; a sweep past
/// it is a usage error naming the swept option and the limit. Null: no bound.
void ChargeSweepWork(const Architecture& arch, const Workload& base, SweepAxis axis,
                     const std::vector<int64_t>& values, int64_t* work_left);

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

/// BuildOptions::routed_tokens for a sweep: the tokens of every call Sweep or SweepCounts may
/// trace over `values` (each point, the quadratics' and the polynomial's fitting points), so
/// that routed experts of equal load in all of them are built once (DeepSeek-V3: at most 32
/// runs a layer, whatever the points, instead of 256 experts).
std::vector<int64_t> SweepRoutedTokens(const Architecture& arch, const Workload& base,
                                       SweepAxis axis, const std::vector<int64_t>& values);

/// Fewest points for which Sweep takes the per-op quadratics (below, tracing them costs more).
inline constexpr size_t kPolynomialSweepMin = 16;

enum class SweepPath {
  kAuto,  ///< the per-op quadratics where they apply and are confirmed, else every point in full
  kFull,  ///< every point analysed in full (the reference the quadratics are tested against)
};

std::vector<SweepPoint> Sweep(const Architecture& arch, const Workload& base, SweepAxis axis,
                              const std::vector<int64_t>& values, Convention c, const Hardware* hw,
                              const TrainingOptions& training, SweepPath path = SweepPath::kAuto,
                              int64_t* work_left = nullptr);

/// Params, MACs and FLOPs only (memory_peak 0, no latency). A forward sweep over --seq-len or
/// --batch-size of more than 21 points takes the per-op quadratics (sweep_polynomial.h), else the
/// exact polynomial of one forward call (analysis/symbolic.h), fitted from 9 analyses and checked
/// against full analyses at 12 of the swept points. Other sweeps, and a sweep whose checks fail,
/// analyse every point. Points analysed in full are charged to `work_left` (ChargeSweepWork).
std::vector<SweepPoint> SweepCounts(const Architecture& arch, const Workload& base, SweepAxis axis,
                                    const std::vector<int64_t>& values, Convention c,
                                    int64_t* work_left = nullptr);

}  // namespace calflops
