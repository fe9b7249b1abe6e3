// model_type "phi": PhiForCausalLM and PhiModel (transformers v4.45 modeling_phi.py; phi-1,
// phi-1.5, phi-2). Not a Llama copy: LayerNorm, q/k/v/dense projections with biases, a plain
// fc1 -> act -> fc2 MLP (CLIP's), a parallel block (attn(n) + mlp(n) + residual), rotary
// embeddings on the first partial_rotary_factor of each head (model-level tables, an unused
// rotary_emb in every attention), final_layernorm, and an lm_head with a bias. The attention
// kernels (eager / SDPA / flash) are Llama's: torch.matmul, / sqrt(d), + mask, softmax, matmul.
// qk_layernorm is refused: v4.45 builds LayerNorm(head_dim) over the whole projection, which
// cannot run with more than one head.
#include "archs/arch_registry.h"
#include "archs/config_checks.h"
#include "archs/llama/attention_kernel.h"
#include "archs/llama/decoder_arch.h"
#include "archs/nn/activation.h"
#include "archs/nn/dropout.h"
#include "archs/nn/embedding.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"
#include "model/error.h"
#include "model/py_format.h"

namespace calflops {
namespace {

using enum CallForm;

struct PhiParams {
  int64_t hidden, intermediate, n_layers, n_heads, n_kv_heads, head_dim, rotary_dims, vocab;
  std::optional<int64_t> pad;
  double eps, resid_pdrop, embd_pdrop;
  bool tie;
  std::string act, act_where;

  static PhiParams FromConfig(const Config& c) {
    if (c.Bool("qk_layernorm", false)) {
      throw Unsupported(c.Where("qk_layernorm"),
                        "is true: v4.45's LayerNorm(head_dim) over the whole q/k projection "
                        "cannot run with several heads");
    }
    PhiParams p;  // PhiConfig defaults
    p.hidden = c.Int("hidden_size", 2048, 1, kMaxConfigDim);
    p.intermediate = c.Int("intermediate_size", 8192, 1, kMaxConfigDim);
    p.n_layers = c.Int("num_hidden_layers", 24, 0, kMaxLayers);
    p.n_heads = c.Int("num_attention_heads", 32, 1, kMaxConfigDim);
    p.n_kv_heads = c.Int("num_key_value_heads", p.n_heads, 1, kMaxConfigDim);
    RequireDivides(c, "num_attention_heads", p.n_heads, "hidden_size", p.hidden);
    RequireDivides(c, "num_key_value_heads", p.n_kv_heads, "num_attention_heads", p.n_heads);
    p.head_dim = p.hidden / p.n_heads;
    double pct = c.Float("partial_rotary_factor", 0.5);
    if (!(pct > 0.0 && pct <= 1.0)) {
      throw BadInput(c.Where("partial_rotary_factor"),
                     "is " + PyFloatRepr(pct) + ", expected (0, 1]");
    }
    // int(head_dim * partial_rotary_factor), as PhiAttention computes rotary_ndims.
    p.rotary_dims = static_cast<int64_t>(static_cast<double>(p.head_dim) * pct);
    if (p.rotary_dims < 2 || p.rotary_dims % 2 != 0) {
      throw BadInput(c.Where("partial_rotary_factor"), "gives the rotary dimension " +
                                                           std::to_string(p.rotary_dims) +
                                                           "; rotary embeddings need an even one");
    }
    p.vocab = c.Int("vocab_size", 51200, 1, kMaxConfigDim);
    p.pad = c.OptInt("pad_token_id", -p.vocab, p.vocab - 1);
    if (p.pad && *p.pad < 0) *p.pad += p.vocab;
    p.eps = c.Float("layer_norm_eps", 1e-5);
    p.resid_pdrop = c.Float("resid_pdrop", 0.0);
    p.embd_pdrop = c.Float("embd_pdrop", 0.0);
    p.tie = c.Bool("tie_word_embeddings", false);
    p.act = c.String("hidden_act", "gelu_new");
    p.act_where = c.Where("hidden_act");
    return p;
  }
};

struct PhiLayer {
  ModuleId id = kNoModule, attn = kNoModule;
  Linear q, k, v, dense, fc1, fc2;
  Activation act;
  LayerNorm norm;
};

class Phi : public Architecture {
 public:
  Phi(const PhiParams& p, const std::string& cls, AttnImpl impl, DType dtype)
      : Architecture(dtype), p_(p), kernel_{.impl = impl} {
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    bool bare = cls == "PhiModel";
    ModuleId m = bare ? root : tree_.Add(root, "model", "PhiModel");
    embed_ = Embedding::Build(tree_, m, "embed_tokens", p.vocab, p.hidden, p.pad, dtype);
    BuildDropout(tree_, m, "embed_dropout", p.embd_pdrop);
    ModuleId list = tree_.Add(m, "layers", "ModuleList");
    tree_[list].is_module_list = true;
    int64_t kv = p.n_kv_heads * p.head_dim;
    for (int64_t i = 0; i < p.n_layers; ++i) {
      PhiLayer l;
      l.id = tree_.Add(list, std::to_string(i), "PhiDecoderLayer");
      l.attn = tree_.Add(l.id, "self_attn", AttentionClass("Phi", impl));
      l.q = Linear::Build(tree_, l.attn, "q_proj", p.hidden, p.hidden, true, dtype);
      l.k = Linear::Build(tree_, l.attn, "k_proj", p.hidden, kv, true, dtype);
      l.v = Linear::Build(tree_, l.attn, "v_proj", p.hidden, kv, true, dtype);
      l.dense = Linear::Build(tree_, l.attn, "dense", p.hidden, p.hidden, true, dtype);
      // Registered but never called in 4.45: the model-level rotary_emb computes cos / sin.
      tree_.Add(l.attn, "rotary_emb", "PhiRotaryEmbedding");
      ModuleId mlp = tree_.Add(l.id, "mlp", "PhiMLP");
      l.act = Activation::Build(tree_, mlp, "activation_fn", p.act, p.act_where);
      l.fc1 = Linear::Build(tree_, mlp, "fc1", p.hidden, p.intermediate, true, dtype);
      l.fc2 = Linear::Build(tree_, mlp, "fc2", p.intermediate, p.hidden, true, dtype);
      l.norm = LayerNorm::Build(tree_, l.id, "input_layernorm", p.hidden, p.eps, dtype);
      BuildDropout(tree_, l.id, "resid_dropout", p.resid_pdrop);
      layers_.push_back(l);
    }
    final_norm_ = LayerNorm::Build(tree_, m, "final_layernorm", p.hidden, p.eps, dtype);
    rotary_ = tree_.Add(m, "rotary_emb", "PhiRotaryEmbedding");
    if (!bare) {
      lm_head_ = Linear::Build(tree_, root, "lm_head", p.hidden, p.vocab, true, dtype);
      if (p.tie) {  // the weight is the embedding's; the bias stays the head's own
        tree_[lm_head_->id].params.clear();
        tree_.AddParam(lm_head_->id, "weight", Shape{p.vocab, p.hidden}, dtype, embed_.storage);
        tree_.AddParam(lm_head_->id, "bias", Shape{p.vocab}, dtype);
      }
    }
  }

