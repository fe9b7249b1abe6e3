// Tiny DeBERTa-v2 executed on real numbers by the brute-force reference: transformers 4.45.1's
// DebertaV2Model and its heads, one forward pass with DebertaV2Model's all-ones attention_mask.
// Disentangled attention: content scores against keys divided by sqrt(head_dim x scale_factor),
// plus c2p and p2c scores against the (layer-normed) relative table, gathered by the relative
// distance (log-bucketed when position_buckets > 0; the bucket's float arithmetic is counted per
// query/key pair, the integer part is not).
#pragma once

#include <string>
#include <vector>

#include "reference/cases.h"
#include "reference/nn_ops.h"

namespace reference {

struct TinyDebertaV2Config {
  std::string cls = "DebertaV2ForSequenceClassification";
  int64_t hidden = 8, heads = 2, layers = 2, intermediate = 12, vocab = 30, max_positions = 16;
  int64_t type_vocab = 0, buckets = 4, max_relative = -1, num_labels = 3, embedding_size = 8;
  int64_t conv_kernel = 0;        ///< > 0: the ConvLayer after layer 0
  std::string conv_act = "tanh";  ///< ConvLayer's activation: tanh (the default) or gelu
  bool relative = true, position_biased = false, share_att_key = true, rel_norm = true;
  std::string pos_att_type = "[\"p2c\", \"c2p\"]";  ///< JSON: a list or a "c2p|p2c" string
  bool c2p = true, p2c = true;                      ///< what pos_att_type lists
  std::string ToJson() const;
};

class TinyDebertaV2 {
 public:
  explicit TinyDebertaV2(const TinyDebertaV2Config& c, unsigned seed = 1);
  void Forward(int64_t batch, int64_t tokens);

 private:
  struct Layer {
    Tensor q, qb, k, kb, v, vb, pk, pkb, pq, pqb, ad, adb, ln1w, ln1b, id, idb, od, odb, ln2w, ln2b;
  };
  int64_t Span() const;
  std::vector<int64_t> RelativePositions(int64_t s);
  Tensor ConvLayer(const Tensor& embedded, const Tensor& residual, int64_t b, int64_t s);
  Tensor Attention(Layer& l, const Tensor& x, const Tensor* table, const std::vector<int64_t>& rel);
  TinyDebertaV2Config c_;
  Tensor word_, pos_, type_, proj_, emb_lnw_, emb_lnb_, rel_, rel_lnw_, rel_lnb_;
  Tensor conv_w_, conv_b_, conv_lnw_, conv_lnb_;
  Tensor head_w_, head_b_, cls_w_, cls_b_, mlm_w_, mlm_b_, mlm_lnw_, mlm_lnb_, mlm_bias_;
  std::vector<Layer> layers_;
};

std::vector<ReferenceCase> DebertaV2Cases();

}  // namespace reference
