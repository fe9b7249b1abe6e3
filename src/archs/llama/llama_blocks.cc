#include "archs/llama/llama_blocks.h"

#include "archs/nn/gemma_rms_norm.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/output_head.h"

namespace calflops {

using enum CallForm;

RmsNormBlock RmsNormBlock::Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                                 const std::string& cls, int64_t dim, double eps, NormStyle style,
                                 DType dtype) {
  ModuleId id = kNoModule;
  if (style == NormStyle::kGemma) {
    id = GemmaRmsNorm::Build(tree, parent, name, cls, dim, eps, dtype).id;
  } else if (style == NormStyle::kCohere) {
    id = tree.Add(parent, name, cls);  // no extra_repr
    tree.AddParam(id, "weight", Shape{dim}, dtype);
  } else if (style == NormStyle::kLayerNorm) {
    id = LayerNorm::Build(tree, parent, name, dim, eps, dtype).id;
  } else if (style == NormStyle::kLayerNormNoParams) {
    id = tree.Add(parent, name, cls);  // no parameters, no extra_repr
  } else {
    id = LlamaRmsNorm::Build(tree, parent, name, cls, dim, eps, dtype).id;
  }
  return RmsNormBlock{.id = id, .dim = dim, .style = style};
}

Shape RmsNormBlock::operator()(Tracer& t, const Shape& x) const {
  if (style == NormStyle::kGemma) return GemmaRmsNorm{.id = id, .dim = dim}(t, x);
  if (style == NormStyle::kLayerNorm) return t.LayerNorm(id, x, true, true, CallForm::kFunctional);
  if (style == NormStyle::kCohere) {
    using enum CallForm;
    Shape mean = t.ReduceLast(id, OpKind::kMean, x, kTorch);       // x.mean(-1, keepdim=True)
    Shape c = t.Binary(id, OpKind::kSub, x, mean, kPyOperator);     // (x - mean)
    Shape var = t.Unary(id, OpKind::kPow, c, kTorch);               // .pow(2)
    var = t.ReduceLast(id, OpKind::kMean, var, kTorch);             // .mean(-1, keepdim=True)
    var = t.Scalar(id, OpKind::kAdd, var, kPyOperator);             // variance + eps
    c = t.Binary(id, OpKind::kSub, x, mean, kPyOperator);           // (x - mean), again
    var = t.Unary(id, OpKind::kRsqrt, var, kTorch);                 // torch.rsqrt
    Shape h = t.Binary(id, OpKind::kMul, c, var, kPyOperator);
    return t.Binary(id, OpKind::kMul, t.Weight(Shape{dim}), h, kPyOperator);  // weight * h
  }
  if (style == NormStyle::kLayerNormNoParams) {
    return t.LayerNorm(id, x, false, false, CallForm::kFunctional);
  }
  return LlamaRmsNorm{.id = id, .dim = dim}(t, x);
}

LlamaAttentionBlock LlamaAttentionBlock::Build(ModuleTree& tree, ModuleId parent,
                                               const std::string& name, const LlamaParams& p,
                                               AttnImpl impl, DType dtype) {
  LlamaAttentionBlock a;
  a.id = tree.Add(parent, name,
                  p.attn_class_per_impl ? AttentionClass(p.prefix, impl) : p.prefix + "Attention");
  a.n_heads = p.n_heads;
  a.n_kv_heads = p.n_kv_heads;
  a.head_dim = p.head_dim;
  a.fused_qkv = p.fused_qkv;
  a.clip_qkv = p.clip_qkv;
  a.kernel = AttentionKernel{.impl = impl,
                             .scale_by_mul = p.scale_scores_by_mul,
                             .softcap = p.attn_softcap,
                             .sdpa_mask_from = p.sdpa_mask_from};
  if (p.fused_qkv) {
    // Phi3 registers o_proj before qkv_proj.
    a.o = Linear::Build(tree, a.id, "o_proj", p.q_dim(), p.hidden, p.o_bias, dtype);
    a.qkv = Linear::Build(tree, a.id, "qkv_proj", p.hidden, p.q_dim() + 2 * p.kv_dim(), p.qkv_bias,
                          dtype);
  } else {
    a.q = Linear::Build(tree, a.id, "q_proj", p.hidden, p.q_dim(), p.qkv_bias, dtype);
    a.k = Linear::Build(tree, a.id, "k_proj", p.hidden, p.kv_dim(), p.qkv_bias, dtype);
    a.v = Linear::Build(tree, a.id, "v_proj", p.hidden, p.kv_dim(), p.qkv_bias, dtype);
    a.o = Linear::Build(tree, a.id, "o_proj", p.q_dim(), p.hidden, p.o_bias, dtype);
  }
  if (p.rotary != RotaryStyle::kModelOnly) {
    // v4.45 registers a rotary_emb in every attention; with RotaryStyle::kModel it is never
    // called (the model-level one is), with kCached its forward only slices cached tables.
    ModuleId r = tree.Add(a.id, "rotary_emb",
                          p.rotary_cls.empty() ? p.prefix + "RotaryEmbedding" : p.rotary_cls);
    if (p.rotary == RotaryStyle::kPerAttention) a.rotary = r;
  }
  a.qk_norm = p.qk_norm;
  if (p.qk_norm != QkNorm::kNone) {
    bool full = p.qk_norm == QkNorm::kFull;
    a.q_norm = RmsNormBlock::Build(tree, a.id, "q_norm", p.prefix + "RMSNorm",
                                   full ? p.q_dim() : p.head_dim, p.rms_eps, p.norm, dtype);
    a.k_norm = RmsNormBlock::Build(tree, a.id, "k_norm", p.prefix + "RMSNorm",
                                   full ? p.kv_dim() : p.head_dim, p.rms_eps, p.norm, dtype);
  }
  return a;
}

