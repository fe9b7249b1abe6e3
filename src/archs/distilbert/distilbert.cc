// model_type "distilbert": DistilBertModel, DistilBertForMaskedLM and
// DistilBertForSequenceClassification as transformers v4.45 modeling_distilbert.py registers and
// runs them. DistilBERT is BERT without token types or pooler, with its own names (embeddings,
// transformer.layer.N.{attention.{q,k,v,out}_lin, sa_layer_norm, ffn.lin1/lin2,
// output_layer_norm}). 4.45 offers eager and flash_attention_2 only: with no SDPA class, the
// default (--attn-impl sdpa) resolves to eager, as from_pretrained does when SDPA is unsupported.
#include <cmath>

#include "archs/arch_registry.h"
#include "archs/config_checks.h"
#include "archs/encoder/encoder_architecture.h"
#include "archs/encoder/encoder_params.h"
#include "archs/nn/activation.h"
#include "archs/nn/dropout.h"
#include "archs/nn/embedding.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"
#include "model/error.h"

namespace calflops {
namespace {

using enum CallForm;

struct DistilBertParams {
  int64_t vocab = 30522, max_positions = 512, n_layers = 6, n_heads = 12, dim = 768;
  int64_t hidden_dim = 3072, num_labels = 2;
  std::optional<int64_t> pad_token_id = 0;
  double dropout = 0.1, attention_dropout = 0.1, seq_classif_dropout = 0.2;
  bool tie_word_embeddings = true;
  std::string activation = "gelu", act_where, where_positions;

