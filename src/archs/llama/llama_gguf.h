// The GGUF tensor names of the Llama block layout, shared by the families that keep it (their
// GgufMapping sits in their own file).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "readers/gguf/gguf_mapping.h"

namespace calflops {

inline constexpr GgufRename kLlamaAttentionGguf[] = {
    {"attn_norm", "input_layernorm"},    {"attn_q", "self_attn.q_proj"},
    {"attn_k", "self_attn.k_proj"},      {"attn_v", "self_attn.v_proj"},
    {"attn_output", "self_attn.o_proj"}, {"attn_q_norm", "self_attn.q_norm"},
    {"attn_k_norm", "self_attn.k_norm"}, {"ffn_norm", "post_attention_layernorm"},
};
inline constexpr GgufRename kLlamaMlpGguf[] = {
    {"ffn_gate", "mlp.gate_proj"}, {"ffn_up", "mlp.up_proj"}, {"ffn_down", "mlp.down_proj"}};
inline constexpr std::span<const GgufRename> kLlamaBlockGguf[] = {kLlamaAttentionGguf,
                                                                  kLlamaMlpGguf};

/// mlp_bias <- blk.0.ffn_up.bias present (LlamaConfig and MistralConfig read it).
void LlamaMlpBiasGgufKey(const GgufKeys& k, nlohmann::ordered_json& c);

}  // namespace calflops
