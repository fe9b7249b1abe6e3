#include "reference/tiny_encdec.h"

#include <cmath>

namespace reference::encdec {

std::string DimsJson(int64_t d_model, int64_t enc_layers, int64_t dec_layers, int64_t heads,
                     int64_t ffn, int64_t vocab) {
  return "\"d_model\": " + std::to_string(d_model) +
         ", \"encoder_layers\": " + std::to_string(enc_layers) +
         ", \"decoder_layers\": " + std::to_string(dec_layers) +
         ", \"encoder_attention_heads\": " + std::to_string(heads) +
         ", \"decoder_attention_heads\": " + std::to_string(heads) +
         ", \"encoder_ffn_dim\": " + std::to_string(ffn) +
         ", \"decoder_ffn_dim\": " + std::to_string(ffn) +
         ", \"vocab_size\": " + std::to_string(vocab) +
         ", \"pad_token_id\": 1, \"activation_function\": \"gelu\"";
}

Layer RandomLayer(int64_t e, int64_t f, bool k_bias, std::mt19937& rng) {
  auto attn = [&] {
    Attn a;
    a.k_bias = k_bias;
    for (Tensor* t : {&a.k, &a.v, &a.q, &a.o}) *t = Tensor::Random({e, e}, rng);
    for (Tensor* t : {&a.kb, &a.vb, &a.qb, &a.ob})
      if (t != &a.kb || k_bias) *t = Tensor::Random({e}, rng);
    return a;
  };
  Layer l;
  l.self = attn();
  l.cross = attn();
  for (Tensor* t : {&l.ln1w, &l.ln1b, &l.ln2w, &l.ln2b, &l.ln3w, &l.ln3b, &l.fc2b})
    *t = Tensor::Random({e}, rng);
  l.fc1 = Tensor::Random({f, e}, rng);
  l.fc1b = Tensor::Random({f}, rng);
  l.fc2 = Tensor::Random({e, f}, rng);
  return l;
}

Tensor Norm(const std::string& scope, const Tensor& x, const Tensor& w, const Tensor& b) {
  return reference::Norm(scope, x, w, b, 1e-5);
}

std::pair<Tensor, Tensor> ProjectKv(const std::string& name, const Attn& a, const Tensor& x) {
  Scope s(name);
  Tensor k = Lin("k_proj", x, a.k, a.k_bias ? &a.kb : nullptr);
  return {k, Lin("v_proj", x, a.v, &a.vb)};
}

Tensor Attention(const std::string& name, const Attn& a, const Tensor& x, const Tensor& k,
                 const Tensor& v, int64_t heads, bool eager, bool mask, bool causal) {
  Scope s(name);
  int64_t b = x.dim(0), t = x.dim(1), keys = k.dim(1), h = heads;
  double d = static_cast<double>(x.dim(2) / h);
  Tensor q = Lin("q_proj", x, a.q, &a.qb);
  if (eager) q = WithScalar(q, 1.0 / std::sqrt(d), Mul);  // q_proj(x) * self.scaling
  Tensor qh = SplitHeads(q, h), kh = SplitHeads(k, h), vh = SplitHeads(v, h);
  Tensor m({b, 1, t, keys});
  if (causal)
    for (int64_t bi = 0; bi < b; ++bi)
      for (int64_t i = 0; i < t; ++i)
        for (int64_t j = keys - t + i + 1; j < keys; ++j) m({bi, 0, i, j}) = -1e9;
  Tensor ctx;
  if (eager) {
    Tensor scores = MatMul(qh, kh.Transpose(2, 3));
    if (mask) scores = Binary(scores, m, Add);
    ctx = MatMul(SoftmaxLast(scores), vh);
  } else {
    ctx = AttentionRef(qh, kh, vh, Scale::kDivSqrt, mask ? &m : nullptr);
  }
  return Lin("out_proj", MergeHeads(ctx), a.o, &a.ob);
}

Tensor FeedForward(const Layer& l, const Tensor& x) {
  Tensor h = Lin("fc1", x, l.fc1, &l.fc1b);
  {
    Scope a("activation_fn");
    h = GeluErf(h);
  }
  return Lin("fc2", h, l.fc2, &l.fc2b);
}

}  // namespace reference::encdec
