#include "archs/encoder/encoder_layer.h"

#include "model/error.h"

namespace calflops {

using enum CallForm;

void CheckEncoderAttnImpl(AttnImpl impl, const std::string& model_class) {
  if (impl == AttnImpl::kFlashAttention2) {
    throw Unsupported("--attn-impl", model_class +
                                         " has no flash_attention_2 implementation in transformers "
                                         "4.45 (available: eager, sdpa)");
  }
}

Shape EncoderSelfAttention::Forward(Tracer& t, const Shape& x, bool masked) const {
  int64_t b = x[0], s = x[1];
  query(t, x);
  key(t, x);
  value(t, x);
  Shape q{b, heads, s, head_dim};  // transpose_for_scores: views and permutes
  if (impl == AttnImpl::kEager) {
    Shape scores = t.MatMul(id, q, Shape{b, heads, head_dim, s}, kTorch);
    scores = t.Scalar(id, OpKind::kDiv, scores, kPyOperator);  // / math.sqrt(head_size)
    if (masked) scores = t.Binary(id, OpKind::kAdd, scores, Shape{b, 1, 1, s}, kPyOperator);
    scores = t.Softmax(id, scores, kFunctional);
    t.MatMul(id, scores, q, kTorch);  // probs @ value
  } else {
    t.Attention(id, q, q, q, masked, kUnhooked);
  }
  return x.WithLast(heads * head_dim);
}

EncoderLayer EncoderLayer::Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                                 const EncoderLayerStyle& st, const EncoderParams& p, AttnImpl impl,
                                 DType dtype) {
  const std::string& P = st.prefix;
  bool sdpa = impl == AttnImpl::kSdpa;
  EncoderLayer l;
  l.id = tree.Add(parent, name, P + "Layer");
  // ViT swaps the whole attention wrapper (ViTSdpaAttention); BERT only the inner class.
  ModuleId attention =
      tree.Add(l.id, "attention", P + (st.pre_norm && sdpa ? "SdpaAttention" : "Attention"));
  auto& a = l.self;
  a.id = tree.Add(attention, st.pre_norm ? "attention" : "self",
                  P + (sdpa ? "SdpaSelfAttention" : "SelfAttention"));
  a.impl = impl;
  a.heads = p.n_heads;
  a.head_dim = p.head_dim;
  int64_t all = p.n_heads * p.head_dim;
  a.query = Linear::Build(tree, a.id, "query", p.hidden, all, p.qkv_bias, dtype);
  a.key = Linear::Build(tree, a.id, "key", p.hidden, all, p.qkv_bias, dtype);
  a.value = Linear::Build(tree, a.id, "value", p.hidden, all, p.qkv_bias, dtype);
  BuildDropout(tree, a.id, "dropout", p.attention_dropout);

  l.self_output = tree.Add(attention, "output", P + "SelfOutput");
  l.self_dense = Linear::Build(tree, l.self_output, "dense", p.hidden, p.hidden, true, dtype);
  if (!st.pre_norm) {
    l.self_norm =
        LayerNorm::Build(tree, l.self_output, "LayerNorm", p.hidden, p.layer_norm_eps, dtype);
  }
  BuildDropout(tree, l.self_output, "dropout", p.hidden_dropout);

  l.intermediate = tree.Add(l.id, "intermediate", P + "Intermediate");
  l.intermediate_dense =
      Linear::Build(tree, l.intermediate, "dense", p.hidden, p.intermediate, true, dtype);
  l.act = Activation::Build(tree, l.intermediate, "intermediate_act_fn", p.hidden_act, p.act_where);

  l.output = tree.Add(l.id, "output", P + "Output");
  l.output_dense = Linear::Build(tree, l.output, "dense", p.intermediate, p.hidden, true, dtype);
  if (!st.pre_norm) {
    l.output_norm =
        LayerNorm::Build(tree, l.output, "LayerNorm", p.hidden, p.layer_norm_eps, dtype);
  }
  BuildDropout(tree, l.output, "dropout", p.hidden_dropout);
  if (st.pre_norm) {
    l.norm_before =
        LayerNorm::Build(tree, l.id, "layernorm_before", p.hidden, p.layer_norm_eps, dtype);
    l.norm_after =
        LayerNorm::Build(tree, l.id, "layernorm_after", p.hidden, p.layer_norm_eps, dtype);
  }
  return l;
}

Shape EncoderLayer::Forward(Tracer& t, const Shape& x, bool masked) const {
  if (norm_before) {
    // ViTLayer: x + attention(layernorm_before(x)); x + output(intermediate(layernorm_after(x))).
    Shape h = self.Forward(t, (*norm_before)(t, x), masked);
    h = self_dense(t, h);
    h = t.Binary(id, OpKind::kAdd, h, x, kPyOperator);
    Shape m = intermediate_dense(t, (*norm_after)(t, h));
    m = act(t, m);
    m = output_dense(t, m);
    return t.Binary(output, OpKind::kAdd, m, h, kPyOperator);  // inside ViTOutput
  }
  // BertLayer: LayerNorm(dense(attention(x)) + x), then LayerNorm(dense(act(dense(h))) + h).
  Shape h = self_dense(t, self.Forward(t, x, masked));
  h = (*self_norm)(t, t.Binary(self_output, OpKind::kAdd, h, x, kPyOperator));
  Shape m = act(t, intermediate_dense(t, h));
  m = output_dense(t, m);
  return (*output_norm)(t, t.Binary(output, OpKind::kAdd, m, h, kPyOperator));
}

}  // namespace calflops
