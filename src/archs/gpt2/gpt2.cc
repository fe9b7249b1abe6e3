// model_type "gpt2": GPT2LMHeadModel and GPT2Model (transformers v4.45 modeling_gpt2.py). Learned
// positions (wpe), pre-norm blocks whose projections are transformers' Conv1D (torch.addmm),
// fused c_attn, a GELU-new MLP and an output head tied to wte. The head runs over every position,
// at prefill too: GPT-2 has no num_logits_to_keep in 4.45.
#include "archs/arch_registry.h"
#include "archs/config_checks.h"
#include "archs/full_logits_causal_lm.h"
#include "archs/nn/activation.h"
#include "archs/nn/dropout.h"
#include "archs/nn/embedding.h"
#include "archs/nn/hf_conv1d.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"
#include "archs/nn/output_head.h"
#include "model/error.h"

namespace calflops {
namespace {

using enum CallForm;

struct Gpt2Params {
  int64_t hidden, n_layers, n_heads, head_dim, inner, positions, vocab;
  std::string positions_where;  ///< "<file>: key 'n_positions'", for the workload's error
  double eps, resid_pdrop, embd_pdrop, attn_pdrop;
  bool scale_weights, scale_by_layer, tie;
  std::string act, act_where;

  static Gpt2Params FromConfig(const Config& c) {
    Gpt2Params p;
    p.hidden = c.Int("n_embd", 768, 1, kMaxConfigDim);
    p.n_layers = c.Int("n_layer", 12, 0, kMaxLayers);
    p.n_heads = c.Int("n_head", 12, 1, kMaxConfigDim);
    RequireDivides(c, "n_head", p.n_heads, "n_embd", p.hidden);
    p.head_dim = p.hidden / p.n_heads;
    p.inner = c.Int("n_inner", 4 * p.hidden, 1, kMaxConfigDim);
    p.positions = c.Int("n_positions", 1024, 1, kMaxConfigDim);
    p.positions_where = c.Where("n_positions");
    p.vocab = c.Int("vocab_size", 50257, 1, kMaxConfigDim);
    p.eps = c.Float("layer_norm_epsilon", 1e-5);
    p.resid_pdrop = c.Float("resid_pdrop", 0.1);
    p.embd_pdrop = c.Float("embd_pdrop", 0.1);
    p.attn_pdrop = c.Float("attn_pdrop", 0.1);
    p.scale_weights = c.Bool("scale_attn_weights", true);
    p.scale_by_layer = c.Bool("scale_attn_by_inverse_layer_idx", false);
    p.tie = c.Bool("tie_word_embeddings", true);
    p.act = c.String("activation_function", "gelu_new");
    p.act_where = c.Where("activation_function");
    if (c.Bool("add_cross_attention", false)) {
      throw Unsupported(c.Where("add_cross_attention"),
                        "is true; GPT-2 cross-attention is not modelled");
    }
    if (c.Bool("reorder_and_upcast_attn", false)) {
      throw Unsupported(c.Where("reorder_and_upcast_attn"),
                        "is true; the upcast baddbmm attention path is not modelled");
    }
    return p;
  }
};

struct Gpt2Block {
  ModuleId id = kNoModule, attn = kNoModule;
  LayerNorm ln_1, ln_2;
  HfConv1D c_attn, attn_proj, c_fc, mlp_proj;
  Activation act;
  int64_t layer = 0;
};

class Gpt2 : public FullLogitsCausalLm {
 public:
  Gpt2(const Gpt2Params& p, const std::string& cls, AttnImpl impl, DType dtype)
      : FullLogitsCausalLm(dtype), p_(p), impl_(impl) {
    cache_heads_ = p.n_heads;
    cache_head_dim_ = p.head_dim;
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    bool bare = cls == "GPT2Model";
    ModuleId tr = bare ? root : tree_.Add(root, "transformer", "GPT2Model");
    transformer_ = tr;
    wte_ = Embedding::Build(tree_, tr, "wte", p.vocab, p.hidden, std::nullopt, dtype);
    wpe_ = Embedding::Build(tree_, tr, "wpe", p.positions, p.hidden, std::nullopt, dtype);
    BuildDropout(tree_, tr, "drop", p.embd_pdrop);
    ModuleId list = tree_.Add(tr, "h", "ModuleList");
    tree_[list].is_module_list = true;
    std::string attn_cls = AttentionClass("GPT2", impl);
    for (int64_t i = 0; i < p.n_layers; ++i) {
      Gpt2Block b;
      b.layer = i;
      b.id = tree_.Add(list, std::to_string(i), "GPT2Block");
      b.ln_1 = LayerNorm::Build(tree_, b.id, "ln_1", p.hidden, p.eps, dtype);
      b.attn = tree_.Add(b.id, "attn", attn_cls);
      cached_attn_.push_back(b.attn);
      b.c_attn = HfConv1D::Build(tree_, b.attn, "c_attn", 3 * p.hidden, p.hidden, dtype);
      b.attn_proj = HfConv1D::Build(tree_, b.attn, "c_proj", p.hidden, p.hidden, dtype);
      BuildDropout(tree_, b.attn, "attn_dropout", p.attn_pdrop);
      BuildDropout(tree_, b.attn, "resid_dropout", p.resid_pdrop);
      b.ln_2 = LayerNorm::Build(tree_, b.id, "ln_2", p.hidden, p.eps, dtype);
      ModuleId mlp = tree_.Add(b.id, "mlp", "GPT2MLP");
      b.c_fc = HfConv1D::Build(tree_, mlp, "c_fc", p.inner, p.hidden, dtype);
      b.mlp_proj = HfConv1D::Build(tree_, mlp, "c_proj", p.hidden, p.inner, dtype);
      b.act = Activation::Build(tree_, mlp, "act", p.act, p.act_where);
      BuildDropout(tree_, mlp, "dropout", p.resid_pdrop);
      blocks_.push_back(b);
    }
    ln_f_ = LayerNorm::Build(tree_, tr, "ln_f", p.hidden, p.eps, dtype);
    if (!bare) lm_head_ = BuildOutputHead(tree_, root, "lm_head", wte_, p.tie, dtype);
  }

  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t b = c.batch, s = c.new_tokens, total = c.past_tokens + s;
    if (total > p_.positions) {
      throw BadInput("workload", std::to_string(total) + " positions exceed GPT-2's n_positions " +
                                     std::to_string(p_.positions) + " (" + p_.positions_where +
                                     ")");
    }
    // generate() passes an all-ones attention_mask and position_ids (B, s); forward passes
    // neither (position_ids = arange(...)[None]).
    bool generating = c.kind != CallKind::kForward;
    Shape x = wte_(t, Shape{b, s});
    Shape pos = wpe_(t, Shape{generating ? b : 1, s});
    x = t.Binary(transformer_, OpKind::kAdd, x, pos, kPyOperator);
    bool eager = impl_ == AttnImpl::kEager;
    if (eager && generating) {
      // (1.0 - attention_mask[:, None, None, :]) * finfo.min
      t.Scalar(transformer_, OpKind::kSub, Shape{b, 1, 1, total}, kPyOperator);
      t.Scalar(transformer_, OpKind::kMul, Shape{b, 1, 1, total}, kPyOperator);
    }
    for (const auto& blk : blocks_) {
      Shape h = Attention(t, blk, blk.ln_1(t, x), b, s, total, eager && generating);
      x = t.Binary(blk.id, OpKind::kAdd, h, x, kPyOperator);
      Shape m = blk.mlp_proj(t, blk.act(t, blk.c_fc(t, blk.ln_2(t, x))));
      x = t.Binary(blk.id, OpKind::kAdd, x, m, kPyOperator);
    }
    x = ln_f_(t, x);
    if (lm_head_) (*lm_head_)(t, Shape{b, c.logits_tokens, p_.hidden});
  }

