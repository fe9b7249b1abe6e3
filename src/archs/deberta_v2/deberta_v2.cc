// model_type "deberta-v2" (DeBERTa-v2 and DeBERTa-v3): DebertaV2Model,
// DebertaV2ForSequenceClassification, DebertaV2ForTokenClassification,
// DebertaV2ForQuestionAnswering and DebertaV2ForMaskedLM as transformers v4.45.1
// modeling_deberta_v2.py registers and runs them. A BERT-shaped post-norm encoder whose
// self-attention is disentangled: content-to-content scores plus content-to-position (c2p) and
// position-to-content (p2c) scores against a shared table of relative-position embeddings
// (`encoder.rel_embeddings`, log-bucketed when position_buckets > 0), gathered by relative
// distance. 4.45 has only this eager attention (no SDPA class): the sdpa default resolves to
// it, as from_pretrained does; flash_attention_2 is refused.
// conv_kernel_size > 0 (DeBERTa-v2 xlarge / xxlarge) adds `encoder.conv` (ConvLayer: Conv1d over
// the embeddings, ACT2FN[conv_act], + layer 0's output, LayerNorm, * mask) after layer 0.
// Not modelled: z_steps (0 in every released config).
#include "archs/arch_registry.h"
#include "archs/encoder/encoder_architecture.h"
#include "archs/encoder/encoder_params.h"
#include "archs/nn/activation.h"
#include "archs/nn/conv1d.h"
#include "archs/nn/dropout.h"
#include "archs/nn/embedding.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"
#include "model/error.h"

#include <nlohmann/json.hpp>

namespace calflops {
namespace deberta_v2 {
namespace {

using enum CallForm;

struct DebertaV2Params {
  EncoderParams enc;
  int64_t vocab = 128100, max_positions = 512, type_vocab = 0, embedding_size = 0;
  std::optional<int64_t> pad = 0;  ///< null: no padding_idx
  int64_t num_labels = 2, buckets = -1, max_relative = 512, conv_kernel = 0, conv_groups = 1;
  bool relative = false, position_biased = true, share_att_key = false, c2p = false, p2c = false;
  bool rel_norm = false;
  double pooler_dropout = 0, cls_dropout = 0.1;
  std::string pooler_act = "gelu", pooler_act_where, where_positions, conv_act = "tanh",
              conv_act_where;

  /// Rows of the relative table / 2, and the span of a gathered distance (att_span).
  int64_t Span() const { return buckets > 0 ? buckets : max_relative; }