Shape LlamaAttentionBlock::Forward(Tracer& t, const Shape& x, const Shape& cos,
                                   const DecoderStep& s) const {
  // q, k, v as tensors (Tracer::View keeps their identity through views and slices).
  Shape qo, ko;
  if (fused_qkv) {
    qo = ko = qkv(t, x);  // q, k, v are slices of its output
  } else {
    qo = q(t, x);
    ko = k(t, x);
    Shape vo = v(t, x);
    if (clip_qkv) {  // query_states.clamp_(min=-clip, max=clip), and k, v
      qo = t.Unary(id, OpKind::kClip, qo, kTorch);
      ko = t.Unary(id, OpKind::kClip, ko, kTorch);
      t.Unary(id, OpKind::kClip, vo, kTorch);
    }
  }
  if (qk_norm == QkNorm::kFull) {  // over the projection, before the view
    qo = (*q_norm)(t, qo);
    ko = (*k_norm)(t, ko);
  } else if (qk_norm == QkNorm::kPerHead) {
    qo = (*q_norm)(t, Tracer::View(qo, Shape{s.batch, s.tokens, n_heads, head_dim}));
    ko = (*k_norm)(t, Tracer::View(ko, Shape{s.batch, s.tokens, n_kv_heads, head_dim}));
  }
  // view(...).transpose(1, 2) before the transpose-free norms above.
  Shape qs = Tracer::View(qo, Shape{s.batch, n_heads, s.tokens, head_dim});
  Shape ks = Tracer::View(ko, Shape{s.batch, n_kv_heads, s.tokens, head_dim});
  Shape c = rotary != kNoModule ? RotaryTables(t, rotary, s, head_dim, false) : cos;
  qs = ApplyRotary(t, id, qs, c);
  ApplyRotary(t, id, ks, c);
  Shape out = kernel.Run(t, id, qs, n_kv_heads, head_dim, s);
  return o(t, Tracer::View(out, Shape{s.batch, s.tokens, n_heads * head_dim}));
}

LlamaMlpBlock LlamaMlpBlock::Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                                   const std::string& cls, int64_t intermediate,
                                   const LlamaParams& p, DType dtype) {
  LlamaMlpBlock m;
  m.id = tree.Add(parent, name, cls);
  m.fused = p.fused_gate_up;
  if (m.fused) {
    m.gate_up =
        Linear::Build(tree, m.id, "gate_up_proj", p.hidden, 2 * intermediate, p.mlp_bias, dtype);
    m.down = Linear::Build(tree, m.id, "down_proj", intermediate, p.hidden, p.mlp_bias, dtype);
    m.act = Activation::Build(tree, m.id, "activation_fn", p.hidden_act, p.act_where);
    return m;
  }
  m.gate = Linear::Build(tree, m.id, "gate_proj", p.hidden, intermediate, p.mlp_bias, dtype);
  m.up = Linear::Build(tree, m.id, "up_proj", p.hidden, intermediate, p.mlp_bias, dtype);
  m.down = Linear::Build(tree, m.id, "down_proj", intermediate, p.hidden, p.mlp_bias, dtype);
  m.act = Activation::Build(tree, m.id, "act_fn", p.hidden_act, p.act_where);
  return m;
}

