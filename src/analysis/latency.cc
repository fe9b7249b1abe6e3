#include "analysis/latency.h"

namespace calflops {

LatencyEstimate EstimateLatency(const Profile& p, const Workload& w, const Hardware& hw,
                                const MemoryEstimate& memory) {
  LatencyEstimate e;
  e.generate = w.mode == Mode::kGenerate && !w.train;
  for (size_t i = 0; i < p.perf.calls.size() && i < p.calls.size(); ++i) {
    RooflineTime t = p.perf.calls[i].roofline.Times(static_cast<double>(p.calls[i].repeat));
    if (i == 0) {
      e.first += t;
    } else {
      e.decode += t;
      e.decode_steps += p.calls[i].repeat;
    }
  }
  if (e.decode_steps > 0) {
    e.decode_per_step_s = e.decode.time_s / static_cast<double>(e.decode_steps);
    if (e.decode.time_s > 0) {
      e.decode_tokens_per_s = static_cast<double>(w.batch * e.decode_steps) / e.decode.time_s;
    }
  }
  e.total_s = e.first.time_s + e.decode.time_s;
  e.memory_bytes = memory.peak.ToDouble();
  e.capacity_bytes = hw.memory_bytes;
  e.fits = e.memory_bytes <= e.capacity_bytes;
  return e;
}

}  // namespace calflops