  /// DebertaV2Config (4.45) keys and defaults, and the attributes the modeling file reads with
  /// getattr (position_buckets, share_att_key, norm_rel_ebd, embedding_size, ...).
  static DebertaV2Params FromConfig(const Config& c) {
    DebertaV2Params p;
    EncoderParams d;
    d.hidden = 1536;
    d.intermediate = 6144;
    d.n_layers = 24;
    d.n_heads = 24;
    d.layer_norm_eps = 1e-7;
    p.enc = EncoderParams::FromConfig(c, d);
    if (c.Has("attention_head_size") &&
        c.Int("attention_head_size", 1, kMaxConfigDim) * p.enc.n_heads != p.enc.hidden) {
      throw Unsupported(c.Where("attention_head_size"),
                        "x num_attention_heads differs from hidden_size (the attention output "
                        "dense takes hidden_size inputs)");
    }
    p.vocab = c.Int("vocab_size", 128100, 1, kMaxConfigDim);
    p.max_positions = c.Int("max_position_embeddings", 512, 1, kMaxConfigDim);
    p.where_positions = c.Where("max_position_embeddings");
    p.type_vocab = c.Int("type_vocab_size", 0, 0, kMaxConfigDim);
    p.pad = c.Has("pad_token_id") ? c.OptInt("pad_token_id", 0, p.vocab - 1) : 0;
    p.embedding_size = c.Int("embedding_size", p.enc.hidden, 1, kMaxConfigDim);
    p.relative = c.Bool("relative_attention", false);
    p.position_biased = c.Bool("position_biased_input", true);
    p.buckets = c.Int("position_buckets", -1, -1, kMaxConfigDim);
    int64_t max_rel = c.Int("max_relative_positions", -1, -1, kMaxConfigDim);
    p.max_relative = max_rel < 1 ? p.max_positions : max_rel;
    p.share_att_key = c.Bool("share_att_key", false);
    // pos_att_type: "p2c|c2p" or ["p2c", "c2p"]; other entries (DeBERTa v1's p2p) are unused.
    std::vector<std::string> types;
    if (c.Has("pos_att_type") && c.raw()["pos_att_type"].is_string()) {
      std::string s = c.String("pos_att_type", "");
      for (size_t a = 0, bar; a <= s.size(); a = bar + 1) {
        bar = s.find('|', a);
        if (bar == std::string::npos) bar = s.size();
        std::string part = s.substr(a, bar - a);
        part.erase(0, part.find_first_not_of(' '));
        part.erase(part.find_last_not_of(' ') + 1);
        for (char& ch : part) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        types.push_back(part);
      }
    } else if (c.Has("pos_att_type") && !c.raw()["pos_att_type"].is_null()) {
      types = c.Strings("pos_att_type");
    }
    for (const auto& t : types) {
      p.c2p = p.c2p || t == "c2p";
      p.p2c = p.p2c || t == "p2c";
    }
    std::string norm = c.String("norm_rel_ebd", "none");
    p.rel_norm = norm.find("layer_norm") != std::string::npos;
    p.conv_kernel = c.Int("conv_kernel_size", 0, 0, kMaxConfigDim);
    if (p.conv_kernel > 0 && p.conv_kernel % 2 == 0) {
      // padding (k - 1) / 2 shortens the sequence: the residual add would not broadcast.
      throw BadInput(c.Where("conv_kernel_size"), "is even; ConvLayer needs an odd kernel");
    }
    p.conv_groups = c.Int("conv_groups", 1, 1, kMaxConfigDim);
    if (p.enc.hidden % p.conv_groups != 0) {
      throw BadInput(c.Where("conv_groups"), "does not divide hidden_size");
    }
    p.conv_act = c.String("conv_act", "tanh");
    p.conv_act_where = c.Where("conv_act");
    if (c.Int("pooler_hidden_size", p.enc.hidden, 1, kMaxConfigDim) != p.enc.hidden) {
      throw Unsupported(c.Where("pooler_hidden_size"),
                        "differs from hidden_size (ContextPooler's output_dim is hidden_size)");
    }
    p.pooler_dropout = c.Float("pooler_dropout", 0);
    p.pooler_act = c.String("pooler_hidden_act", "gelu");
    p.pooler_act_where = c.Where("pooler_hidden_act");
    p.cls_dropout = c.Has("cls_dropout") && !c.raw()["cls_dropout"].is_null()
                        ? c.Float("cls_dropout", 0)
                        : p.enc.hidden_dropout;
    p.num_labels = ConfigNumLabels(c);
    return p;
  }
};

/// StableDropout: a module without parameters; at inference it returns its input.
ModuleId StableDropout(ModuleTree& tree, ModuleId parent, const std::string& name) {
  return tree.Add(parent, name, "StableDropout");
}

struct Layer {
  ModuleId id = kNoModule, self = kNoModule, self_output = kNoModule, intermediate = kNoModule;
  ModuleId output = kNoModule;
  Linear query, key, value, pos_key, pos_query, self_dense, inter_dense, out_dense;
  LayerNorm self_norm, out_norm;
  Activation act;
};

class DebertaV2 : public EncoderArchitecture {
 public:
  DebertaV2(const DebertaV2Params& p, const std::string& cls, DType dtype)
      : EncoderArchitecture(dtype, EncoderInputs{.text = true}), p_(p) {
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    int64_t h = p.enc.hidden;
    bool bare = cls == "DebertaV2Model";
    ModuleId model = bare ? root : tree_.Add(root, "deberta", "DebertaV2Model");
    BuildEmbeddings(model, dtype);
    encoder_ = tree_.Add(model, "encoder", "DebertaV2Encoder");
    ModuleId list = tree_.Add(encoder_, "layer", "ModuleList");
    tree_[list].is_module_list = true;
    for (int64_t i = 0; i < p.enc.n_layers; ++i) layers_.push_back(BuildLayer(list, i, dtype));
    if (p.relative) {
      rel_ =
          Embedding::Build(tree_, encoder_, "rel_embeddings", 2 * p.Span(), h, std::nullopt, dtype);
      if (p.rel_norm)
        rel_norm_ = LayerNorm::Build(tree_, encoder_, "LayerNorm", h, p.enc.layer_norm_eps, dtype);
    }
    if (p.conv_kernel > 0) {
      conv_ = tree_.Add(encoder_, "conv", "ConvLayer");
      conv_conv_ = Conv1d::Build(tree_, conv_, "conv", h, h, p.conv_kernel, 1,
                                 (p.conv_kernel - 1) / 2, true, dtype, p.conv_groups);
      conv_norm_ = LayerNorm::Build(tree_, conv_, "LayerNorm", h, p.enc.layer_norm_eps, dtype);
      StableDropout(tree_, conv_, "dropout");
      ModuleTree scratch;  // ACT2FN[conv_act] is instantiated in forward: unregistered
      conv_act_ = Activation::Build(scratch, scratch.root(), "act", p.conv_act, p.conv_act_where);
      conv_act_.id = conv_;
    }
    if (cls == "DebertaV2ForSequenceClassification") {
      pooler_ = tree_.Add(root, "pooler", "ContextPooler");
      pooler_dense_ = Linear::Build(tree_, pooler_, "dense", h, h, true, dtype);
      StableDropout(tree_, pooler_, "dropout");
      // ACT2FN[pooler_hidden_act] is looked up in forward: a fresh, unregistered instance.
      ModuleTree scratch;
      pooler_act_ =
          Activation::Build(scratch, scratch.root(), "act", p.pooler_act, p.pooler_act_where);
      pooler_act_.id = pooler_;
      classifier_ = Linear::Build(tree_, root, "classifier", h, p.num_labels, true, dtype);
      StableDropout(tree_, root, "dropout");
    } else if (cls == "DebertaV2ForTokenClassification") {
      BuildDropout(tree_, root, "dropout", p.enc.hidden_dropout);
      classifier_ = Linear::Build(tree_, root, "classifier", h, p.num_labels, true, dtype);
    } else if (cls == "DebertaV2ForQuestionAnswering") {
      classifier_ = Linear::Build(tree_, root, "qa_outputs", h, p.num_labels, true, dtype);
    } else if (cls == "DebertaV2ForMaskedLM") {
      BuildMlmHead(root, dtype);
    }
  }

  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t b = c.batch, s = c.new_tokens;
    if (p_.position_biased && s > p_.max_positions) {
      throw BadInput("workload", "--seq-len " + std::to_string(s) + " exceeds the " +
                                     std::to_string(p_.max_positions) +
                                     " tokens the position table takes (" + p_.where_positions +
                                     ")");
    }
    Shape x = EmbeddingsForward(t, b, s);
    x = EncoderForward(t, x);
    int64_t h = p_.enc.hidden;
    if (pooler_ != kNoModule) {
      // ContextPooler: hidden_states[:, 0], dense, ACT2FN[pooler_hidden_act]; then classifier.
      Shape pooled = pooler_act_(t, pooler_dense_(t, Shape{b, h}));
      classifier_(t, pooled);
    } else if (classifier_.id != kNoModule) {
      classifier_(t, x);
    } else if (mlm_dense_.id != kNoModule) {
      Shape y = mlm_norm_(t, mlm_act_(t, mlm_dense_(t, x)));
      mlm_decoder_(t, y);
    }
  }