Shape LlamaMlpBlock::Forward(Tracer& t, const Shape& x) const {
  if (fused) {
    // up_states = gate_up_proj(x); gate, up = chunk(2); up * act(gate)
    Shape gu = gate_up(t, x);
    Shape half = Tracer::View(gu, gu.WithLast(down.in));
    Shape g = act(t, half);
    return down(t, t.Binary(id, OpKind::kMul, half, g, kPyOperator));
  }
  Shape g = act(t, gate(t, x));
  Shape u = up(t, x);
  return down(t, t.Binary(id, OpKind::kMul, g, u, kPyOperator));
}

Shape LlamaDecoderLayerBlock::Forward(Tracer& t, const Shape& x, const Shape& cos,
                                      const DecoderStep& s) const {
  using enum NormPlacement;
  if (placement == kParallel) {  // residual + attention(n) + mlp(n), one norm
    Shape n = (*input_norm)(t, x);
    Shape a = attn->Forward(t, n, cos, s);
    Shape m = mlp->Forward(t, n);
    return t.Binary(id, OpKind::kAdd, t.Binary(id, OpKind::kAdd, x, a, kPyOperator), m,
                    kPyOperator);
  }
  Shape h = attn->Forward(t, input_norm ? (*input_norm)(t, x) : x, cos, s);
  if (placement != kPre) h = post_norm(t, h);         // the attention output is normalised
  if (residual_multiplier) h = t.Scalar(id, OpKind::kMul, h, kPyOperator);
  h = t.Binary(id, OpKind::kAdd, x, h, kPyOperator);  // residual
  Shape in = h;
  if (placement == kPre) in = post_norm(t, h);
  if (placement == kSandwich) in = (*pre_ff_norm)(t, h);
  Shape m = mlp->Forward(t, in);
  if (post_ff_norm) m = (*post_ff_norm)(t, m);
  if (residual_multiplier) m = t.Scalar(id, OpKind::kMul, m, kPyOperator);
  return t.Binary(id, OpKind::kAdd, h, m, kPyOperator);  // residual
}

LlamaModelBlock LlamaModelBlock::Build(ModuleTree& tree, ModuleId id, const LlamaParams& p,
                                       AttnImpl impl, DType dtype, const DecoderHooks& hooks) {
  LlamaModelBlock m;
  m.id = id;
  m.rotary_dim = hooks.rotary_dim > 0 ? hooks.rotary_dim : p.head_dim;
  m.rotary_tables = hooks.rotary_tables;
  m.scale_embeddings = p.scale_embeddings;
  m.embedding_multiplier = p.embedding_multiplier.has_value();
  m.rotary_half = p.rotary_half_tables;
  m.embed = Embedding::Build(tree, id, "embed_tokens", p.vocab, p.hidden, p.pad_token_id, dtype);
  if (!p.embed_cls.empty()) {
    tree[m.embed.id].class_name = p.embed_cls;
    m.scale_in_embedding = true;
  }
  if (hooks.after_embedding) hooks.after_embedding(tree, id);
  ModuleId list = tree.Add(id, "layers", "ModuleList");
  tree[list].is_module_list = true;
  std::string norm_cls = p.norm_cls.empty() ? p.prefix + "RMSNorm" : p.norm_cls;
  auto norm = [&](ModuleId parent, const char* name) {
    return RmsNormBlock::Build(tree, parent, name, norm_cls, p.hidden, p.rms_eps, p.norm, dtype);
  };
  for (int64_t i = 0; i < p.n_layers; ++i) {
    LlamaDecoderLayerBlock l;
    l.id = tree.Add(list, std::to_string(i), p.prefix + "DecoderLayer");
    if (hooks.attention) {
      l.attn = hooks.attention(tree, l.id, i);
    } else {
      l.attn = std::make_shared<LlamaAttentionBlock>(
          LlamaAttentionBlock::Build(tree, l.id, "self_attn", p, impl, dtype));
    }
    if (hooks.feed_forward) {
      l.mlp = hooks.feed_forward(tree, l.id, i);
    } else {
      l.mlp = std::make_shared<LlamaMlpBlock>(
          LlamaMlpBlock::Build(tree, l.id, "mlp", p.prefix + "MLP", p.intermediate, p, dtype));
    }
    // Registration order: input_layernorm, [Gemma2's pre/post_feedforward], [hooked modules],
    // post_attention_layernorm, [OLMo2's post_feedforward].
    l.placement = p.placement;
    l.residual_multiplier = p.residual_multiplier.has_value();
    if (p.placement != NormPlacement::kPost) l.input_norm = norm(l.id, "input_layernorm");
    if (p.placement == NormPlacement::kSandwich) {
      l.pre_ff_norm = norm(l.id, "pre_feedforward_layernorm");
      l.post_ff_norm = norm(l.id, "post_feedforward_layernorm");
    }
    if (hooks.before_post_norm) hooks.before_post_norm(tree, l.id);
    if (p.placement != NormPlacement::kParallel) {
      l.post_norm = norm(l.id, "post_attention_layernorm");
    }
    if (p.placement == NormPlacement::kPost) {
      l.post_ff_norm = norm(l.id, "post_feedforward_layernorm");
    }
    m.layers.push_back(std::move(l));
  }
  m.norm = norm(id, "norm");
  if (p.rotary == RotaryStyle::kModel || p.rotary == RotaryStyle::kModelOnly) {
    m.rotary = tree.Add(id, "rotary_emb", p.prefix + "RotaryEmbedding");
    if (p.local_rotary)
      m.rotary_local = tree.Add(id, "rotary_emb_local", p.prefix + "RotaryEmbedding");
  }
  return m;
}

