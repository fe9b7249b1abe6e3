#include "report/summary.h"

#include "model/active_params.h"
#include "report/number_format.h"
#include "report/perf_text.h"

namespace calflops {

std::string Grouped(const std::string& d) {
  std::string out;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i > 0 && (d.size() - i) % 3 == 0) out += ',';
    out += d[i];
  }
  return out;
}

std::vector<SummaryField> SummaryFields(const ReportModel& r) {
  std::vector<SummaryField> f;
  if (!r.profile) return f;
  const Profile& p = *r.profile;
  const ModuleStats& t = p.total();
  auto count = [&f](std::string key, std::string label, Count c, const std::string& unit) {
    f.push_back({std::move(key), std::move(label), HumanCount(c.ToDouble()) + unit, c.ToString()});
  };
  f.push_back({"params", "Params", ParamsToString(t.params.ToDouble(), std::nullopt, 2),
               t.params.ToString()});
  Count active = ActiveParams(p.tree);
  if (active != t.params) {
    f.push_back({"active_params", "Active params per token",
                 ParamsToString(active.ToDouble(), std::nullopt, 2), active.ToString()});
  }
  const bool generate = r.workload.mode == Mode::kGenerate;
  const std::string scope = generate ? " (prefill + decode steps)" : r.workload.train ? " (forward)" : "";
  count("macs", "MACs" + scope, t.macs, "MACs");
  count("flops", "FLOPs" + scope, t.flops, "FLOPs");
  const Estimates* e = r.estimates;
  if (e && e->training) {
    count("backward_flops", "Backward FLOPs", e->training->backward_flops, "FLOPs");
    count("train_flops", "Forward + backward FLOPs per step", e->training->model_flops, "FLOPs");
    if (e->training->recompute_flops > Count(0))
      count("recompute_flops", "Recomputed FLOPs", e->training->recompute_flops, "FLOPs");
  }
  if (e) {
    const MemoryEstimate& m = e->memory;
    f.push_back({"memory_peak", "Peak memory (" + m.peak_at + ")", HumanBytes(m.peak),
                 m.peak.ToString()});
    f.push_back({"memory_weights", "Weights", HumanBytes(m.weights.total()),
                 m.weights.total().ToString()});
    if (m.kv_tokens > 0) {
      f.push_back({"memory_kv_cache", "KV cache at the peak (" + std::to_string(m.kv_tokens) + " tokens)",
                   HumanBytes(m.kv_cache), m.kv_cache.ToString()});
    }
    if (e->latency && e->hardware) {
      const LatencyEstimate& l = *e->latency;
      f.push_back({"latency", "Latency (" + e->hardware->name + ", roofline)",
                   HumanSeconds(l.total_s), ""});
      if (l.generate && l.decode_steps > 0) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f tokens/s", l.decode_tokens_per_s);
        f.push_back({"decode_rate", "Decode rate", buf, ""});
      }
    }
  }
  if (!p.uncosted.empty()) {
    int64_t n = 0;
    for (const UncostedOp& u : p.uncosted) n += u.count;
    f.push_back({"unsupported", "Ops not costed (counted as 0)", std::to_string(n),
                 std::to_string(n)});
  }
  return f;
}

}  // namespace calflops
