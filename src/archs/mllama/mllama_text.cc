#include "archs/mllama/mllama_text.h"

#include <algorithm>

#include "archs/config_checks.h"
#include "archs/llama/rotary.h"
#include "model/error.h"

namespace calflops {

using enum CallForm;

MllamaTextParams MllamaTextParams::FromConfig(const Config& c) {
  LlamaParams d;  // MllamaTextConfig defaults (v4.45.1)
  d.prefix = "MllamaTextSelf";
  d.norm_cls = "MllamaTextRMSNorm";
  d.rotary_cls = "MllamaRotaryEmbedding";
  d.vocab = 128256;
  d.hidden = 4096;
  d.intermediate = 14336;
  d.n_layers = 40;
  d.n_heads = 32;
  d.n_kv_heads = 8;
  d.rms_eps = 1e-5;
  d.pad_token_id = 128004;
  MllamaTextParams p;
  p.text = LlamaParams::FromConfig(c, d);
  // MllamaText*Attention: head_dim = hidden_size // num_heads, no biases.
  RequireDivides(c, "num_attention_heads", p.text.n_heads, "hidden_size", p.text.hidden);
  p.text.head_dim = p.text.hidden / p.text.n_heads;
  p.text.qkv_bias = p.text.o_bias = p.text.mlp_bias = false;
  if (c.IsSet("cross_attention_layers")) p.cross_layers = c.Ints("cross_attention_layers");
  for (int64_t i : p.cross_layers) {
    if (i < 0 || i >= p.text.n_layers) {
      throw BadInput(c.Where("cross_attention_layers"),
                     "holds " + std::to_string(i) + ", not a layer index below num_hidden_layers " +
                         std::to_string(p.text.n_layers));
    }
  }
  return p;
}

bool MllamaTextParams::IsCross(int64_t i) const {
  return std::find(cross_layers.begin(), cross_layers.end(), i) != cross_layers.end();
}

Shape MllamaCrossLayer::Forward(Tracer& t, const Shape& x, int64_t n, bool fresh) const {
  const int64_t b = x[0], s = x[1];
  Shape h = input_norm(t, x);
  Shape qs = q_norm(t, Tracer::View(q(t, h), Shape{b, n_heads, s, head_dim}));
  const bool eager = impl == AttnImpl::kEager;
  Shape ks, vs;
  if (fresh) {
    Shape states = t.Constant(Shape{b, n, k.in});  // cross_attention_states
    ks = Tracer::View(k(t, states), Shape{b, n_kv_heads, n, head_dim});
    vs = Tracer::View(v(t, states), Shape{b, n_kv_heads, n, head_dim});
    if (eager) {  // repeat_kv (a copy), then k_norm, before the cache update
      ks = k_norm(t, Tracer::View(ks, Shape{b, n_heads, n, head_dim}));
      vs = Tracer::View(vs, Shape{b, n_heads, n, head_dim});
    }
  } else {  // past_key_value.key_cache[layer_idx], value_cache[layer_idx]
    ks = t.Constant(Shape{b, eager ? n_heads : n_kv_heads, n, head_dim});
    vs = t.Constant(Shape{b, eager ? n_heads : n_kv_heads, n, head_dim});
  }
  Shape out;
  if (eager) {
    Shape w = t.MatMul(attn, qs, Shape{b, n_heads, head_dim, n}, kTorch);
    w = t.Scalar(attn, OpKind::kDiv, w, kPyOperator);                     // / math.sqrt(head_dim)
    w = t.Binary(attn, OpKind::kAdd, w, Shape{b, 1, s, n}, kPyOperator);  // + cross mask
    w = t.Softmax(attn, w, kFunctional);
    out = t.MatMul(attn, w, Shape{b, n_heads, n, head_dim}, kTorch);
  } else {
    // repeat_kv (a copy) and k_norm over every cached key, at every step.
    ks = k_norm(t, Tracer::View(ks, Shape{b, n_heads, n, head_dim}));
    vs = Tracer::View(vs, Shape{b, n_heads, n, head_dim});
    out = t.Attention(attn, qs, ks, vs, /*masked=*/true, kUnhooked);  // attn_mask given
  }
  h = o(t, Tracer::View(out, Shape{b, s, n_heads * head_dim}));
  // residual + self.cross_attn_attn_gate.tanh() * hidden_states
  Shape g = t.Unary(id, OpKind::kTanh, t.Weight(Shape{1}), kTorch);
  Shape r =
      t.Binary(id, OpKind::kAdd, x, t.Binary(id, OpKind::kMul, g, h, kPyOperator), kPyOperator);
  h = mlp->Forward(t, post_norm(t, r));
  // full_text_row_masked_out_mask[:, 0] * hidden_states
  h = t.Binary(id, OpKind::kMul, t.Constant(Shape{b, s, 1}), h, kPyOperator);
  g = t.Unary(id, OpKind::kTanh, t.Weight(Shape{1}), kTorch);
  return t.Binary(id, OpKind::kAdd, r, t.Binary(id, OpKind::kMul, g, h, kPyOperator), kPyOperator);
}

MllamaTextBlock MllamaTextBlock::Build(ModuleTree& tree, ModuleId id, const MllamaTextParams& p,
                                       AttnImpl impl, DType dtype) {
  if (impl == AttnImpl::kFlashAttention2) {
    throw Unsupported(
        "mllama",
        "--attn-impl flash_attention_2 (transformers 4.45.1 Mllama has eager and sdpa only)");
  }
  const LlamaParams& lp = p.text;
  MllamaTextBlock b;
  b.id = id;
  b.p = p;
  b.model = tree.Add(id, "model", "MllamaTextModel");
  b.embed = Embedding::Build(tree, b.model, "embed_tokens", lp.vocab + 8, lp.hidden,
                             lp.pad_token_id, dtype);
  ModuleId list = tree.Add(b.model, "layers", "ModuleList");
  tree[list].is_module_list = true;
  auto norm = [&](ModuleId parent, const std::string& name, int64_t dim) {
    return RmsNormBlock::Build(tree, parent, name, "MllamaTextRMSNorm", dim, lp.rms_eps,
                               NormStyle::kLlama, dtype);
  };
  for (int64_t i = 0; i < lp.n_layers; ++i) {
    if (p.IsCross(i)) {
      MllamaCrossLayer c;
      c.impl = impl;
      c.n_heads = lp.n_heads;
      c.n_kv_heads = lp.n_kv_heads;
      c.head_dim = lp.head_dim;
      c.id = tree.Add(list, std::to_string(i), "MllamaCrossAttentionDecoderLayer");
      tree.AddParam(c.id, "cross_attn_attn_gate", Shape{1}, dtype);
      tree.AddParam(c.id, "cross_attn_mlp_gate", Shape{1}, dtype);
      c.attn = tree.Add(c.id, "cross_attn", AttentionClass("MllamaTextCross", impl));
      c.q = Linear::Build(tree, c.attn, "q_proj", lp.hidden, lp.q_dim(), false, dtype);
      c.k = Linear::Build(tree, c.attn, "k_proj", lp.hidden, lp.kv_dim(), false, dtype);
      c.v = Linear::Build(tree, c.attn, "v_proj", lp.hidden, lp.kv_dim(), false, dtype);
      c.o = Linear::Build(tree, c.attn, "o_proj", lp.q_dim(), lp.hidden, false, dtype);
      c.q_norm = norm(c.attn, "q_norm", lp.head_dim);
      c.k_norm = norm(c.attn, "k_norm", lp.head_dim);
      c.input_norm = norm(c.id, "input_layernorm", lp.hidden);
      c.mlp = std::make_shared<LlamaMlpBlock>(
          LlamaMlpBlock::Build(tree, c.id, "mlp", "MllamaTextMLP", lp.intermediate, lp, dtype));
      c.post_norm = norm(c.id, "post_attention_layernorm", lp.hidden);
      b.self.emplace_back();
      b.cross.emplace_back(std::move(c));
      continue;
    }
    LlamaDecoderLayerBlock l;
    l.id = tree.Add(list, std::to_string(i), "MllamaSelfAttentionDecoderLayer");
    l.attn = std::make_shared<LlamaAttentionBlock>(
        LlamaAttentionBlock::Build(tree, l.id, "self_attn", lp, impl, dtype));
    l.mlp = std::make_shared<LlamaMlpBlock>(
        LlamaMlpBlock::Build(tree, l.id, "mlp", "MllamaTextMLP", lp.intermediate, lp, dtype));
    l.input_norm = norm(l.id, "input_layernorm", lp.hidden);
    l.post_norm = norm(l.id, "post_attention_layernorm", lp.hidden);
    b.self.emplace_back(std::move(l));
    b.cross.emplace_back();
  }
  b.norm = norm(b.model, "norm", lp.hidden);
  b.rotary = tree.Add(b.model, "rotary_emb", "MllamaRotaryEmbedding");
  b.lm_head = Linear::Build(tree, id, "lm_head", lp.hidden, lp.vocab, false, dtype);
  return b;
}

Shape MllamaTextBlock::Forward(Tracer& t, const DecoderStep& s, int64_t logits,
                               int64_t vision_tokens, bool fresh) const {
  Shape x = embed(t, t.Constant(Shape{s.batch, s.tokens}));
  // The 4-D causal mask is integer bookkeeping; the rotary tables are shared by the layers.
  Shape cos = RotaryTables(t, rotary, s, p.text.head_dim, /*scaled=*/true);
  for (size_t i = 0; i < self.size(); ++i) {
    if (self[i]) {
      x = self[i]->Forward(t, x, cos, s);
    } else if (vision_tokens > 0) {  // skipped without vision states or cached cross K/V
      x = cross[i]->Forward(t, x, vision_tokens, fresh);
    }
  }
  x = norm(t, x);
  return lm_head(t, Shape{s.batch, logits, x.back()});  // then .float()
}

std::vector<KvCacheSpec> MllamaTextBlock::KvCache() const {
  std::vector<KvCacheSpec> specs;
  for (size_t i = 0; i < self.size(); ++i) {
    if (self[i]) {
      specs.push_back(self[i]->attn->Cache());
    } else {
      // K and V per vision token: per key-value head with sdpa, repeated to every attention
      // head before caching with eager (see mllama_text.h).
      const MllamaCrossLayer& c = *cross[i];
      int64_t heads = c.impl == AttnImpl::kEager ? c.n_heads : c.n_kv_heads;
      specs.push_back(
          {.module = c.attn, .elements_per_encoder_token = KvElements(2 * heads, c.head_dim)});
    }
  }
  return specs;
}

}  // namespace calflops