 private:
  void BuildEmbeddings(ModuleId model, DType dtype) {
    const auto& p = p_;
    int64_t e = p.embedding_size, h = p.enc.hidden;
    emb_ = tree_.Add(model, "embeddings", "DebertaV2Embeddings");
    word_ = Embedding::Build(tree_, emb_, "word_embeddings", p.vocab, e, p.pad, dtype);
    if (p.position_biased) {
      position_ = Embedding::Build(tree_, emb_, "position_embeddings", p.max_positions, e,
                                   std::nullopt, dtype);
    }
    if (p.type_vocab > 0) {
      token_type_ = Embedding::Build(tree_, emb_, "token_type_embeddings", p.type_vocab, e,
                                     std::nullopt, dtype);
    }
    if (e != h) embed_proj_ = Linear::Build(tree_, emb_, "embed_proj", e, h, false, dtype);
    emb_norm_ = LayerNorm::Build(tree_, emb_, "LayerNorm", h, p.enc.layer_norm_eps, dtype);
    StableDropout(tree_, emb_, "dropout");
  }

  Layer BuildLayer(ModuleId list, int64_t i, DType dtype) {
    const auto& p = p_;
    int64_t h = p.enc.hidden;
    Layer l;
    l.id = tree_.Add(list, std::to_string(i), "DebertaV2Layer");
    ModuleId attention = tree_.Add(l.id, "attention", "DebertaV2Attention");
    l.self = tree_.Add(attention, "self", "DisentangledSelfAttention");
    l.query = Linear::Build(tree_, l.self, "query_proj", h, h, true, dtype);
    l.key = Linear::Build(tree_, l.self, "key_proj", h, h, true, dtype);
    l.value = Linear::Build(tree_, l.self, "value_proj", h, h, true, dtype);
    if (p.relative) {
      StableDropout(tree_, l.self, "pos_dropout");
      if (!p.share_att_key && p.c2p)
        l.pos_key = Linear::Build(tree_, l.self, "pos_key_proj", h, h, true, dtype);
      if (!p.share_att_key && p.p2c)
        l.pos_query = Linear::Build(tree_, l.self, "pos_query_proj", h, h, true, dtype);
    }
    StableDropout(tree_, l.self, "dropout");
    l.self_output = tree_.Add(attention, "output", "DebertaV2SelfOutput");
    l.self_dense = Linear::Build(tree_, l.self_output, "dense", h, h, true, dtype);
    l.self_norm =
        LayerNorm::Build(tree_, l.self_output, "LayerNorm", h, p.enc.layer_norm_eps, dtype);
    StableDropout(tree_, l.self_output, "dropout");
    l.intermediate = tree_.Add(l.id, "intermediate", "DebertaV2Intermediate");
    l.inter_dense =
        Linear::Build(tree_, l.intermediate, "dense", h, p.enc.intermediate, true, dtype);
    l.act = Activation::Build(tree_, l.intermediate, "intermediate_act_fn", p.enc.hidden_act,
                              p.enc.act_where);
    l.output = tree_.Add(l.id, "output", "DebertaV2Output");
    l.out_dense = Linear::Build(tree_, l.output, "dense", p.enc.intermediate, h, true, dtype);
    l.out_norm = LayerNorm::Build(tree_, l.output, "LayerNorm", h, p.enc.layer_norm_eps, dtype);
    StableDropout(tree_, l.output, "dropout");
    return l;
  }

