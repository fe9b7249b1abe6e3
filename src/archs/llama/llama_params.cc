#include "archs/llama/llama_params.h"

#include "model/error.h"

namespace calflops {

LlamaParams LlamaParams::FromConfig(const Config& c, std::string prefix) {
  LlamaParams d;
  d.prefix = std::move(prefix);
  return FromConfig(c, d);
}

LlamaParams LlamaParams::FromConfig(const Config& c, const LlamaParams& defaults) {
  LlamaParams p = defaults;
  p.hidden = c.Int("hidden_size", defaults.hidden, 1, kMaxConfigDim);
  p.intermediate = c.Int("intermediate_size", defaults.intermediate, 1, kMaxConfigDim);
  p.n_layers = c.Int("num_hidden_layers", defaults.n_layers, 0, kMaxLayers);
  p.n_heads = c.Int("num_attention_heads", defaults.n_heads, 1, kMaxConfigDim);
  p.n_kv_heads = c.Int("num_key_value_heads",
                       defaults.n_kv_heads > 0 ? defaults.n_kv_heads : p.n_heads, 1, kMaxConfigDim);
  if (p.n_heads % p.n_kv_heads != 0) {
    throw BadInput(c.Where("num_key_value_heads"),
                   "is " + std::to_string(p.n_kv_heads) + ", which does not divide " +
                       "num_attention_heads " + std::to_string(p.n_heads));
  }
  if (c.IsSet("head_dim")) {
    p.head_dim = c.Int("head_dim", 1, kMaxConfigDim);
  } else if (defaults.head_dim > 0) {
    p.head_dim = defaults.head_dim;
  } else {
    if (p.hidden % p.n_heads != 0) {
      throw BadInput(c.Where("num_attention_heads"),
                     "is " + std::to_string(p.n_heads) + ", which does not divide hidden_size " +
                         std::to_string(p.hidden) + " (and head_dim is not given)");
    }
    p.head_dim = p.hidden / p.n_heads;
  }
  if (p.head_dim % 2 != 0) {
    throw BadInput(c.Where("head_dim"), "is odd (" + std::to_string(p.head_dim) +
                                            "); rotary embeddings need an even head dimension");
  }
  p.vocab = c.Int("vocab_size", defaults.vocab, 1, kMaxConfigDim);
  p.pad_token_id = c.OptInt("pad_token_id", INT64_MIN, INT64_MAX);
  p.rms_eps = c.Float("rms_norm_eps", defaults.rms_eps);
  p.tie_word_embeddings = c.Bool("tie_word_embeddings", defaults.tie_word_embeddings);
  bool attention_bias = c.Bool("attention_bias", defaults.qkv_bias);
  p.qkv_bias = attention_bias;
  p.o_bias = attention_bias;
  p.mlp_bias = c.Bool("mlp_bias", defaults.mlp_bias);
  p.hidden_act = c.String("hidden_act", defaults.hidden_act);
  p.act_where = c.Where("hidden_act");
  return p;
}

}  // namespace calflops
