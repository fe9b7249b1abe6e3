#include "archs/encdec/encdec_layer.h"

#include "archs/config_checks.h"

namespace calflops {

using enum CallForm;

EncDecDims EncDecDims::FromConfig(const Config& c, const EncDecDims& defaults) {
  EncDecDims p;
  p.d_model = c.Int("d_model", defaults.d_model, 1, kMaxConfigDim);
  p.enc_layers = c.Int("encoder_layers", defaults.enc_layers, 0, kMaxLayers);
  p.dec_layers = c.Int("decoder_layers", defaults.dec_layers, 0, kMaxLayers);
  p.enc_heads = c.Int("encoder_attention_heads", defaults.enc_heads, 1, kMaxConfigDim);
  p.dec_heads = c.Int("decoder_attention_heads", defaults.dec_heads, 1, kMaxConfigDim);
  RequireDivides(c, "encoder_attention_heads", p.enc_heads, "d_model", p.d_model);
  RequireDivides(c, "decoder_attention_heads", p.dec_heads, "d_model", p.d_model);
  p.enc_ffn = c.Int("encoder_ffn_dim", defaults.enc_ffn, 1, kMaxConfigDim);
  p.dec_ffn = c.Int("decoder_ffn_dim", defaults.dec_ffn, 1, kMaxConfigDim);
  p.act = c.String("activation_function", defaults.act);
  p.act_where = c.Where("activation_function");
  return p;
}

EncDecAttention EncDecAttention::Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                                       const EncDecStyle& style, int64_t d_model, int64_t heads,
                                       DType dtype) {
  EncDecAttention a;
  a.id = tree.Add(parent, name, AttentionClass(style.prefix, style.impl));
  int64_t e = d_model;
  a.k = Linear::Build(tree, a.id, "k_proj", e, e, style.k_bias, dtype);
  a.v = Linear::Build(tree, a.id, "v_proj", e, e, true, dtype);
  a.q = Linear::Build(tree, a.id, "q_proj", e, e, true, dtype);
  a.out = Linear::Build(tree, a.id, "out_proj", e, e, true, dtype);
  a.heads = heads;
  a.dim = e / heads;
  a.impl = style.impl;
  a.bmm = style.bmm;
  return a;
}

Shape EncDecAttention::operator()(Tracer& t, const Shape& x, const Shape& src, bool project,
                                  int64_t keys, bool mask) const {
  int64_t b = x[0], tq = x[1], h = heads, d = dim;
  bool eager = impl == AttnImpl::kEager;
  Shape query = q(t, x);
  // q_proj(x) * self.scaling: Whisper scales before projecting K and V, BART after.
  if (eager && !bmm) query = t.Scalar(id, OpKind::kMul, query, kPyOperator);
  if (project) {
    k(t, src);
    v(t, src);
  }
  if (!eager) {
    Shape ctx = t.Attention(id, Tracer::View(query, {b, h, tq, d}), Shape{b, h, keys, d},
                            Shape{b, h, keys, d}, mask, kUnhooked);
    return out(t, Tracer::View(ctx, {b, tq, h * d}));
  }
  if (bmm) query = t.Scalar(id, OpKind::kMul, query, kPyOperator);
  // BART: torch.bmm over (B*H, rows, cols) (unhooked); Whisper: torch.matmul over (B, H, ...).
  CallForm form = bmm ? kUnhooked : kTorch;
  auto per_head = [&](int64_t rows, int64_t cols) {
    return bmm ? Shape{b * h, rows, cols} : Shape{b, h, rows, cols};
  };
  Shape scores = t.MatMul(id, Tracer::View(query, per_head(tq, d)), per_head(d, keys), form);
  if (mask) {
    scores = t.Binary(id, OpKind::kAdd, Tracer::View(scores, {b, h, tq, keys}),
                      t.Constant({b, 1, tq, keys}), kPyOperator);
  }
  scores = t.Softmax(id, Tracer::View(scores, per_head(tq, keys)), kFunctional);
  Shape ctx = t.MatMul(id, scores, per_head(keys, d), form);
  return out(t, Tracer::View(ctx, {b, tq, h * d}));
}

EncDecLayer EncDecLayer::Build(ModuleTree& tree, ModuleId list, int64_t index, bool decoder,
                               const EncDecDims& dims, const EncDecStyle& style, DType dtype) {
  int64_t e = dims.d_model, ffn = decoder ? dims.dec_ffn : dims.enc_ffn;
  EncDecLayer l;
  l.decoder = decoder;
  l.pre_norm = style.pre_norm;
  l.id = tree.Add(list, std::to_string(index),
                  style.prefix + (decoder ? "DecoderLayer" : "EncoderLayer"));
  l.self = EncDecAttention::Build(tree, l.id, "self_attn", style, e,
                                  decoder ? dims.dec_heads : dims.enc_heads, dtype);
  if (!decoder) l.self_norm = LayerNorm::Build(tree, l.id, "self_attn_layer_norm", e, 1e-5, dtype);
  l.act = Activation::Build(tree, l.id, "activation_fn", dims.act, dims.act_where);
  if (decoder) {
    l.self_norm = LayerNorm::Build(tree, l.id, "self_attn_layer_norm", e, 1e-5, dtype);
    l.cross = EncDecAttention::Build(tree, l.id, "encoder_attn", style, e, dims.dec_heads, dtype);
    l.cross_norm = LayerNorm::Build(tree, l.id, "encoder_attn_layer_norm", e, 1e-5, dtype);
  }
  l.fc1 = Linear::Build(tree, l.id, "fc1", e, ffn, true, dtype);
  l.fc2 = Linear::Build(tree, l.id, "fc2", ffn, e, true, dtype);
  l.final_norm = LayerNorm::Build(tree, l.id, "final_layer_norm", e, 1e-5, dtype);
  return l;
}

Shape EncDecLayer::operator()(Tracer& t, const Shape& x, int64_t self_keys, bool self_mask,
                              const Shape& enc, bool cross_kv, bool cross_mask) const {
  // x + sub(norm(x)) (pre-norm) or norm(x + sub(x)) (post-norm)
  auto residual = [&](const LayerNorm& norm, const Shape& in, auto&& sub) {
    if (pre_norm) return t.Binary(id, OpKind::kAdd, in, sub(norm(t, in)), kPyOperator);
    return norm(t, t.Binary(id, OpKind::kAdd, in, sub(in), kPyOperator));
  };
  Shape y = residual(self_norm, x,
                     [&](const Shape& h) { return self(t, h, h, true, self_keys, self_mask); });
  if (decoder) {
    y = residual(cross_norm, y,
                 [&](const Shape& h) { return cross(t, h, enc, cross_kv, enc[1], cross_mask); });
  }
  return residual(final_norm, y, [&](const Shape& h) { return fc2(t, act(t, fc1(t, h))); });
}

std::vector<KvCacheSpec> EncDecKvCache(const std::vector<EncDecLayer>& decoder_layers,
                                       int64_t d_model) {
  std::vector<KvCacheSpec> specs;
  for (const auto& l : decoder_layers) {
    specs.push_back({.module = l.self.id, .elements_per_token = KvElements(2, d_model)});
    specs.push_back({.module = l.cross.id, .elements_per_encoder_token = KvElements(2, d_model)});
  }
  return specs;
}

}  // namespace calflops