  /// cls.predictions: transform {dense, transform_act_fn, LayerNorm}, decoder (weight tied to
  /// word_embeddings, bias the same tensor as predictions.bias).
  void BuildMlmHead(ModuleId root, DType dtype) {
    const auto& p = p_;
    int64_t h = p.enc.hidden, e = p.embedding_size;
    ModuleId cls = tree_.Add(root, "cls", "DebertaV2OnlyMLMHead");
    ModuleId pred = tree_.Add(cls, "predictions", "DebertaV2LMPredictionHead");
    ModuleId transform = tree_.Add(pred, "transform", "DebertaV2PredictionHeadTransform");
    mlm_dense_ = Linear::Build(tree_, transform, "dense", h, e, true, dtype);
    mlm_act_ =
        Activation::Build(tree_, transform, "transform_act_fn", p.enc.hidden_act, p.enc.act_where);
    mlm_norm_ = LayerNorm::Build(tree_, transform, "LayerNorm", e, p.enc.layer_norm_eps, dtype);
    mlm_decoder_ = Linear::Build(tree_, pred, "decoder", e, p.vocab, true, dtype);
    auto& params = tree_[mlm_decoder_.id].params;
    params.clear();
    tree_.AddParam(mlm_decoder_.id, "weight", Shape{p.vocab, e}, dtype, word_.storage);
    int32_t bias = tree_.AddParam(pred, "bias", Shape{p.vocab}, dtype);
    tree_.AddParam(mlm_decoder_.id, "bias", Shape{p.vocab}, dtype, bias);
  }

  /// DebertaV2Embeddings.forward: word (+= positions) (+= token types), embed_proj, LayerNorm,
  /// then `embeddings * mask` with the all-ones attention_mask DebertaV2Model makes.
  Shape EmbeddingsForward(Tracer& t, int64_t b, int64_t s) const {
    Shape x = word_(t, Shape{b, s});
    if (position_.id != kNoModule) {
      x = t.Binary(emb_, OpKind::kAdd, x, position_(t, t.Constant({1, s})), kPyOperator);
    }
    if (token_type_.id != kNoModule) {
      x = t.Binary(emb_, OpKind::kAdd, x, token_type_(t, t.Constant({b, s})), kPyOperator);
    }
    if (embed_proj_.id != kNoModule) x = embed_proj_(t, x);
    x = emb_norm_(t, x);
    return t.Binary(emb_, OpKind::kMul, x, t.Constant({b, s, 1}), kPyOperator);
  }