  /// DistilBertConfig keys with their 4.45 defaults.
  static DistilBertParams FromConfig(const Config& c) {
    DistilBertParams p;
    p.vocab = c.Int("vocab_size", 30522, 1, kMaxConfigDim);
    p.max_positions = c.Int("max_position_embeddings", 512, 1, kMaxConfigDim);
    p.where_positions = c.Where("max_position_embeddings");
    p.n_layers = c.Int("n_layers", 6, 0, kMaxLayers);
    p.n_heads = c.Int("n_heads", 12, 1, kMaxConfigDim);
    p.dim = c.Int("dim", 768, 1, kMaxConfigDim);
    RequireDivides(c, "n_heads", p.n_heads, "dim", p.dim);
    p.hidden_dim = c.Int("hidden_dim", 3072, 1, kMaxConfigDim);
    p.dropout = c.Float("dropout", 0.1);
    p.attention_dropout = c.Float("attention_dropout", 0.1);
    p.seq_classif_dropout = c.Float("seq_classif_dropout", 0.2);
    p.activation = c.String("activation", "gelu");
    p.act_where = c.Where("activation");
    p.pad_token_id = c.Has("pad_token_id") ? c.OptInt("pad_token_id", 0, p.vocab - 1)
                                           : std::optional<int64_t>(0);
    p.tie_word_embeddings = c.Bool("tie_word_embeddings", true);
    p.num_labels = ConfigNumLabels(c);
    return p;
  }
};

struct Block {
  ModuleId id = kNoModule, attention = kNoModule, ffn = kNoModule;
  Linear q, k, v, out, lin1, lin2;
  LayerNorm sa_norm, out_norm;
  Activation act;
};

class DistilBert : public EncoderArchitecture {
 public:
  DistilBert(const DistilBertParams& p, const std::string& cls, AttnImpl impl, DType dtype)
      : EncoderArchitecture(dtype, EncoderInputs{.text = true}), p_(p), impl_(impl) {
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    bool bare = cls == "DistilBertModel";
    mlm_ = cls == "DistilBertForMaskedLM";
    // DistilBertForMaskedLM assigns self.activation before self.distilbert.
    if (mlm_) head_act_ = Activation::Build(tree_, root, "activation", p.activation, p.act_where);
    ModuleId model = bare ? root : tree_.Add(root, "distilbert", "DistilBertModel");
    embeddings_ = tree_.Add(model, "embeddings", "Embeddings");
    word_ = Embedding::Build(tree_, embeddings_, "word_embeddings", p.vocab, p.dim, p.pad_token_id,
                             dtype);
    position_ = Embedding::Build(tree_, embeddings_, "position_embeddings", p.max_positions, p.dim,
                                 std::nullopt, dtype);
    emb_norm_ = LayerNorm::Build(tree_, embeddings_, "LayerNorm", p.dim, 1e-12, dtype);
    BuildDropout(tree_, embeddings_, "dropout", p.dropout);
    ModuleId transformer = tree_.Add(model, "transformer", "Transformer");
    ModuleId list = tree_.Add(transformer, "layer", "ModuleList");
    tree_[list].is_module_list = true;
    for (int64_t i = 0; i < p.n_layers; ++i) blocks_.push_back(BuildBlock(list, i, dtype));
    if (mlm_) {
      vocab_transform_ = Linear::Build(tree_, root, "vocab_transform", p.dim, p.dim, true, dtype);
      vocab_norm_ = LayerNorm::Build(tree_, root, "vocab_layer_norm", p.dim, 1e-12, dtype);
      vocab_projector_ = Linear::Build(tree_, root, "vocab_projector", p.dim, p.vocab, true, dtype);
      if (p.tie_word_embeddings) {  // the projector's weight is the word embedding
        auto& params = tree_[vocab_projector_.id].params;
        params.clear();
        tree_.AddParam(vocab_projector_.id, "weight", Shape{p.vocab, p.dim}, dtype, word_.storage);
        tree_.AddParam(vocab_projector_.id, "bias", Shape{p.vocab}, dtype);
      }
    } else if (!bare) {
      pre_classifier_ = Linear::Build(tree_, root, "pre_classifier", p.dim, p.dim, true, dtype);
      classifier_ = Linear::Build(tree_, root, "classifier", p.dim, p.num_labels, true, dtype);
      BuildDropout(tree_, root, "dropout", p.seq_classif_dropout);
    }
  }

  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t b = c.batch, s = c.new_tokens;
    if (s > p_.max_positions) {
      throw BadInput("workload", "--seq-len " + std::to_string(s) + " exceeds the " +
                                     std::to_string(p_.max_positions) +
                                     " tokens the position table takes (" + p_.where_positions +
                                     ")");
    }
    Shape x = word_(t, Shape{b, s});
    x = t.Binary(embeddings_, OpKind::kAdd, x, position_(t, t.Constant({1, s})), kPyOperator);
    x = emb_norm_(t, x);
    for (const auto& l : blocks_) x = BlockForward(t, l, x);
    ModuleId root = tree_.root();
    if (mlm_) {
      Shape h = vocab_transform_(t, x);
      h = (*head_act_)(t, h);
      vocab_projector_(t, vocab_norm_(t, h));
    } else if (pre_classifier_.id != kNoModule) {
      Shape h = pre_classifier_(t, Shape{b, p_.dim});    // hidden_state[:, 0]
      h = t.Unary(root, OpKind::kRelu, h, kFunctional);  // nn.ReLU()(...), a fresh module
      classifier_(t, h);
    }
  }

