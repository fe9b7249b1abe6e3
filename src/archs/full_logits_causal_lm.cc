#include "archs/full_logits_causal_lm.h"

namespace calflops {

std::vector<ForwardCall> FullLogitsCausalLm::Plan(const Workload& w) const {
  auto calls = Architecture::Plan(w);
  calls.front().logits_tokens = calls.front().new_tokens;
  return calls;
}

std::vector<KvCacheSpec> FullLogitsCausalLm::KvCache() const {
  std::vector<KvCacheSpec> specs;
  for (ModuleId attn : cached_attn_) {
    specs.push_back(
        {.module = attn, .elements_per_token = KvElements(2 * cache_heads_, cache_head_dim_)});
  }
  return specs;
}

}  // namespace calflops
