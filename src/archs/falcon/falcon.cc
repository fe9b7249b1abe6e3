// model_type "falcon": FalconForCausalLM and FalconModel (transformers v4.45 modeling_falcon.py;
// Falcon-7B/40B/180B, Falcon-RW with rotary). One fused query_key_value projection laid out
// three ways (multi-head, multi-query: 1 K/V head, new_decoder_architecture: num_kv_heads groups,
// K/V broadcast to every query head before RoPE and the cache), FalconLinear (x @ W.T, then
// + bias, as Python operators), LayerNorm, a GELU MLP, a parallel block (one input_layernorm, or
// ln_attn + ln_mlp) or a sequential one, model-level rotary tables, and a head tied to the
// embedding by default that runs over every position (no num_logits_to_keep in 4.45).
// ALiBi (alibi: true, Falcon-RW-1B/7B) is refused: its bias is not built.
#include "archs/arch_registry.h"
#include "archs/config_checks.h"
#include "archs/full_logits_causal_lm.h"
#include "archs/llama/decoder_arch.h"
#include "archs/nn/activation.h"
#include "archs/nn/dropout.h"
#include "archs/nn/embedding.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"
#include "archs/nn/output_head.h"
#include "model/error.h"

namespace calflops {
namespace falcon {
namespace {

using enum CallForm;

struct FalconParams {
  int64_t hidden, n_layers, n_heads, head_dim, qkv_out, kv_heads, ffn, vocab;
  double eps, attention_dropout;
  bool new_arch, parallel, two_norms, bias, tie;
  std::string act, act_where;

