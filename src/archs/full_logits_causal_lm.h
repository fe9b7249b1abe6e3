// The older causal LMs of transformers 4.45 (GPT-2, GPT-NeoX) share two traits the default plan
// and cache probe do not capture: their forward has no num_logits_to_keep, so the output head
// runs over every prompt position at prefill, and every layer caches K and V of all its heads,
// written as plain matmuls in the eager implementation, where no fused attention op shows it.
#pragma once

#include <vector>

#include "model/architecture.h"

namespace calflops {

class FullLogitsCausalLm : public Architecture {
 public:
  using Architecture::Architecture;

  /// The causal-LM plan, with logits over every prompt position at prefill.
  std::vector<ForwardCall> Plan(const Workload& w) const override;
  /// One K and one V of `cache_heads_` x `cache_head_dim_` per token for each cached layer.
  std::vector<KvCacheSpec> KvCache() const override;

 protected:
  std::vector<ModuleId> cached_attn_;  ///< each layer's attention module, in order
  int64_t cache_heads_ = 0, cache_head_dim_ = 0;
};

}  // namespace calflops
