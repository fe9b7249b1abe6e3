// model_type "modernbert": ModernBertModel, ModernBertForMaskedLM and
// ModernBertForSequenceClassification. Not in transformers v4.45: module names, classes and the
// eager / SDPA paths mirror modeling_modernbert.py of the 4.48/4.49 line (the file as in
// mseeger/transformers commit ba22c8ca). A pre-norm encoder: embeddings (tok_embeddings, a
// bias-free LayerNorm, dropout), layers of attn_norm (Identity in layer 0) -> attn (one fused
// Wqkv, a ModernBertRotaryEmbedding per attention computing its tables on every call, Wo) and
// mlp_norm -> GeGLU mlp (Wi to 2 x intermediate, act(input) * gate, Wo), then final_norm.
// Every third layer attends globally, the others through a sliding-window mask; both masks are
// (B, 1, S, S) tensors added to the scores, so local and global layers cost the same here (the
// window only changes which scores are masked). The masks are built once by the model:
// 1.0 - the expanded attention mask, and integer window bookkeeping. flash_attention_2 (which
// unpads the batch and runs the window inside the kernel) is refused.
#include "archs/arch_registry.h"
#include "archs/config_checks.h"
#include "archs/encoder/encoder_architecture.h"
#include "archs/encoder/encoder_params.h"
#include "archs/llama/rotary.h"
#include "archs/nn/activation.h"
#include "archs/nn/dropout.h"
#include "archs/nn/embedding.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"
#include "model/error.h"
#include "model/workload.h"

namespace calflops {
namespace modernbert {
namespace {

using enum CallForm;

struct ModernBertParams {
  int64_t vocab, hidden, intermediate, n_layers, n_heads, head_dim, num_labels;
  std::optional<int64_t> pad;
  double eps, embedding_dropout, mlp_dropout, attention_dropout, classifier_dropout;
  bool norm_bias, attention_bias, mlp_bias, decoder_bias, classifier_bias, tie, mean_pooling;
  std::string act, act_where, head_act, head_act_where;

