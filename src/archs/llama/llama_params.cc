#include "archs/llama/llama_params.h"

#include <utility>

#include "archs/config_checks.h"
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
  RequireDivides(c, "num_key_value_heads", p.n_kv_heads, "num_attention_heads", p.n_heads);
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
  // q_proj / k_proj widths: heads x head_dim must stay a sane dimension (and an int64).
  for (auto [heads, key] : {std::pair{p.n_heads, "num_attention_heads"},
                            std::pair{p.n_kv_heads, "num_key_value_heads"}}) {
    if (p.head_dim > kMaxConfigDim / heads) {
      throw BadInput(c.Where(key), "is " + std::to_string(heads) + ": " + key + " x head_dim " +
                                       std::to_string(p.head_dim) + " exceeds the limit of " +
                                       std::to_string(kMaxConfigDim));
    }
  }
  if (p.head_dim % 2 != 0) {
    throw BadInput(c.Where("head_dim"), "is odd (" + std::to_string(p.head_dim) +
                                            "); rotary embeddings need an even head dimension");
  }
  p.vocab = c.Int("vocab_size", defaults.vocab, 1, kMaxConfigDim);
  // nn.Embedding accepts padding_idx in [-vocab, vocab) and stores a negative one as vocab + idx.
  p.pad_token_id = c.OptInt("pad_token_id", -p.vocab, p.vocab - 1);
  if (p.pad_token_id && *p.pad_token_id < 0) *p.pad_token_id += p.vocab;
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
