// Tiny BERT / RoBERTa and ViT executed on real numbers by the brute-force reference: the math of
// transformers' forward passes, charged to the same module paths. Attention is the dense
// composition (scores, / sqrt(d), [+ extended mask], softmax, @ v) for eager and SDPA alike.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "reference/nn_ops.h"

namespace reference {

struct TinyBertConfig {
  bool roberta = false;
  bool xlm = false;               ///< model_type xlm-roberta (XLMRoberta* classes; implies roberta)
  std::string cls = "BertModel";  ///< BertModel / BertForMaskedLM / BertForSequenceClassification
  int64_t hidden = 16, intermediate = 24, layers = 2, heads = 4, vocab = 40, max_positions = 24;
  int64_t type_vocab = 2, num_labels = 3;
  std::string ToJson() const;
  int64_t pad() const { return roberta ? 1 : 0; }
  std::string prefix() const { return xlm ? "XLMRoberta" : roberta ? "Roberta" : "Bert"; }
};

class TinyBert {
 public:
  explicit TinyBert(const TinyBertConfig& c, unsigned seed = 1);
  /// One forward over (batch, tokens); `eager` adds BERT's extended attention mask.
  void Forward(int64_t batch, int64_t tokens, bool eager);

 private:
  struct Layer {
    Tensor q, k, v, qb, kb, vb, ao, aob, ln1w, ln1b, i, ib, o, ob, ln2w, ln2b;
  };
  TinyBertConfig c_;
  Tensor word_, pos_, type_, lnw_, lnb_, pool_, poolb_, head_dense_, head_denseb_, head_lnw_,
      head_lnb_, dec_bias_, cls_dense_, cls_denseb_, cls_out_, cls_outb_;
  std::vector<Layer> layers_;
};

struct TinyVitConfig {
  std::string cls = "ViTForImageClassification";  ///< or ViTModel
  int64_t hidden = 16, intermediate = 24, layers = 2, heads = 4, image = 8, patch = 4;
  int64_t channels = 3, num_labels = 5;
  std::string ToJson() const;
};

class TinyVit {
 public:
  explicit TinyVit(const TinyVitConfig& c, unsigned seed = 1);
  void Forward(int64_t images);

 private:
  struct Layer {
    Tensor ln1w, ln1b, q, k, v, qb, kb, vb, ao, aob, ln2w, ln2b, i, ib, o, ob;
  };
  TinyVitConfig c_;
  Tensor conv_, convb_, cls_token_, pos_, lnw_, lnb_, head_, headb_;
  std::vector<Layer> layers_;
};

}  // namespace reference
