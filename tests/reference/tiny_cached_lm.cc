#include "reference/tiny_cached_lm.h"

namespace reference {

TinyCachedLm::TinyCachedLm(std::string attn, unsigned seed, int64_t layers, double rms_eps)
    : attn_(std::move(attn)), rng_(seed), rms_eps_(rms_eps) {
  cache_k_.assign(static_cast<size_t>(layers), Tensor());
  cache_v_.assign(static_cast<size_t>(layers), Tensor());
}

Tensor TinyCachedLm::RepeatKv(const Tensor& t, int64_t rep) {
  std::vector<Tensor> parts;
  for (int64_t h = 0; h < t.dim(1); ++h)
    for (int64_t r = 0; r < rep; ++r) parts.push_back(t.Slice(1, h, h + 1));
  return Cat(parts, 1);
}

Tensor TinyCachedLm::Lin(const char* name, const Tensor& x, int64_t out, bool bias) {
  Scope s(name);
  Tensor b = W({out});
  return Linear(x, W({out, x.dim(-1)}), bias ? &b : nullptr);
}

Tensor TinyCachedLm::RmsNorm(const char* name, const Tensor& x) {
  Scope s(name);
  Tensor var = Map(WithScalar(MeanLast(Binary(x, x, Mul)), rms_eps_, Add), Rsqrt);
  return Binary(W({x.dim(-1)}), Binary(x, var, Mul), Mul);
}

Tensor TinyCachedLm::CachedSelfAttention(size_t layer, const Tensor& x, int64_t heads,
                                         int64_t kv_heads, bool qkv_bias, Scale scale,
                                         const RopeFn& rope) {
  Scope a("self_attn");
  const int64_t b = x.dim(0), s = x.dim(1), h = heads, kvh = kv_heads, d = x.dim(2) / h;
  Tensor q = Lin("q_proj", x, h * d, qkv_bias).Reshape({b, s, h, d}).Transpose(1, 2);
  Tensor k = Lin("k_proj", x, kvh * d, qkv_bias).Reshape({b, s, kvh, d}).Transpose(1, 2);
  Tensor v = Lin("v_proj", x, kvh * d, qkv_bias).Reshape({b, s, kvh, d}).Transpose(1, 2);
  q = rope(q);
  k = rope(k);
  Tensor& ck = cache_k_[layer];
  Tensor& cv = cache_v_[layer];
  ck = ck.numel() ? Cat({ck, k}, 2) : k;
  cv = cv.numel() ? Cat({cv, v}, 2) : v;
  const int64_t total = ck.dim(2);
  Tensor mask({1, 1, s, total});
  for (int64_t i = 0; i < s; ++i)
    for (int64_t j = 0; j < total; ++j) mask.at(i * total + j) = j > past_ + i ? -1e30 : 0.0;
  const bool masked = attn_ == "eager" || s > 1;
  Tensor ctx = AttentionRef(q, RepeatKv(ck, h / kvh), RepeatKv(cv, h / kvh), scale,
                            masked ? &mask : nullptr);
  return Lin("o_proj", ctx.Transpose(1, 2).Reshape({b, s, h * d}), x.dim(2), false);
}

Tensor TinyCachedLm::SwiGluMlp(const Tensor& x, int64_t intermediate) {
  Scope s("mlp");
  Tensor g = Lin("gate_proj", x, intermediate, false);
  {
    Scope a("act_fn");
    g = Map(g, [](double v) { return Div(v, Add(1.0, Exp(Neg(v)))); });  // silu
  }
  Tensor u = Lin("up_proj", x, intermediate, false);
  return Lin("down_proj", Binary(g, u, Mul), x.dim(-1), false);
}

}  // namespace reference
