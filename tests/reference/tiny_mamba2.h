// Tiny Mamba2 executed on real numbers by the brute-force reference: Mamba2Mixer.torch_forward of
// transformers 4.45.1 with its cache (prefill: depthwise conv1d over the padded sequence, SiLU,
// the chunked SSD scan written out loop by loop as the tensor expressions run it; decode: the
// cached window and one recurrence step), the gated RMSNorm, charged to the same module paths.
#pragma once

#include <string>
#include <vector>

#include "reference/cases.h"
#include "reference/tensor.h"

namespace reference {

struct TinyMamba2Config {
  std::string cls = "Mamba2ForCausalLM";  ///< or Mamba2Model
  int64_t hidden = 8, expand = 2, heads = 4, head_dim = 4, groups = 2, state = 3;
  int64_t layers = 2, conv_kernel = 3, chunk = 4, vocab = 20;
  bool use_cache = true;
  std::string ToJson() const;
};

class TinyMamba2 {
 public:
  explicit TinyMamba2(const TinyMamba2Config& c, unsigned seed = 1);
  /// One call of `tokens` new tokens per sequence. `prefill`: the first call (conv and chunked
  /// scan), else a one-token step on the cached state. `masked`: generate's all-ones
  /// attention_mask (applied only when batch and tokens both exceed 1). `logits`: positions
  /// through lm_head.
  void Forward(int64_t batch, int64_t tokens, bool prefill, bool masked, int64_t logits);

 private:
  struct Layer {
    Tensor norm, conv_w, conv_b, in_proj, dt_bias, a_log, gnorm, d, out_proj;
    Tensor conv_state, ssm_state;  ///< (B, conv_dim, k), (B, H, P, N)
  };
  Tensor Prefill(Layer& L, const Tensor& h, bool masked);
  Tensor Decode(Layer& L, const Tensor& h);
  Tensor GatedNorm(const Tensor& y, const Tensor& gate, const Tensor& w);

  TinyMamba2Config c_;
  int64_t inner_ = 0, conv_dim_ = 0;
  Tensor embed_, norm_f_;
  std::vector<Layer> layers_;
};

}  // namespace reference
