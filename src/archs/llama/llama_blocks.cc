#include "archs/llama/llama_blocks.h"

namespace calflops {

using enum CallForm;

std::string AttentionClass(const std::string& prefix, AttnImpl impl) {
  switch (impl) {
    case AttnImpl::kEager: return prefix + "Attention";
    case AttnImpl::kSdpa: return prefix + "SdpaAttention";
    case AttnImpl::kFlashAttention2: return prefix + "FlashAttention2";
  }
  return prefix + "Attention";
}

namespace {

/// apply_rotary_pos_emb for one of q / k: (x * cos) + (rotate_half(x) * sin). `cos` stands for
/// the sin table too (same shape, also a constant).
Shape ApplyRotary(Tracer& t, ModuleId m, const Shape& x, const Shape& cos) {
  Shape a = t.Binary(m, OpKind::kMul, x, cos, kPyOperator);
  Shape half = Tracer::View(x, x.WithLast(x.back() / 2));  // x2 = x[..., d/2:]
  Shape neg = t.Unary(m, OpKind::kNeg, half, kPyOperator);  // -x2 in rotate_half
  Shape rotated = Tracer::View(neg, x);  // torch.cat((-x2, x1)): free, derived from x
  Shape b = t.Binary(m, OpKind::kMul, rotated, cos, kPyOperator);  // rotate_half(x) * sin
  return t.Binary(m, OpKind::kAdd, a, b, kPyOperator);
}

}  // namespace

Shape LlamaAttentionBlock::Forward(Tracer& t, const Shape& x, const Shape& cos,
                                   const DecoderStep& s) const {
  // view(B, s, heads, d).transpose(1, 2): the same tensors.
  Shape qs = Tracer::View(q(t, x), Shape{s.batch, n_heads, s.tokens, head_dim});
  Shape ks = Tracer::View(k(t, x), Shape{s.batch, n_kv_heads, s.tokens, head_dim});
  Shape vs = Tracer::View(v(t, x), Shape{s.batch, n_kv_heads, s.tokens, head_dim});
  Shape cos4 = Tracer::View(cos, Shape{cos[0], 1, cos[1], cos[2]});  // cos.unsqueeze(1)
  qs = ApplyRotary(t, id, qs, cos4);
  ks = ApplyRotary(t, id, ks, cos4);
  int64_t total = s.past + s.tokens;  // after the KV-cache update
  Shape out;
  if (impl == AttnImpl::kEager) {
    // repeat_kv expands k/v to every query head, then matmul / sqrt(d) + mask, softmax, matmul.
    Shape scores = t.MatMul(id, qs, Shape{s.batch, n_heads, head_dim, total}, kTorch);
    scores = t.Scalar(id, OpKind::kDiv, scores, kPyOperator);
    scores = t.Binary(id, OpKind::kAdd, scores, Shape{s.batch, 1, s.tokens, total}, kPyOperator);
    scores = t.Softmax(id, scores, kFunctional);
    out = t.MatMul(id, scores, Shape{s.batch, n_heads, total, head_dim}, kTorch);
  } else {
    // SDPA with is_causal (no mask tensor) and flash-attn with causal=True both mask only when
    // more than one query attends.
    // The cache after update(): the new k / v themselves when it was empty, else a cat.
    Shape kv{s.batch, n_kv_heads, total, head_dim};
    Shape kc = s.past == 0 ? Tracer::View(ks, kv) : kv;
    Shape vc = s.past == 0 ? Tracer::View(vs, kv) : kv;
    out = t.Attention(id, qs, kc, vc, s.tokens > 1, kUnhooked);
  }
  return o(t, Tracer::View(out, Shape{s.batch, s.tokens, n_heads * head_dim}));
}

Shape LlamaMlpBlock::Forward(Tracer& t, const Shape& x) const {
  Shape g = act(t, gate(t, x));
  Shape u = up(t, x);
  return down(t, t.Binary(id, OpKind::kMul, g, u, kPyOperator));
}

Shape LlamaDecoderLayerBlock::Forward(Tracer& t, const Shape& x, const Shape& cos,
                                      const DecoderStep& s) const {
  Shape h = attn.Forward(t, input_norm(t, x), cos, s);
  h = t.Binary(id, OpKind::kAdd, x, h, kPyOperator);  // residual
  Shape m = mlp.Forward(t, post_norm(t, h));
  return t.Binary(id, OpKind::kAdd, h, m, kPyOperator);  // residual
}

LlamaModelBlock LlamaModelBlock::Build(ModuleTree& tree, ModuleId id, const LlamaParams& p,
                                       AttnImpl impl, DType dtype) {
  LlamaModelBlock m;
  m.id = id;
  m.head_dim = p.head_dim;
  m.embed = Embedding::Build(tree, id, "embed_tokens", p.vocab, p.hidden, p.pad_token_id, dtype);
  ModuleId list = tree.Add(id, "layers", "ModuleList");
  tree[list].is_module_list = true;
  for (int64_t i = 0; i < p.n_layers; ++i) {
    LlamaDecoderLayerBlock l;
    l.id = tree.Add(list, std::to_string(i), p.prefix + "DecoderLayer");
    auto& a = l.attn;
    a.id = tree.Add(l.id, "self_attn", AttentionClass(p.prefix, impl));
    a.impl = impl;
    a.n_heads = p.n_heads;
    a.n_kv_heads = p.n_kv_heads;
    a.head_dim = p.head_dim;
    a.q = Linear::Build(tree, a.id, "q_proj", p.hidden, p.q_dim(), p.attention_bias, dtype);
    a.k = Linear::Build(tree, a.id, "k_proj", p.hidden, p.kv_dim(), p.attention_bias, dtype);
    a.v = Linear::Build(tree, a.id, "v_proj", p.hidden, p.kv_dim(), p.attention_bias, dtype);
    a.o = Linear::Build(tree, a.id, "o_proj", p.q_dim(), p.hidden, p.attention_bias, dtype);
    // v4.45 still registers a per-layer rotary_emb (never called: the model-level one is).
    tree.Add(a.id, "rotary_emb", p.prefix + "RotaryEmbedding");
    auto& mlp = l.mlp;
    mlp.id = tree.Add(l.id, "mlp", p.prefix + "MLP");
    mlp.gate = Linear::Build(tree, mlp.id, "gate_proj", p.hidden, p.intermediate, p.mlp_bias, dtype);
    mlp.up = Linear::Build(tree, mlp.id, "up_proj", p.hidden, p.intermediate, p.mlp_bias, dtype);
    mlp.down = Linear::Build(tree, mlp.id, "down_proj", p.intermediate, p.hidden, p.mlp_bias, dtype);
    mlp.act = Activation::Build(tree, mlp.id, "act_fn", p.hidden_act, p.act_where);
    l.input_norm = LlamaRmsNorm::Build(tree, l.id, "input_layernorm", p.prefix + "RMSNorm",
                                       p.hidden, p.rms_eps, dtype);
    l.post_norm = LlamaRmsNorm::Build(tree, l.id, "post_attention_layernorm",
                                      p.prefix + "RMSNorm", p.hidden, p.rms_eps, dtype);
    m.layers.push_back(l);
  }
  m.norm = LlamaRmsNorm::Build(tree, id, "norm", p.prefix + "RMSNorm", p.hidden, p.rms_eps, dtype);
  m.rotary = tree.Add(id, "rotary_emb", p.prefix + "RotaryEmbedding");
  return m;
}

Shape LlamaModelBlock::Forward(Tracer& t, const DecoderStep& s, bool embeds_given) const {
  Shape x{s.batch, s.tokens, embed.dim};
  if (!embeds_given) x = embed(t, t.Constant(Shape{s.batch, s.tokens}));  // input_ids
  // rotary_emb: inv_freq[None, :, None] @ position_ids[:, None, :], cat, cos, sin, * scaling;
  // buffers and positions only, so nothing here needs a gradient.
  t.MatMul(rotary, t.Constant(Shape{s.position_batch, head_dim / 2, 1}),
           t.Constant(Shape{s.position_batch, 1, s.tokens}), kPyOperator);
  Shape emb = t.Constant(Shape{s.position_batch, s.tokens, head_dim});  // cat((freqs, freqs))
  Shape cos = t.Unary(rotary, OpKind::kCos, emb, kTorch);
  Shape sin = t.Unary(rotary, OpKind::kSin, emb, kTorch);
  cos = t.Scalar(rotary, OpKind::kMul, cos, kPyOperator);
  t.Scalar(rotary, OpKind::kMul, sin, kPyOperator);
  for (const auto& l : layers) x = l.Forward(t, x, cos, s);
  return norm(t, x);
}

std::vector<KvCacheSpec> LlamaModelBlock::KvCache() const {
  std::vector<KvCacheSpec> specs;
  for (const auto& l : layers) {
    specs.push_back(KvCacheSpec{.module = l.attn.id,
                                .elements_per_token = KvElements(2 * l.attn.n_kv_heads, l.attn.head_dim)});
  }
  return specs;
}

LlamaCausalLmBlock LlamaCausalLmBlock::Build(ModuleTree& tree, ModuleId id, const LlamaParams& p,
                                             AttnImpl impl, DType dtype) {
  LlamaCausalLmBlock b;
  b.id = id;
  ModuleId model = tree.Add(id, "model", p.prefix + "Model");
  b.model = LlamaModelBlock::Build(tree, model, p, impl, dtype);
  b.lm_head = Linear::Build(tree, id, "lm_head", p.hidden, p.vocab, false, dtype);
  if (p.tie_word_embeddings) {
    // The head shares embed_tokens' weight: one tensor, counted once.
    tree[b.lm_head.id].params.clear();
    tree.AddParam(b.lm_head.id, "weight", Shape{p.vocab, p.hidden}, dtype, b.model.embed.storage);
  }
  return b;
}

Shape LlamaCausalLmBlock::Forward(Tracer& t, const DecoderStep& s, int64_t logits,
                                  bool embeds_given) const {
  Shape h = model.Forward(t, s, embeds_given);
  return lm_head(t, Shape{s.batch, logits, h.back()});
}

}  // namespace calflops
