#include "analysis/call_latency.h"

namespace calflops {

std::optional<double> CallRooflineTime(const Profile& p, int64_t call) {
  if (!p.perf.has_roofline || call < 0) return std::nullopt;
  for (size_t r = 0; r < p.calls.size() && r < p.perf.calls.size(); ++r) {
    const int64_t n = p.calls[r].repeat;
    if (call >= n) {
      call -= n;
      continue;
    }
    const double a = p.perf.calls[r].first.roofline.time_s;
    const double l = p.perf.calls[r].last.roofline.time_s;
    if (n == 1 || call == 0) return a;
    if (call == n - 1) return l;
    return a + (l - a) * static_cast<double>(call) / static_cast<double>(n - 1);
  }
  return std::nullopt;
}

}  // namespace calflops
