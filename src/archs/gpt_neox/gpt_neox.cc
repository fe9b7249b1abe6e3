// model_type "gpt_neox": GPTNeoXForCausalLM and GPTNeoXModel (transformers v4.45
// modeling_gpt_neox.py; Pythia, GPT-NeoX-20B). A fused query_key_value projection, rotary
// embeddings on the first rotary_pct of each head, LayerNorm, a GELU MLP, the parallel residual
// x + attn(ln1(x)) + mlp(ln2(x)) (or the sequential one), and an untied embed_out head that runs
// over every position (no num_logits_to_keep in 4.45).
#include <cmath>

#include "archs/arch_registry.h"
#include "archs/config_checks.h"
#include "archs/full_logits_causal_lm.h"
#include "archs/nn/activation.h"
#include "archs/nn/dropout.h"
#include "archs/nn/embedding.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"
#include "archs/nn/output_head.h"
#include "model/error.h"
#include "model/py_format.h"

namespace calflops {
namespace {

using enum CallForm;

struct NeoxParams {
  int64_t hidden, n_layers, n_heads, head_dim, rotary_dims, intermediate, vocab;
  double eps, attention_dropout, hidden_dropout;
  bool parallel, bias, tie;
  std::string act, act_where;

  static NeoxParams FromConfig(const Config& c) {
    NeoxParams p;
    p.hidden = c.Int("hidden_size", 6144, 1, kMaxConfigDim);
    p.n_layers = c.Int("num_hidden_layers", 44, 0, kMaxLayers);
    p.n_heads = c.Int("num_attention_heads", 64, 1, kMaxConfigDim);
    RequireDivides(c, "num_attention_heads", p.n_heads, "hidden_size", p.hidden);
    p.head_dim = p.hidden / p.n_heads;
    double pct = c.Float("rotary_pct", 0.25);
    if (!(pct >= 0.0 && pct <= 1.0)) {
      throw BadInput(c.Where("rotary_pct"), "is " + PyFloatRepr(pct) + ", expected [0, 1]");
    }
    // int(head_size * rotary_pct), as GPTNeoXAttention computes rotary_ndims.
    p.rotary_dims = static_cast<int64_t>(static_cast<double>(p.head_dim) * pct);
    if (p.rotary_dims % 2 != 0) {
      throw BadInput(c.Where("rotary_pct"), "gives an odd rotary dimension " +
                                                std::to_string(p.rotary_dims) +
                                                "; rotary embeddings need an even one");
    }
    p.intermediate = c.Int("intermediate_size", 24576, 1, kMaxConfigDim);
    p.vocab = c.Int("vocab_size", 50432, 1, kMaxConfigDim);
    p.eps = c.Float("layer_norm_eps", 1e-5);
    p.attention_dropout = c.Float("attention_dropout", 0.0);
    p.hidden_dropout = c.Float("hidden_dropout", 0.0);
    p.parallel = c.Bool("use_parallel_residual", true);
    p.bias = c.Bool("attention_bias", true);
    p.tie = c.Bool("tie_word_embeddings", false);
    p.act = c.String("hidden_act", "gelu");
    p.act_where = c.Where("hidden_act");
    return p;
  }
};

struct NeoxLayer {
  ModuleId id = kNoModule, attn = kNoModule;
  LayerNorm input_norm, post_norm;
  Linear qkv, dense, h_to_4h, four_h_to_h;
  Activation act;
};

class GptNeox : public FullLogitsCausalLm {
 public:
  GptNeox(const NeoxParams& p, const std::string& cls, AttnImpl impl, DType dtype)
      : FullLogitsCausalLm(dtype), p_(p), impl_(impl) {
    cache_heads_ = p.n_heads;
    cache_head_dim_ = p.head_dim;
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    bool bare = cls == "GPTNeoXModel";
    ModuleId m = bare ? root : tree_.Add(root, "gpt_neox", "GPTNeoXModel");
    embed_in_ = Embedding::Build(tree_, m, "embed_in", p.vocab, p.hidden, std::nullopt, dtype);
    BuildDropout(tree_, m, "emb_dropout", p.hidden_dropout);
    ModuleId list = tree_.Add(m, "layers", "ModuleList");
    tree_[list].is_module_list = true;
    std::string attn_cls = AttentionClass("GPTNeoX", impl);
    for (int64_t i = 0; i < p.n_layers; ++i) {
      NeoxLayer l;
      l.id = tree_.Add(list, std::to_string(i), "GPTNeoXLayer");
      l.input_norm = LayerNorm::Build(tree_, l.id, "input_layernorm", p.hidden, p.eps, dtype);
      l.post_norm =
          LayerNorm::Build(tree_, l.id, "post_attention_layernorm", p.hidden, p.eps, dtype);
      BuildDropout(tree_, l.id, "post_attention_dropout", p.hidden_dropout);
      BuildDropout(tree_, l.id, "post_mlp_dropout", p.hidden_dropout);
      l.attn = tree_.Add(l.id, "attention", attn_cls);
      cached_attn_.push_back(l.attn);
      // Registered per layer but never called in 4.45: the model-level one computes cos / sin.
      tree_.Add(l.attn, "rotary_emb", "GPTNeoXRotaryEmbedding");
      l.qkv =
          Linear::Build(tree_, l.attn, "query_key_value", p.hidden, 3 * p.hidden, p.bias, dtype);
      l.dense = Linear::Build(tree_, l.attn, "dense", p.hidden, p.hidden, p.bias, dtype);
      BuildDropout(tree_, l.attn, "attention_dropout", p.attention_dropout);
      ModuleId mlp = tree_.Add(l.id, "mlp", "GPTNeoXMLP");
      l.h_to_4h = Linear::Build(tree_, mlp, "dense_h_to_4h", p.hidden, p.intermediate, true, dtype);
      l.four_h_to_h =
          Linear::Build(tree_, mlp, "dense_4h_to_h", p.intermediate, p.hidden, true, dtype);
      l.act = Activation::Build(tree_, mlp, "act", p.act, p.act_where);
      layers_.push_back(l);
    }
    final_norm_ = LayerNorm::Build(tree_, m, "final_layer_norm", p.hidden, p.eps, dtype);
    rotary_ = tree_.Add(m, "rotary_emb", "GPTNeoXRotaryEmbedding");
    if (!bare) embed_out_ = BuildOutputHead(tree_, root, "embed_out", embed_in_, p.tie, dtype);
  }

  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t b = c.batch, s = c.new_tokens, total = c.past_tokens + s;
    // generate() passes position_ids (B, s); a bare forward builds (1, s).
    int64_t pb = c.kind == CallKind::kForward ? 1 : b;
    Shape x = embed_in_(t, Shape{b, s});
    int64_t rot = p_.rotary_dims;
    // rotary_emb: inv_freq[None, :, None] @ position_ids[:, None, :], cat, cos, sin, * scaling.
    t.MatMul(rotary_, Shape{pb, rot / 2, 1}, Shape{pb, 1, s}, kPyOperator);
    Shape emb{pb, s, rot};
    t.Unary(rotary_, OpKind::kCos, emb, kTorch);
    t.Unary(rotary_, OpKind::kSin, emb, kTorch);
    t.Scalar(rotary_, OpKind::kMul, emb, kPyOperator);
    t.Scalar(rotary_, OpKind::kMul, emb, kPyOperator);
    Shape cos4{pb, 1, s, rot};
    for (const auto& l : layers_) {
      Shape a = Attention(t, l, l.input_norm(t, x), cos4, b, s, total);
      if (p_.parallel) {
        Shape m = l.four_h_to_h(t, l.act(t, l.h_to_4h(t, l.post_norm(t, x))));
        Shape y = t.Binary(l.id, OpKind::kAdd, m, a, kPyOperator);
        x = t.Binary(l.id, OpKind::kAdd, y, x, kPyOperator);
      } else {
        a = t.Binary(l.id, OpKind::kAdd, a, x, kPyOperator);
        Shape m = l.four_h_to_h(t, l.act(t, l.h_to_4h(t, l.post_norm(t, a))));
        x = t.Binary(l.id, OpKind::kAdd, m, a, kPyOperator);
      }
    }
    x = final_norm_(t, x);
    if (embed_out_) (*embed_out_)(t, Shape{b, c.logits_tokens, p_.hidden});
  }