 private:
  Block BuildBlock(ModuleId list, int64_t i, DType dtype) {
    const auto& p = p_;
    Block l;
    l.id = tree_.Add(list, std::to_string(i), "TransformerBlock");
    l.attention = tree_.Add(l.id, "attention",
                            impl_ == AttnImpl::kFlashAttention2 ? "DistilBertFlashAttention2"
                                                                : "MultiHeadSelfAttention");
    BuildDropout(tree_, l.attention, "dropout", p.attention_dropout);
    l.q = Linear::Build(tree_, l.attention, "q_lin", p.dim, p.dim, true, dtype);
    l.k = Linear::Build(tree_, l.attention, "k_lin", p.dim, p.dim, true, dtype);
    l.v = Linear::Build(tree_, l.attention, "v_lin", p.dim, p.dim, true, dtype);
    l.out = Linear::Build(tree_, l.attention, "out_lin", p.dim, p.dim, true, dtype);
    l.sa_norm = LayerNorm::Build(tree_, l.id, "sa_layer_norm", p.dim, 1e-12, dtype);
    l.ffn = tree_.Add(l.id, "ffn", "FFN");
    BuildDropout(tree_, l.ffn, "dropout", p.dropout);
    l.lin1 = Linear::Build(tree_, l.ffn, "lin1", p.dim, p.hidden_dim, true, dtype);
    l.lin2 = Linear::Build(tree_, l.ffn, "lin2", p.hidden_dim, p.dim, true, dtype);
    l.act = Activation::Build(tree_, l.ffn, "activation", p.activation, p.act_where);
    l.out_norm = LayerNorm::Build(tree_, l.id, "output_layer_norm", p.dim, 1e-12, dtype);
    return l;
  }

  Shape BlockForward(Tracer& t, const Block& l, const Shape& x) const {
    int64_t b = x[0], s = x[1], h = p_.n_heads, d = p_.dim / p_.n_heads;
    Shape q = Tracer::View(l.q(t, x), {b, h, s, d});
    Shape k = Tracer::View(l.k(t, x), {b, h, s, d});
    Shape v = Tracer::View(l.v(t, x), {b, h, s, d});
    Shape ctx;
    if (impl_ == AttnImpl::kFlashAttention2) {
      // An all-ones mask is dropped (DistilBertModel.forward), so the kernel runs unmasked.
      ctx = t.Attention(l.attention, q, k, v, false, kUnhooked);
    } else {
      q = t.Scalar(l.attention, OpKind::kDiv, q, kPyOperator);  // q / math.sqrt(dim_per_head)
      Shape scores = t.MatMul(l.attention, q, Tracer::View(k, {b, h, d, s}), kTorch);
      // (mask == 0) on the (bs, seq) all-ones mask; masked_fill is a select (no arithmetic).
      t.Scalar(l.attention, OpKind::kCompare, t.Constant({b, s}), kPyOperator);
      scores = t.Softmax(l.attention, scores, kFunctional);
      ctx = t.MatMul(l.attention, scores, v, kTorch);
    }
    Shape a = l.out(t, Tracer::View(ctx, {b, s, h * d}));
    a = l.sa_norm(t, t.Binary(l.id, OpKind::kAdd, a, x, kPyOperator));  // sa_output + x
    Shape f = l.lin2(t, l.act(t, l.lin1(t, a)));
    return l.out_norm(t, t.Binary(l.id, OpKind::kAdd, f, a, kPyOperator));
  }

  DistilBertParams p_;
  AttnImpl impl_;
  bool mlm_ = false;
  ModuleId embeddings_ = kNoModule;
  Embedding word_, position_;
  LayerNorm emb_norm_, vocab_norm_;
  std::vector<Block> blocks_;
  std::optional<Activation> head_act_;
  Linear vocab_transform_, vocab_projector_, pre_classifier_, classifier_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  // No DistilBertSdpaAttention in 4.45: the sdpa default resolves to eager.
  AttnImpl impl = o.attn == AttnImpl::kFlashAttention2 ? o.attn : AttnImpl::kEager;
  return std::make_unique<DistilBert>(DistilBertParams::FromConfig(c), cls, impl, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"DistilBertModel", "DistilBertForMaskedLM",
                                         "DistilBertForSequenceClassification"};

}  // namespace

const ArchEntry& DistilBertArch() {
  static const ArchEntry e{"distilbert",
                           "DistilBERT encoder (6-layer distilled BERT, no token types or pooler)",
                           kClasses, Make};
  return e;
}

}  // namespace calflops
