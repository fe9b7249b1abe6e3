// Hyper-parameters shared by the BERT-style encoders (BERT, RoBERTa, ViT): the keys their
// configs spell the same way, read with the family's transformers 4.45 defaults.
#pragma once

#include <string>

#include "readers/hf_config/config.h"

namespace calflops {

struct EncoderParams {
  int64_t hidden = 768;
  int64_t intermediate = 3072;
  int64_t n_layers = 12;
  int64_t n_heads = 12;
  int64_t head_dim = 64;
  double layer_norm_eps = 1e-12;
  double hidden_dropout = 0.1;
  double attention_dropout = 0.1;
  bool qkv_bias = true;
  std::string hidden_act = "gelu";
  std::string act_where;  ///< config location of hidden_act, for errors

  /// Reads hidden_size, num_hidden_layers, num_attention_heads, intermediate_size, hidden_act,
  /// layer_norm_eps, hidden_dropout_prob, attention_probs_dropout_prob and qkv_bias; `defaults`
  /// holds the family's values for absent keys. Throws a located error for bad values.
  static EncoderParams FromConfig(const Config& c, const EncoderParams& defaults);
};

/// PretrainedConfig.num_labels: the num_labels key, else the size of id2label, else 2.
int64_t ConfigNumLabels(const Config& c);

}  // namespace calflops