Shape LlamaModelBlock::Forward(Tracer& t, const DecoderStep& s, bool embeds_given) const {
  Shape x{s.batch, s.tokens, embed.dim};
  if (!embeds_given) x = embed(t, t.Constant(Shape{s.batch, s.tokens}));  // input_ids
  // Gemma: hidden_states * torch.tensor(hidden_size ** 0.5), a 0-d tensor.
  // Gemma3TextScaledWordEmbedding: the same product, in the embedding's own forward (so a
  // wrapper that passes inputs_embeds has already run it).
  if (scale_embeddings && !scale_in_embedding) {
    x = t.Binary(id, OpKind::kMul, x, Shape{}, kPyOperator);
  } else if (scale_embeddings && !embeds_given) {
    x = t.Binary(embed.id, OpKind::kMul, x, Shape{}, kPyOperator);
  }
  if (embedding_multiplier) x = t.Scalar(id, OpKind::kMul, x, kPyOperator);  // Granite
  Shape emb{s.position_batch, s.tokens, rotary_dim};
  if (rotary != kNoModule && rotary_tables) {
    emb = rotary_tables(t, rotary, s);
  } else if (rotary != kNoModule) {
    emb = rotary_half ? RotaryHalfTables(t, rotary, s, rotary_dim, rotary_scaled)
                      : RotaryTables(t, rotary, s, rotary_dim, rotary_scaled);
  }
  // Gemma3: global and local tables have the same shape; each layer picks one.
  if (rotary_local != kNoModule) RotaryTables(t, rotary_local, s, rotary_dim, rotary_scaled);
  for (const auto& l : layers) x = l.Forward(t, x, emb, s);
  return norm(t, x);
}

KvCacheSpec LlamaAttentionBlock::Cache() const {
  return KvCacheSpec{.module = id, .elements_per_token = KvElements(2 * n_kv_heads, head_dim)};
}

std::vector<KvCacheSpec> LlamaModelBlock::KvCache() const {
  std::vector<KvCacheSpec> specs;
  for (const auto& l : layers) {
    KvCacheSpec s = l.attn->Cache();
    if (s.module == kNoModule) return {};  // not declared: the architecture traces it
    specs.push_back(s);
  }
  return specs;
}

LlamaCausalLmBlock LlamaCausalLmBlock::Build(ModuleTree& tree, ModuleId id, const LlamaParams& p,
                                             AttnImpl impl, DType dtype,
                                             const DecoderHooks& hooks) {
  LlamaCausalLmBlock b;
  b.id = id;
  b.final_softcap = p.final_softcap;
  b.logits_divisor = p.logits_divisor.has_value();
  b.logits_multiplier = p.logits_multiplier.has_value();
  ModuleId model = tree.Add(id, "model", p.model_cls.empty() ? p.prefix + "Model" : p.model_cls);
  b.model = LlamaModelBlock::Build(tree, model, p, impl, dtype, hooks);
  b.lm_head = BuildOutputHead(tree, id, "lm_head", b.model.embed, p.tie_word_embeddings, dtype);
  return b;
}

Shape LlamaCausalLmBlock::Forward(Tracer& t, const DecoderStep& s, int64_t logits,
                                  bool embeds_given) const {
  Shape h = model.Forward(t, s, embeds_given);
  Shape out = lm_head(t, Shape{s.batch, logits, h.back()});
  if (final_softcap) {
    // Gemma2: logits / cap, torch.tanh, * cap.
    out = t.Scalar(id, OpKind::kDiv, out, kPyOperator);
    out = t.Unary(id, OpKind::kTanh, out, kTorch);
    out = t.Scalar(id, OpKind::kMul, out, kPyOperator);
  }
  if (logits_divisor) out = t.Scalar(id, OpKind::kDiv, out, kPyOperator);
  if (logits_multiplier) out = t.Scalar(id, OpKind::kMul, out, kPyOperator);
  return out;
}

}  // namespace calflops
