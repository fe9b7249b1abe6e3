// Tiny decoders of the Llama-derived families executed on real numbers by the brute-force
// reference (tensor.h): Mistral, Mixtral, Qwen2, Qwen2-MoE, Qwen3, Qwen3-MoE, Gemma, Gemma2,
// Phi3, DeepSeek-V3, DeepSeek-V2, OLMo, OLMo2, OLMo3, Granite, GraniteMoe, StarCoder2, Cohere and
// Cohere2, each following its transformers modeling file (v4.45, or newer for qwen3 / qwen3_moe
// / deepseek_v3 / deepseek_v2 / olmo2 / olmo3 / cohere2, as each family file names), with every
// scalar operation counted and charged to the module path that runs it.
//
// Mixture-of-experts layers run the router for real (softmax or sigmoid, top-k by counted
// comparisons) but dispatch tokens by a fixed assignment: token t's j-th expert is
// (t * top_k + j) mod experts, the routing assumption the program documents.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "reference/tensor.h"

namespace reference {

struct TinyDecoderConfig {
  std::string model_type = "mistral";
  int64_t hidden = 16, intermediate = 24, layers = 2, heads = 4, kv_heads = 2, vocab = 50;
  int64_t head_dim = 0;                ///< 0: hidden / heads, and no head_dim key in the config
  int64_t sliding_window = 0;          ///< mistral (0 writes null), cohere2
  int64_t sliding_window_pattern = 4;  ///< cohere2, olmo3: every pattern-th layer is global
  double clip_qkv = 0;                 ///< olmo; 0 writes null
  // Mixtures of experts.
  int64_t experts = 0, top_k = 0, moe_intermediate = 0, shared_intermediate = 0;
  bool norm_topk_prob = true;
  int64_t decoder_sparse_step = 1;
  std::vector<int64_t> mlp_only_layers;
  // DeepSeek-V3.
  int64_t q_lora_rank = 12;  ///< 0 writes null (a plain q_proj)
  int64_t kv_lora_rank = 8, qk_nope = 4, qk_rope = 4, v_head = 6;
  int64_t n_group = 2, topk_group = 1, first_k_dense = 1, n_shared = 1;
  bool group_limited = false;  ///< deepseek_v2: topk_method group_limited_greedy (else greedy)

  /// The config.json text for the program under test.
  std::string ToJson() const;
};

class TinyDecoder {
 public:
  /// `attn` is "eager" or "sdpa" (what changes: masks in decode steps, Gemma2's soft-capping).
  TinyDecoder(const TinyDecoderConfig& c, std::string attn, unsigned seed = 1);
  /// One ForCausalLM call of `tokens` new positions per sequence after the cached ones; the head
  /// runs over the last `logits` positions.
  Tensor Forward(int64_t batch, int64_t tokens, int64_t logits);

 private:
  Tensor W(std::vector<int64_t> shape) { return Tensor::Random(std::move(shape), rng_); }
  Tensor Lin(const char* name, const Tensor& x, int64_t out, bool bias = false);
  Tensor Norm(const char* name, const Tensor& x, bool gemma_style);
  Tensor Act(const Tensor& x);
  Tensor Mlp(const Tensor& x, int64_t width, bool mixtral_names = false);
  Tensor Rope(const Tensor& x, const Tensor& cos, const Tensor& sin);
  void Tables(int64_t tokens, int64_t dim, bool scaled, bool counted, Tensor& cos, Tensor& sin);
  Tensor Attention(size_t layer, const Tensor& x, int64_t tokens);
  Tensor Mla(size_t layer, const Tensor& x, int64_t tokens);
  /// `cached`: keys before this call (default: every past token); `window_reached`: a sliding
  /// layer's keys reached its window, so SDPA gets an explicit mask.
  Tensor Scores(const Tensor& q, const Tensor& k, const Tensor& v, int64_t tokens,
                int64_t cached = -1, bool window_reached = false);
  Tensor FeedForward(int64_t layer, const Tensor& x);
  Tensor SoftmaxMoe(const Tensor& x);
  Tensor GraniteMoe(const Tensor& x);
  Tensor DeepseekMoe(const Tensor& x);
  Tensor DeepseekV2Moe(const Tensor& x);
  void ComplexTables(int64_t tokens, int64_t dim);
  Tensor ComplexRope(const Tensor& x);
  Tensor RunExperts(const Tensor& flat, const Tensor& weights, int64_t width, bool mixtral_names);

  TinyDecoderConfig c_;
  std::string attn_;
  std::mt19937 rng_;
  int64_t head_dim_;
  std::vector<Tensor> cache_k_, cache_v_;
  int64_t past_ = 0;
  Tensor cos_, sin_;  ///< model-level rotary tables of the current call
};

}  // namespace reference
