// What the tiny vision-language references (Mllama, Qwen2-VL) share, written once: weights drawn
// as they are used, nn.Linear and RMSNorm under a module scope, and the pieces of their
// Llama-style text decoder: the grouped-query self-attention with a K/V cache that grows by each
// call's tokens, and the SwiGLU MLP. Independent of the production code: a reference shares
// only with other references.
#pragma once

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "reference/nn_ops.h"

namespace reference {

class TinyCachedLm {
 protected:
  TinyCachedLm(std::string attn, unsigned seed, int64_t layers, double rms_eps);

  Tensor W(std::vector<int64_t> shape) { return Tensor::Random(std::move(shape), rng_); }
  /// nn.Linear(x.dim(-1), out) under the scope `name` (its bias is drawn even when unused).
  Tensor Lin(const char* name, const Tensor& x, int64_t out, bool bias);
  /// weight * x * rsqrt(mean(x^2) + eps) under the scope `name`.
  Tensor RmsNorm(const char* name, const Tensor& x);

  /// repeat_kv: each key-value head (dim 1) repeated for its `rep` query heads (a copy).
  static Tensor RepeatKv(const Tensor& t, int64_t rep);

  using RopeFn = std::function<Tensor(const Tensor&)>;
  /// `self_attn` of text layer `layer` over x (B, S, hidden): q/k/v_proj (biased when
  /// `qkv_bias`), `rope` on q and k, the layer's cache grown by the new K/V, repeat_kv, the
  /// attention (`scale`) with the causal mask (eager always, SDPA with several queries), o_proj.
  Tensor CachedSelfAttention(size_t layer, const Tensor& x, int64_t heads, int64_t kv_heads,
                             bool qkv_bias, Scale scale, const RopeFn& rope);
  /// `mlp`: down_proj(act_fn(gate_proj(x)) * up_proj(x)), SiLU.
  Tensor SwiGluMlp(const Tensor& x, int64_t intermediate);

  std::string attn_;
  std::mt19937 rng_;
  std::vector<Tensor> cache_k_, cache_v_;  ///< per text layer (B, kv heads, cached, head_dim)
  int64_t past_ = 0;                       ///< text positions cached before this call
  double rms_eps_;
};

}  // namespace reference
