// Tiny BART executed on real numbers by the brute-force reference: transformers 4.45's
// BartForConditionalGeneration / BartModel forward, and generate as the encoder once plus
// one-token decoder steps with a self-attention K/V cache and cross-attention K/V projected at
// the first step only. Eager scales q and adds the expanded masks; SDPA is the dense composition
// with the scale on the scores and a causal mask when several tokens are decoded at once.
#pragma once

#include <string>
#include <vector>

#include "reference/nn_ops.h"
#include "reference/tiny_encdec.h"

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
  Tensor Stack(bool decoder, const Tensor& ids, int64_t past, const Tensor* enc, bool gen_mask);
  TinyBartConfig c_;
  bool eager_;
  Tensor shared_, enc_pos_, dec_pos_, enc_lnw_, enc_lnb_, dec_lnw_, dec_lnb_, bias_;
  std::vector<encdec::Layer> enc_, dec_;
};

}  // namespace reference
