// Hyper-parameters of the Llama family (and of the decoders that copy it: Mistral, Qwen2, ...),
// read from a config.json with transformers 4.45's LlamaConfig defaults for missing keys.
#pragma once

#include <optional>
#include <string>

#include "readers/hf_config/config.h"

namespace calflops {

struct LlamaParams {
  std::string prefix = "Llama";  ///< class-name prefix: LlamaAttention, MistralAttention, ...
  int64_t hidden = 4096;
  int64_t intermediate = 11008;
  int64_t n_layers = 32;
  int64_t n_heads = 32;
  int64_t n_kv_heads = 32;
  int64_t head_dim = 128;
  int64_t vocab = 32000;
  std::optional<int64_t> pad_token_id;
  double rms_eps = 1e-6;
  bool tie_word_embeddings = false;
  bool attention_bias = false;
  bool mlp_bias = false;
  std::string hidden_act = "silu";
  std::string act_where;  ///< config location of hidden_act, for errors

  int64_t q_dim() const { return n_heads * head_dim; }
  int64_t kv_dim() const { return n_kv_heads * head_dim; }

  /// Reads LlamaConfig keys; throws a located error for a missing, mistyped or absurd value.
  static LlamaParams FromConfig(const Config& c, std::string prefix = "Llama");
};

}  // namespace calflops