  static FalconParams FromConfig(const Config& c) {
    if (c.Bool("alibi", false)) {
      throw Unsupported(c.Where("alibi"),
                        "is true: Falcon's ALiBi attention bias is not supported");
    }
    FalconParams p;
    // FalconConfig: n_embed, when given, replaces hidden_size.
    p.hidden = c.IsSet("n_embed") ? c.Int("n_embed", 1, kMaxConfigDim)
                                  : c.Int("hidden_size", 4544, 1, kMaxConfigDim);
    p.n_layers = c.Int("num_hidden_layers", 32, 0, kMaxLayers);
    p.n_heads = c.Int("num_attention_heads", 71, 1, kMaxConfigDim);
    p.head_dim = RotaryHeadDim(c, "num_attention_heads", p.n_heads, "hidden_size", p.hidden);
    p.new_arch = c.Bool("new_decoder_architecture", false);
    bool multi_query = c.Bool("multi_query", true);
    p.parallel = c.Bool("parallel_attn", true);
    int64_t n_kv = c.Int("num_kv_heads", p.n_heads, 1, kMaxConfigDim);
    if (p.new_arch) {
      RequireDivides(c, "num_kv_heads", n_kv, "num_attention_heads", p.n_heads);
      if (!p.parallel) {  // FalconDecoderLayer.forward never defines the MLP input then
        throw BadInput(c.Where("parallel_attn"),
                       "is false with new_decoder_architecture, which transformers cannot run");
      }
      p.qkv_out = (2 * n_kv + p.n_heads) * p.head_dim;
      p.kv_heads = p.n_heads;  // torch.broadcast_to(key, query.shape) before RoPE and the cache
    } else if (multi_query) {
      p.qkv_out = p.hidden + 2 * p.head_dim;
      p.kv_heads = 1;
    } else {
      p.qkv_out = 3 * p.hidden;
      p.kv_heads = p.n_heads;
    }
    // num_ln_in_parallel_attn: None means 2 with the new architecture, else 1.
    int64_t n_ln = c.IsSet("num_ln_in_parallel_attn") ? c.Int("num_ln_in_parallel_attn", 1, 2)
                                                      : (p.new_arch ? 2 : 1);
    p.two_norms = p.parallel && n_ln == 2;
    if (p.two_norms &&
        !p.new_arch) {  // the layer builds ln_attn / ln_mlp but calls input_layernorm
      throw BadInput(c.Where("num_ln_in_parallel_attn"),
                     "is 2 without new_decoder_architecture, which transformers cannot run");
    }
    p.ffn = c.IsSet("ffn_hidden_size") ? c.Int("ffn_hidden_size", 1, kMaxConfigDim) : 4 * p.hidden;
    p.vocab = c.Int("vocab_size", 65024, 1, kMaxConfigDim);
    p.eps = c.Float("layer_norm_epsilon", 1e-5);
    p.attention_dropout = c.Float("attention_dropout", 0.0);
    p.bias = c.Bool("bias", false);
    p.tie = c.Bool("tie_word_embeddings", true);
    p.act = c.String("activation", "gelu");
    p.act_where = c.Where("activation");
    return p;
  }
};

/// FalconLinear: `input @ self.weight.T`, then `+ self.bias` when it has one.
struct FalconLinear {
  Linear l;
  static FalconLinear Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t in,
                            int64_t out, bool bias, DType dtype) {
    return {Linear::Build(tree, parent, name, in, out, bias, dtype, "FalconLinear")};
  }
  Shape operator()(Tracer& t, const Shape& x) const {
    Shape y = t.MatMul(l.id, x, t.Weight(Shape{l.in, l.out}), kPyOperator);
    if (l.bias) y = t.Binary(l.id, OpKind::kAdd, y, t.Weight(Shape{l.out}), kPyOperator);
    return y;
  }
};

struct FalconLayer {
  ModuleId id = kNoModule, attn = kNoModule;
  FalconLinear qkv, dense, h_to_4h, four_h_to_h;
  Activation act;
  LayerNorm attn_norm,
      mlp_norm;  ///< input_layernorm (or ln_attn), post_attention_layernorm / ln_mlp
};

class Falcon : public FullLogitsCausalLm {
 public:
  Falcon(const FalconParams& p, const std::string& cls, AttnImpl impl, DType dtype)
      : FullLogitsCausalLm(dtype), p_(p), impl_(impl) {
    cache_heads_ = p.kv_heads;
    cache_head_dim_ = p.head_dim;
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    bool bare = cls == "FalconModel";
    model_ = bare ? root : tree_.Add(root, "transformer", "FalconModel");
    embed_ =
        Embedding::Build(tree_, model_, "word_embeddings", p.vocab, p.hidden, std::nullopt, dtype);
    ModuleId list = tree_.Add(model_, "h", "ModuleList");
    tree_[list].is_module_list = true;
    std::string attn_cls =
        impl == AttnImpl::kFlashAttention2 ? "FalconFlashAttention" : "FalconAttention";
    for (int64_t i = 0; i < p.n_layers; ++i) {
      FalconLayer l;
      l.id = tree_.Add(list, std::to_string(i), "FalconDecoderLayer");
      l.attn = tree_.Add(l.id, "self_attention", attn_cls);
      cached_attn_.push_back(l.attn);
      l.qkv =
          FalconLinear::Build(tree_, l.attn, "query_key_value", p.hidden, p.qkv_out, p.bias, dtype);
      l.dense = FalconLinear::Build(tree_, l.attn, "dense", p.hidden, p.hidden, p.bias, dtype);
      BuildDropout(tree_, l.attn, "attention_dropout", p.attention_dropout);
      // Registered but never called in 4.45: the model-level rotary_emb computes cos / sin.
      tree_.Add(l.attn, "rotary_emb", "FalconRotaryEmbedding");
      ModuleId mlp = tree_.Add(l.id, "mlp", "FalconMLP");
      l.h_to_4h = FalconLinear::Build(tree_, mlp, "dense_h_to_4h", p.hidden, p.ffn, p.bias, dtype);
      l.act = Activation::Build(tree_, mlp, "act", p.act, p.act_where);
      l.four_h_to_h =
          FalconLinear::Build(tree_, mlp, "dense_4h_to_h", p.ffn, p.hidden, p.bias, dtype);
      auto ln = [&](const char* name) {
        return LayerNorm::Build(tree_, l.id, name, p.hidden, p.eps, dtype);
      };
      if (!p.parallel) {  // registered in this order
        l.mlp_norm = ln("post_attention_layernorm");
        l.attn_norm = ln("input_layernorm");
      } else if (p.two_norms) {
        l.attn_norm = ln("ln_attn");
        l.mlp_norm = ln("ln_mlp");
      } else {
        l.attn_norm = ln("input_layernorm");
      }
      layers_.push_back(l);
    }
    ln_f_ = LayerNorm::Build(tree_, model_, "ln_f", p.hidden, p.eps, dtype);
    rotary_ = tree_.Add(model_, "rotary_emb", "FalconRotaryEmbedding");
    if (!bare) lm_head_ = BuildOutputHead(tree_, root, "lm_head", embed_, p.tie, dtype);
  }

