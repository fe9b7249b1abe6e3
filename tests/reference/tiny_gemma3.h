// A tiny Gemma 3 text decoder executed on real numbers by the brute-force reference, following
// transformers v4.57's modeling_gemma3.py: Gemma3TextScaledWordEmbedding, q/k norms, global and
// local rotary tables computed at the model level, sandwich norms, and sliding layers on a
// DynamicSlidingWindowLayer cache (the last window - 1 tokens kept; attention over those plus the
// new tokens). Every scalar operation is counted and charged to the module path that runs it.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "reference/tensor.h"
#include "reference/tiny_siglip.h"

namespace reference {

struct TinyGemma3Config {
  int64_t hidden = 16, intermediate = 24, layers = 3, heads = 4, kv_heads = 2, head_dim = 6;
  int64_t vocab = 50, window = 3;
  std::vector<bool> sliding = {true, false, true};  ///< written as layer_types
  /// The config.json text (model_type gemma3_text).
  std::string ToJson() const;
  /// The same keys without model_type / architectures, for a gemma3 text_config.
  std::string Keys() const;
};

class TinyGemma3 {
 public:
  /// `attn` is "eager" or "sdpa". `model_path` is where Gemma3TextModel sits ("model", or
  /// "model.language_model" inside Gemma3ForConditionalGeneration).
  TinyGemma3(const TinyGemma3Config& c, std::string attn, std::vector<std::string> model_path,
             unsigned seed = 1);
  /// embed_tokens on ids (with its scale), charged under the model path.
  Tensor Embed(int64_t batch, int64_t tokens);
  /// The decoder on given embeddings: one call of `tokens` new positions after the cached ones.
  /// generate() passes position_ids of shape (batch, tokens); a bare forward builds (1, tokens).
  Tensor Decode(const Tensor& embeds, bool generate = false);
  /// Gemma3ForCausalLM: embed, decode, lm_head over the last `logits` positions.
  Tensor Forward(int64_t batch, int64_t tokens, int64_t logits, bool generate = false);
  /// lm_head (tied to embed_tokens) on the last `logits` positions of `h`.
  Tensor Head(const Tensor& h, int64_t logits);

 private:
  Tensor W(std::vector<int64_t> shape) { return Tensor::Random(std::move(shape), rng_); }
  Tensor Lin(const char* name, const Tensor& x, int64_t out);
  Tensor Norm(const char* name, const Tensor& x);
  Tensor Attention(size_t layer, const Tensor& x, int64_t tokens);

  TinyGemma3Config c_;
  std::string attn_;
  std::vector<std::string> path_;
  std::mt19937 rng_;
  std::vector<Tensor> cache_k_, cache_v_;
  int64_t past_ = 0;
  Tensor cos_g_, sin_g_, cos_l_, sin_l_;
};

/// Gemma3ForConditionalGeneration: a SigLIP vision tower without head, the pooled projector and
/// the text decoder above, at model.language_model.
struct TinyGemma3VlmConfig {
  TinyGemma3Config text;
  TinySiglipConfig vision;  ///< image 8, patch 2: a 4 x 4 grid pooled to 2 x 2
  int64_t tokens_per_image = 4;
  TinyGemma3VlmConfig() {
    vision.cls = "SiglipVisionModel";
    vision.vision_head = false;
    vision.patch = 2;
  }
  std::string ToJson() const;
};

class TinyGemma3Vlm {
 public:
  TinyGemma3Vlm(const TinyGemma3VlmConfig& c, std::string attn);
  /// One call: `tokens` merged positions (images already expanded), `images` per sequence
  /// encoded in this call, the head over the last `logits` positions.
  Tensor Forward(int64_t batch, int64_t tokens, int64_t images, int64_t logits,
                 bool generate = false);

 private:
  TinyGemma3VlmConfig c_;
  TinySiglip vision_;
  TinyGemma3 text_;
  std::mt19937 rng_{7};
};

}  // namespace reference
