#include "archs/moe/qwen_moe_gguf.h"

#include <nlohmann/json.hpp>

#include "readers/hf_config/config.h"

namespace calflops {

void QwenMoeGgufKeys(const GgufKeys& k, nlohmann::ordered_json& c, bool shared_expert) {
  int64_t experts = k.RequiredInt("expert_count", 1, kMaxConfigDim);
  c["num_experts"] = experts;
  c["num_experts_per_tok"] = k.RequiredInt("expert_used_count", 1, experts);
  if (auto e = k.Int("expert_feed_forward_length", 1, kMaxConfigDim))
    c["moe_intermediate_size"] = *e;
  if (shared_expert) {
    if (auto s = k.Int("expert_shared_feed_forward_length", 1, kMaxConfigDim))
      c["shared_expert_intermediate_size"] = *s;
  }
  // Blocks without a router are dense MLPs.
  nlohmann::ordered_json dense = nlohmann::ordered_json::array();
  for (int64_t i = 0; i < c["num_hidden_layers"].get<int64_t>(); ++i) {
    if (!k.HasTensor("blk." + std::to_string(i) + ".ffn_gate_inp.weight")) dense.push_back(i);
  }
  c["decoder_sparse_step"] = 1;
  c["mlp_only_layers"] = dense;
}

}  // namespace calflops
