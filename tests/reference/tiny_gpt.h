// Tiny GPT-2 and GPT-NeoX executed on real numbers by the brute-force reference, with a KV cache
// for generation. Eager attention applies the causal mask as a select (torch.where: no
// arithmetic); SDPA adds it when more than one query attends, as the fused kernel's count does.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "reference/nn_ops.h"

namespace reference {

struct TinyGptConfig {
  bool neox = false;
  std::string cls;  ///< default: GPT2LMHeadModel / GPTNeoXForCausalLM
  int64_t hidden = 16, intermediate = 40, layers = 2, heads = 4, vocab = 50, positions = 32;
  double rotary_pct = 0.5;
  bool parallel_residual = true;
  std::string ToJson() const;
};

class TinyGpt {
 public:
  TinyGpt(const TinyGptConfig& c, bool eager, unsigned seed = 1);
  /// One call of `tokens` new positions after the cached ones; head over the last `logits`.
  /// `generating`: generate() passes an all-ones attention_mask and (B, s) position ids.
  void Forward(int64_t batch, int64_t tokens, int64_t logits, bool generating);

 private:
  void Gpt2(int64_t b, int64_t s, int64_t logits, bool generating);
  void Neox(int64_t b, int64_t s, int64_t logits, bool generating);
  Tensor Attend(const Tensor& q, const Tensor& k, const Tensor& v, int64_t s, double scale_div,
                const Tensor* ext_mask, bool neox_eager);
  struct Layer {
    Tensor ln1w, ln1b, ln2w, ln2b, qkv, qkvb, proj, projb, fc, fcb, fc2, fc2b;
  };
  TinyGptConfig c_;
  bool eager_;
  Tensor wte_, wpe_, lnfw_, lnfb_, head_;
  std::vector<Layer> layers_;
  std::vector<Tensor> cache_k_, cache_v_;
  int64_t past_ = 0;
};

}  // namespace reference
