// Tiny BART executed on real numbers by the brute-force reference: transformers 4.45's
// BartForConditionalGeneration / BartModel forward, and generate as the encoder once plus
// one-token decoder steps with a self-attention K/V cache and cross-attention K/V projected at
// the first step only. Eager scales q and adds the expanded masks; SDPA is the dense composition
// with the scale on the scores and a causal mask when several tokens are decoded at once.
#pragma once

#include <string>
#include <vector>

#include "reference/nn_ops.h"

namespace reference {

struct TinyBartConfig {
  std::string cls = "BartForConditionalGeneration";  ///< or BartModel
  int64_t d_model = 8, enc_layers = 2, dec_layers = 2, heads = 2, ffn = 12, vocab = 30;
  int64_t max_positions = 20;
  std::string ToJson() const;
};

class TinyBart {
 public:
  TinyBart(const TinyBartConfig& c, bool eager, unsigned seed = 1);
  /// forward: encoder and decoder over `tokens`, logits at every decoder position.
  void Forward(int64_t batch, int64_t tokens);
  /// generate: encode `prompt` tokens (with generate's all-ones attention_mask), then `steps`
  /// one-token decoder calls.
  void Generate(int64_t batch, int64_t prompt, int64_t steps);

 private:
  struct Attn {
    Tensor k, v, q, o, kb, vb, qb, ob;
  };
  struct Layer {
    Attn self, cross;
    Tensor ln1w, ln1b, ln2w, ln2b, ln3w, ln3b, fc1, fc1b, fc2, fc2b;
    Tensor k_cache, v_cache, cross_k, cross_v;  ///< (B, S, E)
  };
  Tensor Stack(bool decoder, const Tensor& ids, int64_t past, const Tensor* enc, bool gen_mask);
  Tensor AttnRef(const std::string& name, const Attn& a, const Tensor& x, const Tensor& k,
                 const Tensor& v, bool mask, bool causal);
  TinyBartConfig c_;
  bool eager_;
  Tensor shared_, enc_pos_, dec_pos_, enc_lnw_, enc_lnb_, dec_lnw_, dec_lnb_, bias_;
  std::vector<Layer> enc_, dec_;
};

}  // namespace reference
