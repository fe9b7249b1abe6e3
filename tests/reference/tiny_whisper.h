// Tiny Whisper executed on real numbers by the brute-force reference: transformers 4.45's
// WhisperForConditionalGeneration / WhisperModel forward (conv front end over 2 x
// max_source_positions mel frames, pre-norm encoder and decoder), and generate as the encoder
// once plus the decoder over its prompt, then one-token steps with a self-attention K/V cache and
// cross-attention K/V projected at the first call only. Eager scales q and always adds the causal
// mask in the decoder; SDPA is the dense composition, causal when several tokens are new.
#pragma once

#include <string>
#include <vector>

#include "reference/cases.h"
#include "reference/nn_ops.h"
#include "reference/tiny_encdec.h"

namespace reference {

struct TinyWhisperConfig {
  std::string cls = "WhisperForConditionalGeneration";  ///< or WhisperModel, ...AudioClassification
  int64_t d_model = 8, enc_layers = 2, dec_layers = 2, heads = 2, ffn = 12, vocab = 30;
  int64_t mel_bins = 4, source_positions = 6, target_positions = 20, proj = 5, labels = 3;
  std::string ToJson() const;
};

class TinyWhisper {
 public:
  TinyWhisper(const TinyWhisperConfig& c, bool eager, unsigned seed = 1);
  /// forward: the encoder over the audio, the decoder over `tokens`, logits at every position.
  void Forward(int64_t batch, int64_t tokens);
  /// generate: the encoder once and the decoder over `prompt` tokens (logits at each), then
  /// `new_tokens - 1` one-token decoder calls.
  void Generate(int64_t batch, int64_t prompt, int64_t new_tokens);

 private:
  Tensor Encoder(int64_t batch);
  Tensor Decoder(const Tensor& ids, int64_t past, const Tensor& enc);
  Tensor FeedForward(const encdec::Layer& l, const Tensor& x);
  void Step(int64_t batch, int64_t tokens, int64_t past, const Tensor* enc, Tensor* enc_out);
  TinyWhisperConfig c_;
  bool eager_;
  Tensor conv1w_, conv1b_, conv2w_, conv2b_, enc_pos_, enc_lnw_, enc_lnb_;
  Tensor embed_, dec_pos_, dec_lnw_, dec_lnb_, proj_w_, proj_b_, cls_w_, cls_b_;
  std::vector<encdec::Layer> enc_, dec_;
};

std::vector<ReferenceCase> WhisperCases();

}  // namespace reference