  /// build_relative_position(s, s) with log buckets: q_ids[:, None] - k_ids[None, :] (integer),
  /// then make_log_bucket_position's float part per (query, key) pair: abs_pos / mid,
  /// torch.log, / torch.log(tensor((max_position - 1) / mid)), * (mid - 1), torch.ceil, + mid,
  /// log_pos * sign. Sign, abs, comparisons and torch.where are integer bookkeeping.
  void RelativePositions(Tracer& t, int64_t s) const {
    Shape rel = t.IndexBinary(encoder_, OpKind::kSub, Shape{s, 1}, Shape{1, s}, kPyOperator);
    if (p_.buckets <= 0 || p_.max_relative <= 0) return;
    Shape f = t.Scalar(encoder_, OpKind::kDiv, rel, kPyOperator);
    f = t.Unary(encoder_, OpKind::kLog, f, kTorch);
    Shape denom = t.Unary(encoder_, OpKind::kLog, t.Constant({}), kTorch);
    f = t.Binary(encoder_, OpKind::kDiv, f, denom, kPyOperator);
    f = t.Scalar(encoder_, OpKind::kMul, f, kPyOperator);
    f = t.Unary(encoder_, OpKind::kRound, f, kTorch);
    f = t.Scalar(encoder_, OpKind::kAdd, f, kPyOperator);
    t.Binary(encoder_, OpKind::kMul, f, t.Constant({s, s}), kPyOperator);
  }

  /// torch.sqrt(torch.tensor(head_dim, dtype=torch.float) * scale_factor): one-element ops.
  Shape Scale(Tracer& t, ModuleId m) const {
    Shape v = t.Scalar(m, OpKind::kMul, t.Constant({}), kPyOperator);
    return t.Unary(m, OpKind::kSqrt, v, kTorch);
  }

  /// DebertaV2Encoder.forward: the (B, 1, S, S) mask from the all-ones attention_mask, the
  /// relative positions and (normalised) relative table once, then the layers.
  Shape EncoderForward(Tracer& t, Shape x) const {
    int64_t b = x[0], s = x[1];
    // get_attention_mask: extended * extended.squeeze(-2).unsqueeze(-1)
    t.Binary(encoder_, OpKind::kMul, t.Constant({b, 1, 1, s}), t.Constant({b, 1, s, 1}),
             kPyOperator);
    Shape rel_table;
    if (p_.relative) {
      RelativePositions(t, s);
      rel_table = t.Weight({2 * p_.Span(), p_.enc.hidden});  // rel_embeddings.weight
      if (p_.rel_norm) rel_table = rel_norm_(t, rel_table);
    }
    Shape embedded = x;
    for (size_t i = 0; i < layers_.size(); ++i) {
      x = LayerForward(t, layers_[i], x, rel_table);
      if (i == 0 && conv_ != kNoModule) x = ConvForward(t, embedded, x);
    }
    return x;
  }

  /// ConvLayer.forward(hidden_states = the embeddings, residual_states = layer 0's output):
  /// conv over the permuted embeddings, `1 - input_mask` (masked_fill_ is a select),
  /// ACT2FN[conv_act], residual + out, LayerNorm, `* input_mask`.
  Shape ConvForward(Tracer& t, const Shape& embedded, const Shape& residual) const {
    int64_t b = embedded[0], s = embedded[1], h = p_.enc.hidden;
    Shape out = conv_conv_(t, Tracer::View(embedded, {b, h, s}));
    t.Scalar(conv_, OpKind::kSub, t.Constant({b, s}), kPyOperator);
    out = conv_act_(t, Tracer::View(out, {b, s, h}));
    Shape y = conv_norm_(t, t.Binary(conv_, OpKind::kAdd, residual, out, kPyOperator));
    return t.Binary(conv_, OpKind::kMul, y, t.Constant({b, s, 1}), kPyOperator);
  }