  void Forward(Tracer& t, const ForwardCall& c) const override {
    DecoderStep s = StepOf(c);
    Shape x = embed_(t, t.Constant(Shape{s.batch, s.tokens}));
    Shape cos = RotaryTables(t, rotary_, s, p_.rotary_dims, true);
    for (const PhiLayer& l : layers_) {
      Shape n = l.norm(t, x);
      Shape a = Attention(t, l, n, cos, s);
      Shape m = l.fc2(t, l.act(t, l.fc1(t, n)));
      Shape y = t.Binary(l.id, OpKind::kAdd, a, m, kPyOperator);  // attn + ff + residual
      x = t.Binary(l.id, OpKind::kAdd, y, x, kPyOperator);
    }
    x = final_norm_(t, x);
    if (lm_head_) (*lm_head_)(t, Shape{s.batch, c.logits_tokens, p_.hidden});
  }

  std::vector<KvCacheSpec> KvCache() const override {
    std::vector<KvCacheSpec> specs;
    for (const PhiLayer& l : layers_) {
      specs.push_back(
          {.module = l.attn, .elements_per_token = KvElements(2 * p_.n_kv_heads, p_.head_dim)});
    }
    return specs;
  }

 private:
  Shape Attention(Tracer& t, const PhiLayer& l, const Shape& x, const Shape& cos,
                  const DecoderStep& s) const {
    int64_t h = p_.n_heads, kvh = p_.n_kv_heads, d = p_.head_dim, rot = p_.rotary_dims;
    Shape q = Tracer::View(l.q(t, x), Shape{s.batch, h, s.tokens, d});
    Shape k = Tracer::View(l.k(t, x), Shape{s.batch, kvh, s.tokens, d});
    l.v(t, x);
    // Partial rotary: apply_rotary_pos_emb on q[..., :rot] and k[..., :rot]; torch.cat is free.
    ApplyRotary(t, l.attn, Tracer::View(q, Shape{s.batch, h, s.tokens, rot}), cos);
    ApplyRotary(t, l.attn, Tracer::View(k, Shape{s.batch, kvh, s.tokens, rot}), cos);
    Shape out = kernel_.Run(t, l.attn, q, kvh, d, s);
    return l.dense(t, Tracer::View(out, Shape{s.batch, s.tokens, h * d}));
  }

  PhiParams p_;
  AttentionKernel kernel_;
  Embedding embed_;
  std::vector<PhiLayer> layers_;
  LayerNorm final_norm_;
  ModuleId rotary_ = kNoModule;
  std::optional<Linear> lm_head_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  return std::make_unique<Phi>(PhiParams::FromConfig(c), cls, o.attn, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"PhiForCausalLM", "PhiModel"};

}  // namespace

const ArchEntry& PhiArch() {
  static const ArchEntry e{"phi", "Phi-1/1.5/2 decoder (LayerNorm, parallel block, partial rotary)",
                           kClasses, Make};
  return e;
}

}  // namespace calflops
