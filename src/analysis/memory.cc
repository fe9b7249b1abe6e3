#include "analysis/memory.h"

#include <algorithm>
#include <cstdio>

namespace calflops {
namespace memory {
namespace {

Count CrossElements(const KvCacheSpec& s) {
  return Count::FromSigned(s.elements_per_encoder_token) * Count::FromSigned(s.encoder_tokens);
}

}  // namespace
}  // namespace memory

Count KvCacheBytes(const std::vector<KvCacheSpec>& specs, int64_t context, int64_t batch,
                   int bytes) {
  Count total;
  for (const KvCacheSpec& s : specs) {
    total += Count::FromSigned(s.elements_per_token) * Count::FromSigned(s.Tokens(context)) +
             Count::FromSigned(s.fixed_elements) + memory::CrossElements(s);
  }
  return total * Count::FromSigned(batch) * Count::FromSigned(bytes);
}

Count KvCrossBytes(const std::vector<KvCacheSpec>& specs, int64_t batch, int bytes) {
  Count total;
  for (const KvCacheSpec& s : specs) total += memory::CrossElements(s);
  return total * Count::FromSigned(batch) * Count::FromSigned(bytes);
}

MemoryEstimate EstimateMemory(const Profile& p, const Workload& w, const TrainingOptions& t) {
  MemoryEstimate m;
  const ModuleTree& tree = p.tree;
  m.weights = ComputeWeightMemory(tree);
  m.train = w.train;
  const int kv_width = DTypeBytes(p.activation_dtype);
  const bool generate = w.mode == Mode::kGenerate && !w.train;

  // Per module: weights, KV cache at the final context, activations.
  m.modules.assign(tree.size(), ModuleMemory{});
  int64_t final_context = 0;
  for (const CallStats& c : p.calls) final_context = std::max(final_context, c.LastContext());
  for (size_t i = 0; i < tree.size(); ++i) {
    m.modules[i].weights = m.weights.subtree_bytes[i];
    if (i < p.perf.modules.size()) {
      const ModulePerf& mp = p.perf.modules[i];
      m.modules[i].activations = w.train ? mp.saved_bytes : mp.activation_peak;
    }
  }
  if (generate) {
    for (const KvCacheSpec& s : p.kv_cache) {
      Count b = KvCacheBytes({s}, final_context, w.batch, kv_width);
      for (ModuleId a = s.module; a != kNoModule; a = tree[a].parent)
        m.modules[static_cast<size_t>(a)].kv_cache += b;
      if (s.elements_per_encoder_token > 0)
        m.kv_encoder_tokens = std::max(m.kv_encoder_tokens, s.encoder_tokens);
    }
  }

  if (w.train) {
    const TrainPerf& tp = p.perf.train;
    auto policy = static_cast<size_t>(t.recompute);
    m.training = ComputeTrainingState(tree, m.weights.total(), t);
    m.activations = tp.saved_bytes[policy];
    Count working = p.perf.calls.empty() ? Count(0) : p.perf.calls.front().first.activation_peak;
    m.transient = tp.recompute_peak[policy] + working;
    m.peak = m.training.total() + m.activations + m.transient;
    m.peak_at = "training step";
    return m;
  }

  // Inference: the call where cache + live activations is largest. Within a run of decode steps
  // both grow with the context, so only a run's first and last calls can be the largest.
  Count best;
  int64_t index = 0;  // of the run's first call in the workload
  for (size_t i = 0; i < p.calls.size() && i < p.perf.calls.size(); ++i) {
    const CallStats& c = p.calls[i];
    for (bool last : {false, true}) {
      if (last && c.repeat == 1) continue;
      int64_t context = last ? c.LastContext() : c.context;
      int64_t at = index + (last ? c.repeat - 1 : 0);
      Count kv = generate ? KvCacheBytes(p.kv_cache, context, w.batch, kv_width) : Count(0);
      Count act =
          last ? p.perf.calls[i].last.activation_peak : p.perf.calls[i].first.activation_peak;
      if (at == 0 || kv + act > best) {
        best = kv + act;
        m.kv_cache = kv;
        m.kv_tokens = generate ? context : 0;
        m.kv_cross = generate ? KvCrossBytes(p.kv_cache, w.batch, kv_width) : Count(0);
        m.activations = act;
        m.peak_at = !generate ? c.label : at == 0 ? "prefill" : "decode step " + std::to_string(at);
      }
    }
    index += c.repeat;
  }
  m.peak = m.weights.total() + best;
  return m;
}

std::string MemoryUsageGiB(Count bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", bytes.ToDouble() / 1073741824.0);
  return buf;
}

}  // namespace calflops