  /// ModernBertConfig keys with their 4.48 defaults.
  static ModernBertParams FromConfig(const Config& c) {
    ModernBertParams p;
    p.vocab = c.Int("vocab_size", 50368, 1, kMaxConfigDim);
    p.hidden = c.Int("hidden_size", 768, 1, kMaxConfigDim);
    p.intermediate = c.Int("intermediate_size", 1152, 1, kMaxConfigDim);
    p.n_layers = c.Int("num_hidden_layers", 22, 0, kMaxLayers);
    p.n_heads = c.Int("num_attention_heads", 12, 1, kMaxConfigDim);
    p.head_dim = RotaryHeadDim(c, "num_attention_heads", p.n_heads, "hidden_size", p.hidden);
    c.Int("global_attn_every_n_layers", 3, 1, kMaxLayers);  // validated; no effect on counts
    c.Int("local_attention", 128, 0, kMaxTokens);
    p.pad = c.Has("pad_token_id") ? c.OptInt("pad_token_id", -p.vocab, p.vocab - 1)
                                  : std::optional<int64_t>(50283);
    if (p.pad && *p.pad < 0) *p.pad += p.vocab;
    p.eps = c.Float("norm_eps", 1e-5);
    p.norm_bias = c.Bool("norm_bias", false);
    p.attention_bias = c.Bool("attention_bias", false);
    p.mlp_bias = c.Bool("mlp_bias", false);
    p.decoder_bias = c.Bool("decoder_bias", true);
    p.classifier_bias = c.Bool("classifier_bias", false);
    p.embedding_dropout = c.Float("embedding_dropout", 0.0);
    p.mlp_dropout = c.Float("mlp_dropout", 0.0);
    p.attention_dropout = c.Float("attention_dropout", 0.0);
    p.classifier_dropout = c.Float("classifier_dropout", 0.0);
    p.tie = c.Bool("tie_word_embeddings", true);
    p.act = c.String("hidden_activation", "gelu");
    p.act_where = c.Where("hidden_activation");
    p.head_act = c.String("classifier_activation", "gelu");
    p.head_act_where = c.Where("classifier_activation");
    std::string pooling = c.String("classifier_pooling", "cls");
    if (pooling != "cls" && pooling != "mean") {
      throw BadInput(c.Where("classifier_pooling"),
                     "is " + Quote(pooling) + " (expected cls or mean)");
    }
    p.mean_pooling = pooling == "mean";
    p.num_labels = ConfigNumLabels(c);
    return p;
  }
};

struct Layer {
  ModuleId id = kNoModule, attn = kNoModule, rotary = kNoModule, mlp = kNoModule;
  std::optional<LayerNorm> attn_norm;  ///< absent in layer 0 (nn.Identity)
  LayerNorm mlp_norm;
  Linear wqkv, wo, wi, mlp_wo;
  Activation act;
};

class ModernBert : public EncoderArchitecture {
 public:
  ModernBert(const ModernBertParams& p, const std::string& cls, AttnImpl impl, DType dtype)
      : EncoderArchitecture(dtype, EncoderInputs{.text = true}), p_(p), impl_(impl) {
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    bool bare = cls == "ModernBertModel";
    mlm_ = cls == "ModernBertForMaskedLM";
    model_ = bare ? root : tree_.Add(root, "model", "ModernBertModel");
    ModuleId emb = tree_.Add(model_, "embeddings", "ModernBertEmbeddings");
    tok_ = Embedding::Build(tree_, emb, "tok_embeddings", p.vocab, p.hidden, p.pad, dtype);
    emb_norm_ = Norm(emb, "norm", dtype);
    BuildDropout(tree_, emb, "drop", p.embedding_dropout);
    ModuleId list = tree_.Add(model_, "layers", "ModuleList");
    tree_[list].is_module_list = true;
    for (int64_t i = 0; i < p.n_layers; ++i) layers_.push_back(BuildLayer(list, i, dtype));
    final_norm_ = Norm(model_, "final_norm", dtype);
    if (bare) return;
    head_ = tree_.Add(root, "head", "ModernBertPredictionHead");
    head_dense_ =
        Linear::Build(tree_, head_, "dense", p.hidden, p.hidden, p.classifier_bias, dtype);
    head_act_ = Activation::Build(tree_, head_, "act", p.head_act, p.head_act_where);
    head_norm_ = Norm(head_, "norm", dtype);
    if (mlm_) {
      decoder_ = Linear::Build(tree_, root, "decoder", p.hidden, p.vocab, p.decoder_bias, dtype);
      if (p.tie) {  // the decoder's weight is tok_embeddings'; its bias stays its own
        tree_[decoder_.id].params.clear();
        tree_.AddParam(decoder_.id, "weight", Shape{p.vocab, p.hidden}, dtype, tok_.storage);
        if (p.decoder_bias) tree_.AddParam(decoder_.id, "bias", Shape{p.vocab}, dtype);
      }
    } else {
      BuildDropout(tree_, root, "drop", p.classifier_dropout);
      classifier_ = Linear::Build(tree_, root, "classifier", p.hidden, p.num_labels, true, dtype);
    }
  }

  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t b = c.batch, s = c.new_tokens, h = p_.hidden;
    // _update_attention_mask on the (B, S) attention mask: 1.0 - its (B, 1, S, S) expansion
    // (masked_fill selects); the window is integer bookkeeping: |rows - rows.T| <= window / 2,
    // logical_not.
    t.Scalar(model_, OpKind::kSub, t.Constant(Shape{b, 1, s, s}), kPyOperator);
    Shape dist = t.IndexBinary(model_, OpKind::kSub, t.Constant(Shape{1, s}),
                               t.Constant(Shape{s, 1}), kPyOperator);
    dist = t.IndexScalar(model_, OpKind::kAbs, dist, kTorch);
    dist = t.IndexScalar(model_, OpKind::kCompare, dist, kPyOperator);
    t.IndexScalar(model_, OpKind::kCompare, dist, kTorch);
    Shape x = emb_norm_(t, tok_(t, t.Constant(Shape{b, s})));
    DecoderStep step{.batch = b, .tokens = s, .past = 0, .position_batch = 1};
    for (const Layer& l : layers_) x = LayerForward(t, l, x, step);
    x = final_norm_(t, x);
    ModuleId root = tree_.root();
    if (head_ == kNoModule) return;
    if (mlm_) {
      decoder_(t, head_norm_(t, head_act_(t, head_dense_(t, x))));
      return;
    }
    Shape pooled{b, h};  // [:, 0] for cls pooling
    if (p_.mean_pooling) {
      // (hidden * attention_mask.unsqueeze(-1)).sum(dim=1) / attention_mask.sum(dim=1): the
      // tokenizer's all-ones mask; the integer mask sum is bookkeeping.
      Shape m = t.Binary(root, OpKind::kMul, x, t.Constant(Shape{b, s, 1}), kPyOperator);
      pooled = t.ReduceLast(root, OpKind::kSum, Tracer::View(m, Shape{b, h, s}), kTorch);
      pooled = t.Binary(root, OpKind::kDiv, Tracer::View(pooled, Shape{b, h}),
                        t.Constant(Shape{b, 1}), kPyOperator);
    }
    classifier_(t, head_norm_(t, head_act_(t, head_dense_(t, pooled))));
  }

 private:
  LayerNorm Norm(ModuleId parent, const char* name, DType dtype) {
    return LayerNorm::Build(tree_, parent, name, p_.hidden, p_.eps, dtype, true, p_.norm_bias);
  }

