#include "archs/mla/mla_attention.h"

#include "model/error.h"

namespace calflops {

MlaDims MlaDims::FromConfig(const Config& c) {
  MlaDims m;
  m.q_lora_rank = c.Has("q_lora_rank") ? c.OptInt("q_lora_rank", 1, kMaxConfigDim)
                                       : std::optional<int64_t>(1536);
  m.kv_lora_rank = c.Int("kv_lora_rank", 512, 1, kMaxConfigDim);
  m.qk_nope_head_dim = c.Int("qk_nope_head_dim", 128, 0, kMaxConfigDim);
  m.qk_rope_head_dim = c.Int("qk_rope_head_dim", 64, 2, kMaxConfigDim);
  m.v_head_dim = c.Int("v_head_dim", 128, 1, kMaxConfigDim);
  m.attention_bias = c.Bool("attention_bias", false);
  if (m.qk_rope_head_dim % 2 != 0) {
    throw BadInput(c.Where("qk_rope_head_dim"), "is odd (" + std::to_string(m.qk_rope_head_dim) +
                                                    "); rotary embeddings need an even dimension");
  }
  return m;
}

MlaAttentionBlock MlaAttentionBlock::Build(ModuleTree& tree, ModuleId layer,
                                           const std::string& prefix, const MlaDims& d,
                                           AttnImpl impl, DType dtype) {
  MlaAttentionBlock a;
  a.dims = d;
  // One class for every attn_implementation (the attention-interface style), eager scores
  // "* scaling".
  a.kernel.impl = impl;
  a.kernel.scale_by_mul = true;
  a.id = tree.Add(layer, "self_attn", prefix + "Attention");
  int64_t h = d.hidden, nh = d.n_heads;
  std::string norm_cls = prefix + "RMSNorm";
  if (d.q_lora_rank) {
    a.q_a = Linear::Build(tree, a.id, "q_a_proj", h, *d.q_lora_rank, d.attention_bias, dtype);
    // DeepseekV3RMSNorm(q_lora_rank): the default eps 1e-6, not rms_norm_eps.
    a.q_a_norm = RmsNormBlock::Build(tree, a.id, "q_a_layernorm", norm_cls, *d.q_lora_rank, 1e-6,
                                     NormStyle::kLlama, dtype);
    a.q_b =
        Linear::Build(tree, a.id, "q_b_proj", *d.q_lora_rank, nh * d.qk_head_dim(), false, dtype);
  } else {
    a.q_proj = Linear::Build(tree, a.id, "q_proj", h, nh * d.qk_head_dim(), false, dtype);
  }
  a.kv_a = Linear::Build(tree, a.id, "kv_a_proj_with_mqa", h, d.kv_lora_rank + d.qk_rope_head_dim,
                         d.attention_bias, dtype);
  a.kv_a_norm = RmsNormBlock::Build(tree, a.id, "kv_a_layernorm", norm_cls, d.kv_lora_rank, 1e-6,
                                    NormStyle::kLlama, dtype);
  a.kv_b = Linear::Build(tree, a.id, "kv_b_proj", d.kv_lora_rank,
                         nh * (d.qk_nope_head_dim + d.v_head_dim), false, dtype);
  a.o = Linear::Build(tree, a.id, "o_proj", nh * d.v_head_dim, h, d.attention_bias, dtype);
  return a;
}

KvCacheSpec MlaAttentionBlock::Cache() const {
  return KvCacheSpec{.module = id,
                     .elements_per_token = KvElements(dims.n_heads, dims.qk_head_dim(),
                                                      dims.n_heads, dims.v_head_dim)};
}

Shape MlaAttentionBlock::Forward(Tracer& t, const Shape& x, const Shape& cos,
                                 const DecoderStep& s) const {
  const MlaDims& d = dims;
  int64_t b = s.batch, n = s.tokens, nh = d.n_heads;
  if (d.q_lora_rank) {
    q_b(t, q_a_norm(t, q_a(t, x)));
  } else {
    q_proj(t, x);
  }
  kv_a(t, x);  // split into the latent and the rotary key (free)
  kv_b(t, kv_a_norm(t, Shape{b, n, d.kv_lora_rank}));
  // Rotary on the rope parts only: q_rot (B, H, S, rope), k_rot (B, 1, S, rope).
  ApplyRotary(t, id, Shape{b, nh, n, d.qk_rope_head_dim}, cos);
  ApplyRotary(t, id, Shape{b, 1, n, d.qk_rope_head_dim}, cos);
  // k_rot.expand and the two torch.cat are free. flash_attention_2 pads v to the q/k head
  // dimension (F.pad) and slices the output back: the kernel works on the padded width.
  int64_t dv = kernel.impl == AttnImpl::kFlashAttention2 ? d.qk_head_dim() : d.v_head_dim;
  kernel.Run(t, id, Shape{b, nh, n, d.qk_head_dim()}, nh, dv, s);
  return o(t, Shape{b, n, nh * d.v_head_dim});
}

}  // namespace calflops
