#include "archs/bert/bert_blocks.h"

#include "archs/arch_registry.h"
#include "archs/encoder/encoder_architecture.h"
#include "model/error.h"

namespace calflops {

using enum CallForm;

BertParams BertParams::FromConfig(const Config& c, bool roberta, const std::string& prefix) {
  BertParams p;
  p.roberta = roberta;
  p.prefix = !prefix.empty() ? prefix : roberta ? "Roberta" : "Bert";
  EncoderParams d;  // BertConfig and RobertaConfig share these defaults
  p.enc = EncoderParams::FromConfig(c, d);
  // XLMRobertaConfig keeps BertConfig's 30522; RobertaConfig says 50265.
  p.vocab = c.Int("vocab_size", p.prefix == "Roberta" ? 50265 : 30522, 1, kMaxConfigDim);
  p.max_positions = c.Int("max_position_embeddings", 512, 1, kMaxConfigDim);
  p.where_positions = c.Where("max_position_embeddings");
  p.type_vocab = c.Int("type_vocab_size", 2, 1, kMaxConfigDim);
  p.pad_token_id = c.Has("pad_token_id") ? c.OptInt("pad_token_id", 0, p.vocab - 1)
                                         : std::optional<int64_t>(roberta ? 1 : 0);
  if (roberta && !p.pad_token_id) {
    throw BadInput(c.Where("pad_token_id"), "is null; RoBERTa counts positions from it");
  }
  p.tie_word_embeddings = c.Bool("tie_word_embeddings", true);
  p.classifier_dropout = c.Float("classifier_dropout", p.enc.hidden_dropout);
  p.num_labels = ConfigNumLabels(c);
  std::string pos = c.String("position_embedding_type", "absolute");
  if (pos != "absolute") {
    throw Unsupported(c.Where("position_embedding_type"),
                      "is '" + pos + "'; only 'absolute' position embeddings are modelled");
  }
  if (c.Bool("is_decoder", false) || c.Bool("add_cross_attention", false)) {
    throw Unsupported(c.Where(c.Bool("is_decoder", false) ? "is_decoder" : "add_cross_attention"),
                      "is true; decoder / cross-attention " + p.prefix + " is not modelled");
  }
  return p;
}

int64_t BertParams::MaxTokens() const {
  return roberta ? max_positions - *pad_token_id - 1 : max_positions;
}

BertModelBlock BertModelBlock::Build(ModuleTree& tree, ModuleId id, const BertParams& p,
                                     AttnImpl impl, bool pooler, DType dtype) {
  const std::string& P = p.prefix;
  BertModelBlock m;
  m.id = id;
  m.roberta = p.roberta;
  m.impl = impl;
  m.max_tokens = p.MaxTokens();
  m.where_positions = p.where_positions;
  m.embeddings = tree.Add(id, "embeddings", P + "Embeddings");
  m.word = Embedding::Build(tree, m.embeddings, "word_embeddings", p.vocab, p.enc.hidden,
                            p.pad_token_id, dtype);
  // RobertaEmbeddings re-creates position_embeddings with padding_idx (same slot in _modules).
  m.position = Embedding::Build(tree, m.embeddings, "position_embeddings", p.max_positions,
                                p.enc.hidden, p.roberta ? p.pad_token_id : std::nullopt, dtype);
  m.token_type = Embedding::Build(tree, m.embeddings, "token_type_embeddings", p.type_vocab,
                                  p.enc.hidden, std::nullopt, dtype);
  m.emb_norm =
      LayerNorm::Build(tree, m.embeddings, "LayerNorm", p.enc.hidden, p.enc.layer_norm_eps, dtype);
  BuildDropout(tree, m.embeddings, "dropout", p.enc.hidden_dropout);
  ModuleId encoder = tree.Add(id, "encoder", P + "Encoder");
  ModuleId list = tree.Add(encoder, "layer", "ModuleList");
  tree[list].is_module_list = true;
  EncoderLayerStyle style{.prefix = P, .pre_norm = false};
  for (int64_t i = 0; i < p.enc.n_layers; ++i) {
    m.layers.push_back(
        EncoderLayer::Build(tree, list, std::to_string(i), style, p.enc, impl, dtype));
  }
  if (pooler) {
    ModuleId pid = tree.Add(id, "pooler", P + "Pooler");
    m.pooler_dense = Linear::Build(tree, pid, "dense", p.enc.hidden, p.enc.hidden, true, dtype);
    m.pooler_act = Activation::Build(tree, pid, "activation", "tanh", "");
  }
  return m;
}

Shape BertModelBlock::Forward(Tracer& t, int64_t b, int64_t s) const {
  if (s > max_tokens) {
    throw BadInput("workload", "--seq-len " + std::to_string(s) + " exceeds the " +
                                   std::to_string(max_tokens) +
                                   " tokens the position table takes (" + where_positions + ")");
  }
  Shape ids{b, s};
  Shape positions{1, s};  // the registered position_ids buffer
  if (roberta) {
    // create_position_ids_from_input_ids: (cumsum(ne(ids, pad)) + past) * mask + padding_idx,
    // integer bookkeeping whose Python operators calflops' hooks see.
    t.IndexScalar(embeddings, OpKind::kAdd, ids, kPyOperator);
    t.IndexBinary(embeddings, OpKind::kMul, ids, ids, kPyOperator);
    t.IndexScalar(embeddings, OpKind::kAdd, ids, kPyOperator);
    positions = ids;
  }
  Shape x = word(t, ids);
  Shape tt = token_type(t, ids);  // the zero token_type_ids buffer, expanded to (B, S)
  x = t.Binary(embeddings, OpKind::kAdd, x, tt, kPyOperator);
  // `embeddings += position_embeddings`: in-place, not seen by calflops' operator hooks.
  x = t.Binary(embeddings, OpKind::kAdd, x, position(t, positions), kUnhooked);
  x = emb_norm(t, x);
  bool eager = impl == AttnImpl::kEager;
  if (eager) {
    // get_extended_attention_mask on the all-ones mask: (1.0 - mask[:, None, None, :]) * min.
    Shape mask{b, 1, 1, s};
    t.Scalar(id, OpKind::kSub, mask, kPyOperator);
    t.Scalar(id, OpKind::kMul, mask, kPyOperator);
  }
  // SDPA: _prepare_4d_attention_mask_for_sdpa drops an all-ones mask, so no mask is added.
  for (const auto& l : layers) x = l.Forward(t, x, eager);
  if (pooler_dense) (*pooler_act)(t, (*pooler_dense)(t, Shape{b, x.back()}));  // hidden[:, 0]
  return x;
}

MaskedLmHead MaskedLmHead::Build(ModuleTree& tree, ModuleId parent, const BertParams& p,
                                 const Embedding& word, DType dtype) {
  MaskedLmHead h;
  h.roberta = p.roberta;
  int64_t e = p.enc.hidden;
  ModuleId decoder_parent;
  if (p.roberta) {
    h.id = tree.Add(parent, "lm_head", p.prefix + "LMHead");
    h.dense = Linear::Build(tree, h.id, "dense", e, e, true, dtype);
    h.norm = LayerNorm::Build(tree, h.id, "layer_norm", e, p.enc.layer_norm_eps, dtype);
    decoder_parent = h.id;
  } else {
    ModuleId cls = tree.Add(parent, "cls", "BertOnlyMLMHead");
    h.id = tree.Add(cls, "predictions", "BertLMPredictionHead");
    h.transform = tree.Add(h.id, "transform", "BertPredictionHeadTransform");
    h.dense = Linear::Build(tree, h.transform, "dense", e, e, true, dtype);
    h.act =
        Activation::Build(tree, h.transform, "transform_act_fn", p.enc.hidden_act, p.enc.act_where);
    h.norm = LayerNorm::Build(tree, h.transform, "LayerNorm", e, p.enc.layer_norm_eps, dtype);
    decoder_parent = h.id;
  }
  // decoder: Linear(E, V) whose bias is the head's own `bias` parameter (decoder.bias = bias)
  // and whose weight is the word embedding when tie_word_embeddings.
  h.decoder = Linear::Build(tree, decoder_parent, "decoder", e, p.vocab, true, dtype);
  auto& params = tree[h.decoder.id].params;
  params.clear();
  if (p.tie_word_embeddings) {
    tree.AddParam(h.decoder.id, "weight", Shape{p.vocab, e}, dtype, word.storage);
  } else {
    tree.AddParam(h.decoder.id, "weight", Shape{p.vocab, e}, dtype);
  }
  int32_t bias = tree.AddParam(h.id, "bias", Shape{p.vocab}, dtype);
  tree.AddParam(h.decoder.id, "bias", Shape{p.vocab}, dtype, bias);
  return h;
}

Shape MaskedLmHead::Forward(Tracer& t, const Shape& x) const {
  Shape h = dense(t, x);
  // RobertaLMHead calls transformers' module-level `gelu` (a GELUActivation holding F.gelu
  // captured at import): not a registered module, so it is charged to lm_head.
  h = act ? (*act)(t, h) : t.Unary(id, OpKind::kGelu, h, kUnhooked);
  return decoder(t, norm(t, h));
}

SequenceClassificationHead SequenceClassificationHead::Build(ModuleTree& tree, ModuleId parent,
                                                             const BertParams& p, DType dtype) {
  SequenceClassificationHead h;
  h.roberta = p.roberta;
  int64_t e = p.enc.hidden;
  if (p.roberta) {
    h.id = tree.Add(parent, "classifier", p.prefix + "ClassificationHead");
    h.dense = Linear::Build(tree, h.id, "dense", e, e, true, dtype);
    BuildDropout(tree, h.id, "dropout", p.classifier_dropout);
    h.out = Linear::Build(tree, h.id, "out_proj", e, p.num_labels, true, dtype);
  } else {
    h.id = parent;
    BuildDropout(tree, parent, "dropout", p.classifier_dropout);
    h.out = Linear::Build(tree, parent, "classifier", e, p.num_labels, true, dtype);
  }
  return h;
}

Shape SequenceClassificationHead::Forward(Tracer& t, int64_t batch) const {
  Shape x{batch, out.in};  // BERT: the pooled output; RoBERTa: features[:, 0, :]
  if (dense) x = t.Unary(id, OpKind::kTanh, (*dense)(t, x), kTorch);  // torch.tanh
  return out(t, x);
}

namespace bert_blocks {
namespace {

class BertFamily : public EncoderArchitecture {
 public:
  BertFamily(const BertParams& p, const std::string& cls, AttnImpl impl, DType dtype)
      : EncoderArchitecture(dtype, EncoderInputs{.text = true}) {
    ModuleId root = tree_.root();
    tree_[root].class_name = cls;
    bool bare = cls == p.prefix + "Model";
    bool mlm = cls == p.prefix + "ForMaskedLM";
    // BertForSequenceClassification keeps the pooler; the MLM heads and RoBERTa's drop it.
    bool pooler = bare || (!mlm && !p.roberta);
    ModuleId model =
        bare ? root : tree_.Add(root, p.roberta ? "roberta" : "bert", p.prefix + "Model");
    model_ = BertModelBlock::Build(tree_, model, p, impl, pooler, dtype);
    if (mlm) mlm_ = MaskedLmHead::Build(tree_, root, p, model_.word, dtype);
    if (!bare && !mlm) cls_ = SequenceClassificationHead::Build(tree_, root, p, dtype);
  }
  void Forward(Tracer& t, const ForwardCall& c) const override {
    Shape x = model_.Forward(t, c.batch, c.new_tokens);
    if (mlm_) mlm_->Forward(t, x);
    if (cls_) cls_->Forward(t, c.batch);
  }

 private:
  BertModelBlock model_;
  std::optional<MaskedLmHead> mlm_;
  std::optional<SequenceClassificationHead> cls_;
};

}  // namespace
}  // namespace bert_blocks

std::unique_ptr<Architecture> MakeBertFamily(const Config& c, const std::string& cls,
                                             const BuildOptions& o, bool roberta,
                                             const std::string& prefix) {
  CheckEncoderAttnImpl(o.attn, cls);
  return std::make_unique<bert_blocks::BertFamily>(BertParams::FromConfig(c, roberta, prefix), cls,
                                                   o.attn, ConfigDType(c));
}

}  // namespace calflops