  Layer BuildLayer(ModuleId list, int64_t i, DType dtype) {
    const auto& p = p_;
    Layer l;
    l.id = tree_.Add(list, std::to_string(i), "ModernBertEncoderLayer");
    if (i == 0) {
      tree_.Add(l.id, "attn_norm", "Identity");
    } else {
      l.attn_norm = Norm(l.id, "attn_norm", dtype);
    }
    l.attn = tree_.Add(l.id, "attn", "ModernBertAttention");
    l.wqkv = Linear::Build(tree_, l.attn, "Wqkv", p.hidden, 3 * p.hidden, p.attention_bias, dtype);
    l.rotary = tree_.Add(l.attn, "rotary_emb", "ModernBertRotaryEmbedding");
    l.wo = Linear::Build(tree_, l.attn, "Wo", p.hidden, p.hidden, p.attention_bias, dtype);
    if (p.attention_dropout > 0.0) {
      BuildDropout(tree_, l.attn, "out_drop", p.attention_dropout);
    } else {
      tree_.Add(l.attn, "out_drop", "Identity");
    }
    l.mlp_norm = Norm(l.id, "mlp_norm", dtype);
    l.mlp = tree_.Add(l.id, "mlp", "ModernBertMLP");
    l.wi = Linear::Build(tree_, l.mlp, "Wi", p.hidden, 2 * p.intermediate, p.mlp_bias, dtype);
    l.act = Activation::Build(tree_, l.mlp, "act", p.act, p.act_where);
    BuildDropout(tree_, l.mlp, "drop", p.mlp_dropout);
    l.mlp_wo = Linear::Build(tree_, l.mlp, "Wo", p.intermediate, p.hidden, p.mlp_bias, dtype);
    return l;
  }

  Shape LayerForward(Tracer& t, const Layer& l, const Shape& x, const DecoderStep& s) const {
    int64_t b = s.batch, n = s.tokens, h = p_.n_heads, d = p_.head_dim;
    Shape in = l.attn_norm ? (*l.attn_norm)(t, x) : x;
    Shape qkv = l.wqkv(t, in);
    Shape cos = RotaryTables(t, l.rotary, s, d, true);  // rotary_emb(qkv, position_ids)
    Shape q = ApplyRotary(t, l.attn, Tracer::View(qkv, Shape{b, h, n, d}), cos);
    ApplyRotary(t, l.attn, Tracer::View(qkv, Shape{b, h, n, d}), cos);
    Shape kv{b, h, n, d};
    Shape ctx;
    if (impl_ == AttnImpl::kEager) {
      // matmul * scale, + the (global or sliding-window) mask, softmax, matmul.
      Shape w = t.MatMul(l.attn, q, Shape{b, h, d, n}, kTorch);
      w = t.Scalar(l.attn, OpKind::kMul, w, kPyOperator);
      w = t.Binary(l.attn, OpKind::kAdd, w, Shape{b, 1, n, n}, kPyOperator);
      w = t.Softmax(l.attn, w, kFunctional);
      ctx = t.MatMul(l.attn, w, kv, kTorch);
    } else {
      ctx = t.Attention(l.attn, q, kv, kv, true, kUnhooked);  // attn_mask always given
    }
    Shape a = l.wo(t, Tracer::View(ctx, Shape{b, n, h * d}));
    Shape y = t.Binary(l.id, OpKind::kAdd, x, a, kPyOperator);
    // GeGLU: input, gate = Wi(x).chunk(2); Wo(drop(act(input) * gate)).
    Shape wi = l.wi(t, l.mlp_norm(t, y));
    Shape half = Tracer::View(wi, wi.WithLast(p_.intermediate));
    Shape g = t.Binary(l.mlp, OpKind::kMul, l.act(t, half), half, kPyOperator);
    return t.Binary(l.id, OpKind::kAdd, y, l.mlp_wo(t, g), kPyOperator);
  }

  ModernBertParams p_;
  AttnImpl impl_;
  bool mlm_ = false;
  ModuleId model_ = kNoModule, head_ = kNoModule;
  Embedding tok_;
  LayerNorm emb_norm_, final_norm_, head_norm_;
  std::vector<Layer> layers_;
  Linear head_dense_, decoder_, classifier_;
  Activation head_act_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  if (o.attn == AttnImpl::kFlashAttention2) {
    throw Unsupported("--attn-impl",
                      "flash_attention_2 is not modelled for ModernBERT (it "
                      "unpads the batch and windows inside the kernel); use sdpa "
                      "or eager");
  }
  return std::make_unique<ModernBert>(ModernBertParams::FromConfig(c), cls, o.attn, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"ModernBertModel", "ModernBertForMaskedLM",
                                         "ModernBertForSequenceClassification"};

}  // namespace
}  // namespace modernbert

const ArchEntry& ModernBertArch() {
  static const ArchEntry e{"modernbert",
                           "ModernBERT encoder (RoPE, GeGLU, local/global attention masks)",
                           modernbert::kClasses, modernbert::Make};
  return e;
}

}  // namespace calflops
