// GGUF names and keys of the Qwen mixture-of-experts block, shared by qwen2_moe and qwen3_moe.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "archs/llama/llama_gguf.h"

namespace calflops {

inline constexpr GgufRename kQwenMoeGguf[] = {
    {"ffn_gate_inp", "mlp.gate"},
    {"ffn_gate_exps", "mlp.experts", true},
    {"ffn_down_exps", "mlp.experts", true},
    {"ffn_up_exps", "mlp.experts", true},
    {"ffn_gate_inp_shexp", "mlp.shared_expert_gate"},
    {"ffn_gate_shexp", "mlp.shared_expert.gate_proj"},
    {"ffn_up_shexp", "mlp.shared_expert.up_proj"},
    {"ffn_down_shexp", "mlp.shared_expert.down_proj"},
};
inline constexpr std::span<const GgufRename> kQwenMoeBlockGguf[] = {kLlamaAttentionGguf,
                                                                    kLlamaMlpGguf, kQwenMoeGguf};

/// num_experts <- expert_count, num_experts_per_tok <- expert_used_count, moe_intermediate_size
/// <- expert_feed_forward_length, shared_expert_intermediate_size <-
/// expert_shared_feed_forward_length (when `shared_expert`), mlp_only_layers <- the blocks
/// without a router (ffn_gate_inp) tensor.
void QwenMoeGgufKeys(const GgufKeys& k, nlohmann::ordered_json& c, bool shared_expert);

}  // namespace calflops