  void Forward(Tracer& t, const ForwardCall& c) const override {
    DecoderStep s = StepOf(c);
    Shape x = embed_(t, t.Constant(Shape{s.batch, s.tokens}));
    Shape cos = RotaryTables(t, rotary_, s, p_.head_dim, true);
    for (const FalconLayer& l : layers_) {
      Shape n = l.attn_norm(t, x);
      Shape mlp_in = n;
      if (p_.two_norms) mlp_in = l.mlp_norm(t, x);
      Shape a = Attention(t, l, n, cos, s);
      Shape residual = x;
      if (!p_.parallel) {  // dropout_add: residual + attention output
        residual = t.Binary(l.id, OpKind::kAdd, x, a, kPyOperator);
        mlp_in = l.mlp_norm(t, residual);
      }
      Shape m = l.four_h_to_h(t, l.act(t, l.h_to_4h(t, mlp_in)));
      if (p_.parallel) m = t.Binary(l.id, OpKind::kAdd, m, a, kPyOperator);  // mlp_output += attn
      x = t.Binary(l.id, OpKind::kAdd, residual, m, kPyOperator);            // dropout_add
    }
    x = ln_f_(t, x);
    if (lm_head_) (*lm_head_)(t, Shape{s.batch, c.logits_tokens, p_.hidden});
  }

 private:
  Shape Attention(Tracer& t, const FalconLayer& l, const Shape& x, const Shape& cos,
                  const DecoderStep& s) const {
    ModuleId m = l.attn;
    int64_t h = p_.n_heads, kvh = p_.kv_heads, d = p_.head_dim, total = s.past + s.tokens;
    Shape fused = l.qkv(t, x);
    // _split_heads, transpose and reshape are views of the fused output.
    Shape q = Tracer::View(fused, Shape{s.batch, h, s.tokens, d});
    Shape k = Tracer::View(fused, Shape{s.batch, kvh, s.tokens, d});
    q = ApplyRotary(t, m, q, cos);
    ApplyRotary(t, m, k, cos);
    Shape out;
    if (impl_ != AttnImpl::kEager) {
      // SDPA: no mask tensor for an unpadded batch, is_causal when several queries attend;
      // flash-attn: causal the same way.
      out = t.Attention(m, q, Shape{s.batch, kvh, total, d}, Shape{s.batch, kvh, total, d},
                        s.tokens > 1, kUnhooked);
    } else {
      // query @ key^T (MQA broadcasts the one K/V head), /= sqrt(d), + the 4-D causal mask,
      // F.softmax, @ value.
      Shape w = t.MatMul(m, q, Shape{s.batch, kvh, d, total}, kPyOperator);
      w = t.Scalar(m, OpKind::kDiv, w, kPyOperator);
      w = t.Binary(m, OpKind::kAdd, w, Shape{s.batch, 1, s.tokens, total}, kPyOperator);
      w = t.Softmax(m, w, kFunctional);
      out = t.MatMul(m, w, Shape{s.batch, kvh, total, d}, kPyOperator);
    }
    return l.dense(t, Tracer::View(out, Shape{s.batch, s.tokens, h * d}));
  }

  FalconParams p_;
  AttnImpl impl_;
  ModuleId model_ = kNoModule, rotary_ = kNoModule;
  Embedding embed_;
  std::vector<FalconLayer> layers_;
  LayerNorm ln_f_;
  std::optional<Linear> lm_head_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  return std::make_unique<Falcon>(FalconParams::FromConfig(c), cls, o.attn, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"FalconForCausalLM", "FalconModel"};

}  // namespace
}  // namespace falcon

const ArchEntry& FalconArch() {
  static const ArchEntry e{
      "falcon", "Falcon decoder (fused multi-query / grouped QKV, parallel block, tied head)",
      falcon::kClasses, falcon::Make};
  return e;
}

}  // namespace calflops
