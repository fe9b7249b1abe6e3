// Tiny DistilBERT executed on real numbers by the brute-force reference, charged to the module
// paths of transformers 4.45's DistilBert* classes. Eager attention scales q, multiplies, masks
// with (mask == 0) and masked_fill (a select), softmaxes and multiplies by v; flash attention is
// the dense composition on unscaled q with the scale on the scores.
#pragma once

#include <string>
#include <vector>

#include "reference/nn_ops.h"

namespace reference {

struct TinyDistilBertConfig {
  std::string cls = "DistilBertModel";  ///< or DistilBertForMaskedLM / ...ForSequenceClassification
  int64_t dim = 16, hidden_dim = 24, layers = 2, heads = 4, vocab = 40, max_positions = 24;
  int64_t num_labels = 3;
  std::string ToJson() const;
};

class TinyDistilBert {
 public:
  explicit TinyDistilBert(const TinyDistilBertConfig& c, unsigned seed = 1);
  void Forward(int64_t batch, int64_t tokens, bool flash);

 private:
  struct Layer {
    Tensor q, k, v, o, qb, kb, vb, ob, ln1w, ln1b, l1, l1b, l2, l2b, ln2w, ln2b;
  };
  TinyDistilBertConfig c_;
  Tensor word_, pos_, lnw_, lnb_, vt_, vtb_, vlnw_, vlnb_, vpb_, pre_, preb_, cls_, clsb_;
  std::vector<Layer> layers_;
};

}  // namespace reference
