// Tiny T5 executed on real numbers by the brute-force reference: transformers 4.45's
// T5ForConditionalGeneration / T5Model forward, and generate as the encoder once plus one-token
// decoder steps (self-attention K/V cache; cross-attention K/V projected at the first step;
// block 0's relative position bias recomputed over all past+1 positions, last row kept).
#pragma once

#include <string>
#include <vector>

#include "reference/cases.h"
#include "reference/nn_ops.h"

namespace reference {

struct TinyT5Config {
  std::string cls = "T5ForConditionalGeneration";  ///< or T5Model, T5EncoderModel
  int64_t d_model = 8, d_kv = 3, heads = 2, d_ff = 12, vocab = 30, enc_layers = 2,
          dec_layers = 2, buckets = 8, max_distance = 10;
  bool gated = false, tie = true;
  std::string ToJson() const;
};

class TinyT5 {
 public:
  explicit TinyT5(const TinyT5Config& c, unsigned seed = 1);
  /// forward: encoder and decoder over `tokens`, logits at every decoder position.
  void Forward(int64_t batch, int64_t tokens);
  /// generate: encode `prompt` tokens, then `steps` one-token decoder calls.
  void Generate(int64_t batch, int64_t prompt, int64_t steps);

 private:
  struct Attn {
    Tensor q, k, v, o, rel;  ///< rel: (buckets, heads), block 0 self-attention only
  };
  struct Block {
    Attn self, cross;
    Tensor ln0, ln1, ln2, wi, wi1, wo;
    Tensor k_cache, v_cache, cross_k, cross_v;
  };
  Tensor Stack(bool decoder, int64_t b, int64_t n, int64_t past, const Tensor* enc);
  Tensor Bias(const Tensor& table, int64_t len, bool bidirectional);
  Tensor Attention(const Attn& a, const Tensor& x, const Tensor& k, const Tensor& v,
                   Tensor& position_bias, bool first, const Tensor& mask, bool bidirectional);
  void Head(const Tensor& x);
  TinyT5Config c_;
  Tensor shared_, lm_, enc_norm_, dec_norm_;
  std::vector<Block> enc_, dec_;
};


}  // namespace reference