 private:
  Shape Attention(Tracer& t, const Gpt2Block& blk, const Shape& x, int64_t b, int64_t s,
                  int64_t total, bool mask) const {
    blk.c_attn(t, x);
    Shape q{b, p_.n_heads, s, p_.head_dim};
    if (impl_ == AttnImpl::kEager) {
      Shape w = t.MatMul(blk.attn, q, Shape{b, p_.n_heads, p_.head_dim, total}, kTorch);
      if (p_.scale_weights) w = t.Binary(blk.attn, OpKind::kDiv, w, Shape{}, kPyOperator);
      if (p_.scale_by_layer) w = t.Scalar(blk.attn, OpKind::kDiv, w, kPyOperator);
      // The causal mask is a torch.where select (no arithmetic).
      if (mask) w = t.Binary(blk.attn, OpKind::kAdd, w, Shape{b, 1, 1, total}, kPyOperator);
      w = t.Softmax(blk.attn, w, kFunctional);
      t.MatMul(blk.attn, w, Shape{b, p_.n_heads, total, p_.head_dim}, kTorch);
    } else {
      // SDPA with is_causal when more than one query; flash-attn with causal=True.
      Shape kv{b, p_.n_heads, total, p_.head_dim};
      t.Attention(blk.attn, q, kv, kv, s > 1, kUnhooked);
    }
    return blk.attn_proj(t, Shape{b, s, p_.hidden});
  }

  Gpt2Params p_;
  AttnImpl impl_;
  ModuleId transformer_ = kNoModule;
  Embedding wte_, wpe_;
  std::vector<Gpt2Block> blocks_;
  LayerNorm ln_f_;
  std::optional<Linear> lm_head_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  return std::make_unique<Gpt2>(Gpt2Params::FromConfig(c), cls, o.attn, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"GPT2LMHeadModel", "GPT2Model"};

}  // namespace

const ArchEntry& Gpt2Arch() {
  static const ArchEntry e{
      "gpt2", "GPT-2 decoder (learned positions, Conv1D projections, tied head)", kClasses, Make};
  return e;
}

}  // namespace calflops