  Shape LayerForward(Tracer& t, const Layer& l, const Shape& x, const Shape& rel_table) const {
    int64_t b = x[0], s = x[1], nh = p_.enc.n_heads, d = p_.enc.head_dim, bh = b * nh;
    ModuleId m = l.self;
    Shape q = Tracer::View(l.query(t, x), {bh, s, d});  // transpose_for_scores
    Shape k = Tracer::View(l.key(t, x), {bh, s, d});
    Shape v = Tracer::View(l.value(t, x), {bh, s, d});
    Shape scale = Scale(t, m);
    // torch.bmm(query_layer, key_layer.transpose(-1, -2) / scale)
    Shape kt = t.Binary(m, OpKind::kDiv, Tracer::View(k, {bh, d, s}), scale, kPyOperator);
    Shape scores = t.MatMul(m, q, kt, kTorch);
    if (p_.relative) {
      int64_t span2 = 2 * p_.Span();
      Shape rel = Tracer::View(rel_table, {1, span2, p_.enc.hidden});
      // share_att_key: query_proj then key_proj over the table; else the pos_* projections.
      Shape pos_q, pos_k;
      if (p_.share_att_key) {
        pos_q = l.query(t, rel);
        pos_k = l.key(t, rel);
      } else {
        if (p_.c2p) pos_k = l.pos_key(t, rel);
        if (p_.p2c) pos_q = l.pos_query(t, rel);
      }
      std::optional<Shape> score;  // `score = 0`, then `score += ...`
      auto accumulate = [&](const Shape& part) {
        score = score ? t.Binary(m, OpKind::kAdd, *score, part, kPyOperator)
                      : t.Scalar(m, OpKind::kAdd, part, kPyOperator);  // 0 + tensor
      };
      if (p_.c2p) {
        Shape sc = Scale(t, m);
        Shape c2p = t.MatMul(m, q, Shape{bh, d, span2}, kTorch);  // gathered to (bh, s, s)
        accumulate(t.Binary(m, OpKind::kDiv, Tracer::View(c2p, {bh, s, s}), sc, kPyOperator));
      }
      if (p_.p2c) {
        Shape sc = Scale(t, m);
        Shape p2c = t.MatMul(m, k, Shape{bh, d, span2}, kTorch);
        accumulate(t.Binary(m, OpKind::kDiv, Tracer::View(p2c, {bh, s, s}), sc, kPyOperator));
      }
      // attention_scores + rel_att (the int 0 when neither c2p nor p2c is listed)
      scores = score ? t.Binary(m, OpKind::kAdd, scores, *score, kPyOperator)
                     : t.Scalar(m, OpKind::kAdd, scores, kPyOperator);
    }
    // XSoftmax: masked_fill (a select), torch.softmax, masked_fill_.
    Shape probs = t.Softmax(m, Tracer::View(scores, {b, nh, s, s}), kTorch);
    Shape ctx = t.MatMul(m, Tracer::View(probs, {bh, s, s}), v, kTorch);
    ctx = Tracer::View(ctx, {b, s, nh * d});
    Shape a = l.self_dense(t, ctx);
    a = l.self_norm(t, t.Binary(l.self_output, OpKind::kAdd, a, x, kPyOperator));
    Shape f = l.out_dense(t, l.act(t, l.inter_dense(t, a)));
    return l.out_norm(t, t.Binary(l.output, OpKind::kAdd, f, a, kPyOperator));
  }

  DebertaV2Params p_;
  ModuleId emb_ = kNoModule, encoder_ = kNoModule, pooler_ = kNoModule, conv_ = kNoModule;
  Conv1d conv_conv_;
  Embedding word_, position_, token_type_, rel_;
  Linear embed_proj_, pooler_dense_, classifier_, mlm_dense_, mlm_decoder_;
  LayerNorm emb_norm_, rel_norm_, mlm_norm_, conv_norm_;
  Activation pooler_act_, mlm_act_, conv_act_;
  std::vector<Layer> layers_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  if (o.attn == AttnImpl::kFlashAttention2) {
    throw Unsupported("--attn-impl",
                      "DeBERTa-v2 has no flash_attention_2 implementation in transformers 4.45 "
                      "(its one attention is eager)");
  }
  return std::make_unique<DebertaV2>(DebertaV2Params::FromConfig(c), cls, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"DebertaV2Model", "DebertaV2ForSequenceClassification",
                                         "DebertaV2ForTokenClassification",
                                         "DebertaV2ForQuestionAnswering", "DebertaV2ForMaskedLM"};

}  // namespace
}  // namespace deberta_v2

const ArchEntry& DebertaV2Arch() {
  static const ArchEntry e{"deberta-v2",
                           "DeBERTa-v2/v3 encoder (disentangled attention, relative buckets)",
                           deberta_v2::kClasses, deberta_v2::Make};
  return e;
}

}  // namespace calflops
