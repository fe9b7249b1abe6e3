// Roofline latency of a workload on one device: every op takes max(FLOPs / peak, bytes /
// bandwidth) (PerfAccumulator), summed per call; the calls make up prefill and decode. A lower
// bound: perfect overlap of compute and memory, no launch overhead, peak rates.
#pragma once

#include <cstdint>

#include "model/hardware.h"
#include "analysis/memory.h"
#include "analysis/profile.h"

namespace calflops {

struct LatencyEstimate {
  bool generate = false;
  RooflineTime first;              ///< the first call: prefill (generate) or the forward
  RooflineTime decode;             ///< all decode calls together
  int64_t decode_steps = 0;        ///< decode calls
  double decode_per_step_s = 0;    ///< mean time of one decode call
  double decode_tokens_per_s = 0;  ///< batch x decode steps / decode time
  double total_s = 0;
  double memory_bytes = 0;  ///< the estimate's peak
  double capacity_bytes = 0;
  bool fits = false;
};

LatencyEstimate EstimateLatency(const Profile& p, const Workload& w, const Hardware& hw,
                                const MemoryEstimate& memory);

}  // namespace calflops