 private:
  Shape Attention(Tracer& t, const NeoxLayer& l, const Shape& x, const Shape& cos, int64_t b,
                  int64_t s, int64_t total) const {
    ModuleId m = l.attn;
    int64_t h = p_.n_heads, d = p_.head_dim, rot = p_.rotary_dims;
    l.qkv(t, x);
    // apply_rotary_pos_emb on query[..., :rot] and key[..., :rot]; torch.cat with the rest.
    for (int i = 0; i < 2; ++i) {
      Shape r{b, h, s, rot};
      Shape a = t.Binary(m, OpKind::kMul, r, cos, kPyOperator);        // q * cos
      t.Unary(m, OpKind::kNeg, Shape{b, h, s, rot / 2}, kPyOperator);  // rotate_half: -x2
      Shape c = t.Binary(m, OpKind::kMul, r, cos, kPyOperator);        // rotate_half(q) * sin
      t.Binary(m, OpKind::kAdd, a, c, kPyOperator);
    }
    Shape q{b, h, s, d};
    if (impl_ == AttnImpl::kEager) {
      // torch.baddbmm(zeros, q, k^T, beta=1.0, alpha=norm_factor): the product, the alpha scale
      // and the add of the zeros (calflops: 2 MACs + elements of the input).
      Shape w = t.MatMul(m, Shape{b * h, s, d}, Shape{b * h, d, total}, kTorch);
      t.Scalar(m, OpKind::kMul, w, kUnhooked);
      t.Binary(m, OpKind::kAdd, w, w, kTorch);
      w = Shape{b, h, s, total};
      // torch.where with the causal buffer is a select; the 4-D mask from _update_causal_mask
      // is then added.
      w = t.Binary(m, OpKind::kAdd, w, Shape{b, 1, s, total}, kPyOperator);
      w = t.Softmax(m, w, kFunctional);
      t.MatMul(m, w, Shape{b, h, total, d}, kTorch);
    } else {
      Shape kv{b, h, total, d};
      t.Attention(m, q, kv, kv, s > 1, kUnhooked);
    }
    return l.dense(t, Shape{b, s, p_.hidden});
  }

  NeoxParams p_;
  AttnImpl impl_;
  Embedding embed_in_;
  std::vector<NeoxLayer> layers_;
  LayerNorm final_norm_;
  ModuleId rotary_ = kNoModule;
  std::optional<Linear> embed_out_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  return std::make_unique<GptNeox>(NeoxParams::FromConfig(c), cls, o.attn, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"GPTNeoXForCausalLM", "GPTNeoXModel"};

}  // namespace

const ArchEntry& GptNeoxArch() {
  static const ArchEntry e{
      "gpt_neox", "GPT-NeoX / Pythia decoder (fused QKV, partial rotary, parallel residual)",
      kClasses, Make};
  return e;
}

}  // namespace calflops
