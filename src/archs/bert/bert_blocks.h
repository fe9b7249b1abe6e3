// BERT and RoBERTa as transformers 4.45 registers them: XEmbeddings (word, position, token type,
// LayerNorm, dropout), XEncoder of post-norm encoder layers, XPooler, and the heads of
// XForMaskedLM and XForSequenceClassification. RoBERTa differs from BERT only in its class
// names, its position ids (counted from padding_idx + 1, computed from input_ids) and its heads.
#pragma once

#include <optional>
#include <vector>

#include "archs/encoder/encoder_layer.h"
#include "archs/nn/embedding.h"

namespace calflops {

struct BertParams {
  EncoderParams enc;
  bool roberta = false;
  std::string prefix = "Bert";  ///< "Bert", "Roberta" or "XLMRoberta"
  int64_t vocab = 30522;
  int64_t max_positions = 512;
  int64_t type_vocab = 2;
  std::optional<int64_t> pad_token_id;
  bool tie_word_embeddings = true;
  double classifier_dropout = 0.1;  ///< classifier_dropout, else hidden_dropout_prob
  int64_t num_labels = 2;
  std::string where_positions;  ///< config location of max_position_embeddings

  /// BertConfig / RobertaConfig keys with their 4.45 defaults. Rejects what the builders do not
  /// model (relative position embeddings, decoder or cross-attention configurations).
  static BertParams FromConfig(const Config& c, bool roberta, const std::string& prefix = "");
  /// Longest sequence the position table takes (RoBERTa's positions start at padding_idx + 1).
  int64_t MaxTokens() const;
};

struct BertModelBlock {
  ModuleId id = kNoModule;
  ModuleId embeddings = kNoModule;
  Embedding word, position, token_type;
  LayerNorm emb_norm;
  std::vector<EncoderLayer> layers;
  std::optional<Linear> pooler_dense;
  std::optional<Activation> pooler_act;
  bool roberta = false;
  AttnImpl impl = AttnImpl::kSdpa;
  int64_t max_tokens = 0;
  std::string where_positions;  ///< config location of max_position_embeddings, for errors

  /// Builds XModel's children under `id` (created with the class name by the caller).
  static BertModelBlock Build(ModuleTree& tree, ModuleId id, const BertParams& p, AttnImpl impl,
                              bool pooler, DType dtype);
  /// Sequence output (B, S, E); the pooled output (B, E) is computed when there is a pooler.
  Shape Forward(Tracer& t, int64_t batch, int64_t tokens) const;
};

/// XForMaskedLM's head over every position: BertOnlyMLMHead (cls.predictions) or RobertaLMHead.
struct MaskedLmHead {
  ModuleId id = kNoModule;  ///< cls.predictions / lm_head
  Linear dense, decoder;
  std::optional<Activation> act;  ///< BERT's transform_act_fn (RoBERTa calls gelu directly)
  LayerNorm norm;
  ModuleId transform = kNoModule;
  bool roberta = false;

  /// Builds under `parent`; the decoder weight is tied to `word` when tie_word_embeddings.
  static MaskedLmHead Build(ModuleTree& tree, ModuleId parent, const BertParams& p,
                            const Embedding& word, DType dtype);
  Shape Forward(Tracer& t, const Shape& x) const;
};

/// XForSequenceClassification's head: BERT's dropout + classifier on the pooled output, or
/// RobertaClassificationHead (dense, tanh, out_proj) on the first token.
struct SequenceClassificationHead {
  ModuleId id = kNoModule;
  std::optional<Linear> dense;
  Linear out;
  bool roberta = false;

  static SequenceClassificationHead Build(ModuleTree& tree, ModuleId parent, const BertParams& p,
                                          DType dtype);
  Shape Forward(Tracer& t, int64_t batch) const;
};

/// Builds one of the classes for bert / roberta / xlm-roberta (shared by their registry
/// entries); `prefix` names the classes ("XLMRoberta"), "" = "Bert" or "Roberta".
std::unique_ptr<Architecture> MakeBertFamily(const Config& c, const std::string& cls,
                                             const BuildOptions& o, bool roberta,
                                             const std::string& prefix = "");

}  // namespace calflops
