#include "archs/clip/clip_blocks.h"

#include "archs/llama/llama_blocks.h"

namespace calflops {

using enum CallForm;

std::string ClipAttentionClass(AttnImpl impl) { return AttentionClass("CLIP", impl); }

Shape ClipAttentionBlock::Forward(Tracer& t, const Shape& x, ClipMask mask) const {
  const int64_t b = x[0], s = x[1];
  const bool masked = mask == ClipMask::kCausalAndPadding;
  Shape heads{b, n_heads, s, head_dim};
  Shape mask4{b, 1, s, s};
  if (impl == AttnImpl::kEager) {
    // q_proj(x) * scale, k, v; bmm (unpatched), + causal mask, + padding mask, F.softmax, bmm.
    t.Scalar(id, OpKind::kMul, q(t, x), kPyOperator);
    k(t, x);
    v(t, x);
    Shape scores = t.MatMul(id, heads, Shape{b, n_heads, head_dim, s}, kUnhooked);
    if (masked) {
      t.Binary(id, OpKind::kAdd, scores, mask4, kPyOperator);
      t.Binary(id, OpKind::kAdd, scores, mask4, kPyOperator);
    }
    t.Softmax(id, Shape{b * n_heads, s, s}, kFunctional);
    t.MatMul(id, scores, heads, kUnhooked);
  } else {
    // SDPA takes one mask: the text model adds its padding and causal masks first. Flash-attn
    // takes no mask tensor (causal flag, unpadding by index).
    if (masked && impl == AttnImpl::kSdpa) t.Binary(id, OpKind::kAdd, mask4, mask4, kPyOperator);
    q(t, x);
    k(t, x);
    v(t, x);
    t.Attention(id, heads, heads, heads, masked, kUnhooked);
  }
  return out(t, x);
}

Shape ClipMlpBlock::Forward(Tracer& t, const Shape& x) const { return fc2(t, act(t, fc1(t, x))); }

Shape ClipEncoderLayerBlock::Forward(Tracer& t, const Shape& x, ClipMask mask) const {
  Shape h = attn.Forward(t, ln1(t, x), mask);
  h = t.Binary(id, OpKind::kAdd, x, h, kPyOperator);  // residual
  Shape m = mlp.Forward(t, ln2(t, h));
  return t.Binary(id, OpKind::kAdd, h, m, kPyOperator);  // residual
}

ClipEncoderBlock ClipEncoderBlock::Build(ModuleTree& tree, ModuleId id, const ClipEncoderParams& p,
                                         AttnImpl impl, DType dtype) {
  ClipEncoderBlock e;
  e.id = id;
  ModuleId list = tree.Add(id, "layers", "ModuleList");
  tree[list].is_module_list = true;
  for (int64_t i = 0; i < p.n_layers; ++i) {
    ClipEncoderLayerBlock l;
    l.id = tree.Add(list, std::to_string(i), "CLIPEncoderLayer");
    auto& a = l.attn;
    a.id = tree.Add(l.id, "self_attn", ClipAttentionClass(impl));
    a.impl = impl;
    a.n_heads = p.n_heads;
    a.head_dim = p.head_dim();
    a.k = Linear::Build(tree, a.id, "k_proj", p.hidden, p.hidden, true, dtype);
    a.v = Linear::Build(tree, a.id, "v_proj", p.hidden, p.hidden, true, dtype);
    a.q = Linear::Build(tree, a.id, "q_proj", p.hidden, p.hidden, true, dtype);
    a.out = Linear::Build(tree, a.id, "out_proj", p.hidden, p.hidden, true, dtype);
    l.ln1 = LayerNorm::Build(tree, l.id, "layer_norm1", p.hidden, p.ln_eps, dtype);
    auto& m = l.mlp;
    m.id = tree.Add(l.id, "mlp", "CLIPMLP");
    m.act = Activation::Build(tree, m.id, "activation_fn", p.hidden_act, p.act_where);
    m.fc1 = Linear::Build(tree, m.id, "fc1", p.hidden, p.intermediate, true, dtype);
    m.fc2 = Linear::Build(tree, m.id, "fc2", p.intermediate, p.hidden, true, dtype);
    l.ln2 = LayerNorm::Build(tree, l.id, "layer_norm2", p.hidden, p.ln_eps, dtype);
    e.layers.push_back(l);
  }
  return e;
}

Shape ClipEncoderBlock::Forward(Tracer& t, const Shape& x, ClipMask mask) const {
  Shape h = x;
  for (const auto& l : layers) h = l.Forward(t, h, mask);
  return h;
}

ClipVisionBlock ClipVisionBlock::Build(ModuleTree& tree, ModuleId id, const ClipVisionParams& p,
                                       AttnImpl impl, DType dtype) {
  ClipVisionBlock v;
  v.id = id;
  v.params = p;
  const int64_t d = p.enc.hidden;
  v.embeddings = tree.Add(id, "embeddings", "CLIPVisionEmbeddings");
  tree.AddParam(v.embeddings, "class_embedding", Shape{d}, dtype);
  v.patch_embedding = Conv2d::Build(tree, v.embeddings, "patch_embedding", p.channels, d, p.patch,
                                    p.patch, 0, 1, false, dtype);
  v.position_embedding =
      Embedding::Build(tree, v.embeddings, "position_embedding", p.positions(), d, {}, dtype);
  v.pre_layrnorm = LayerNorm::Build(tree, id, "pre_layrnorm", d, p.enc.ln_eps, dtype);
  v.encoder =
      ClipEncoderBlock::Build(tree, tree.Add(id, "encoder", "CLIPEncoder"), p.enc, impl, dtype);
  v.post_layernorm = LayerNorm::Build(tree, id, "post_layernorm", d, p.enc.ln_eps, dtype);
  return v;
}

Shape ClipVisionBlock::Forward(Tracer& t, int64_t images) const {
  const ClipVisionParams& p = params;
  // Embeddings: conv patches, flatten + transpose, cat CLS (free), + position_embedding(ids).
  patch_embedding(t, Shape{images, p.channels, p.image_size, p.image_size});
  Shape pos = position_embedding(t, Shape{1, p.positions()});
  Shape x = t.Binary(embeddings, OpKind::kAdd, Shape{images, p.positions(), p.enc.hidden}, pos,
                     kPyOperator);
  x = pre_layrnorm(t, x);
  x = encoder.Forward(t, x, ClipMask::kNone);
  post_layernorm(t, Shape{images, p.enc.hidden});  // pooled output: last_hidden_state[:, 0, :]
  return x;
}

ClipTextBlock ClipTextBlock::Build(ModuleTree& tree, ModuleId id, const ClipTextParams& p,
                                   AttnImpl impl, DType dtype) {
  ClipTextBlock b;
  b.id = id;
  b.params = p;
  const int64_t d = p.enc.hidden;
  b.embeddings = tree.Add(id, "embeddings", "CLIPTextEmbeddings");
  b.token_embedding =
      Embedding::Build(tree, b.embeddings, "token_embedding", p.vocab, d, {}, dtype);
  b.position_embedding =
      Embedding::Build(tree, b.embeddings, "position_embedding", p.max_positions, d, {}, dtype);
  b.encoder =
      ClipEncoderBlock::Build(tree, tree.Add(id, "encoder", "CLIPEncoder"), p.enc, impl, dtype);
  b.final_layer_norm = LayerNorm::Build(tree, id, "final_layer_norm", d, p.enc.ln_eps, dtype);
  return b;
}

Shape ClipTextBlock::Forward(Tracer& t, int64_t batch, int64_t seq) const {
  Shape tok = token_embedding(t, Shape{batch, seq});
  Shape pos = position_embedding(t, Shape{1, seq});
  Shape x = t.Binary(embeddings, OpKind::kAdd, tok, pos, kPyOperator);
  // The causal mask and the expanded padding mask are built with torch.full / masked_fill and
  // `1.0 - mask` (unhooked; mask construction, not model arithmetic).
  x = encoder.Forward(t, x, ClipMask::kCausalAndPadding);
  return final_layer_norm(t, x);  // pooled output: an index at the EOS position
}

}  // namespace calflops
