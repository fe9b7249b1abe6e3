// Multi-head latent attention (DeepSeek-V2/V3; DeepseekV3Attention in upstream transformers'
// modeling_deepseek_v3.py, which v4.45 does not have). Queries go through a low-rank bottleneck
// (q_a_proj -> q_a_layernorm -> q_b_proj; or one q_proj when q_lora_rank is null); keys and
// values are decompressed from a shared latent (kv_a_proj_with_mqa -> kv_a_layernorm ->
// kv_b_proj), plus one rotary key of qk_rope_head_dim shared by every head:
//
//   q = [q_nope (qk_nope_head_dim) | rope(q_rot) (qk_rope_head_dim)]   per head
//   k = [k_nope (qk_nope_head_dim) | rope(k_rot) broadcast]            per head
//   v = v_head_dim per head
//
// Counted as transformers runs it (decompressed keys and values in the cache), not as the
// weight-absorbed inference kernels of DeepSeek's own serving code.
#pragma once

#include <optional>

#include "archs/llama/llama_blocks.h"

namespace calflops {

struct MlaDims {
  int64_t hidden = 7168;
  int64_t n_heads = 128;
  std::optional<int64_t> q_lora_rank = 1536;
  int64_t kv_lora_rank = 512;
  int64_t qk_nope_head_dim = 128;
  int64_t qk_rope_head_dim = 64;
  int64_t v_head_dim = 128;
  bool attention_bias = false;
  int64_t qk_head_dim() const { return qk_nope_head_dim + qk_rope_head_dim; }
  /// The latent-attention keys (q_lora_rank, kv_lora_rank, qk_nope/rope_head_dim, v_head_dim,
  /// attention_bias) with the DeepSeek config defaults; hidden and heads are the caller's.
  static MlaDims FromConfig(const Config& c);
};

struct MlaAttentionBlock : SelfAttention {
  ModuleId id = kNoModule;
  Linear q_proj, q_a, q_b, kv_a, kv_b, o;
  RmsNormBlock q_a_norm, kv_a_norm;
  MlaDims dims;
  AttentionKernel kernel;

  /// Registers "self_attn" of class <prefix>Attention under `layer`.
  static MlaAttentionBlock Build(ModuleTree& tree, ModuleId layer, const std::string& prefix,
                                 const MlaDims& dims, AttnImpl impl, DType dtype);
  Shape Forward(Tracer& t, const Shape& x, const Shape& cos, const DecoderStep& s) const override;
  /// The cache as the HF / remote-code implementation keeps it: K (qk_head_dim) and V
  /// (v_head_dim) of every head, after kv_b_proj; an engine caching the compressed latent keeps
  /// kv_lora_rank + qk_rope_head_dim per token instead (docs/memory-and-latency.md).
  KvCacheSpec Cache() const override;
};

}  // namespace calflops
