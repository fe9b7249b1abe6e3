// Tiny Mamba executed on real numbers by the brute-force reference: MambaMixer.slow_forward of
// transformers 4.45 with its cache (prefill: depthwise conv1d over the padded sequence, cut to S;
// decode: the cached window times the kernel), the sequential selective scan, the D skip and the
// SiLU gate, charged to the same module paths.
#pragma once

#include <string>
#include <vector>

#include "reference/nn_ops.h"

namespace reference {

struct TinyMambaConfig {
  std::string cls = "MambaForCausalLM";  ///< or MambaModel
  int64_t hidden = 8, state = 3, layers = 2, expand = 2, conv_kernel = 3, dt_rank = 2;
  int64_t vocab = 20;
  std::string ToJson() const;
};

class TinyMamba {
 public:
  explicit TinyMamba(const TinyMambaConfig& c, unsigned seed = 1);
  /// One call: `tokens` new tokens per sequence. `prefill`: the conv path (forward and the first
  /// generate call), else a one-token decode step on the cached state. `masked`: generate's
  /// all-ones attention_mask multiplies the activations before and after the convolution.
  /// `logits`: positions through lm_head.
  void Forward(int64_t batch, int64_t tokens, bool prefill, bool masked, int64_t logits);

 private:
  struct Layer {
    Tensor norm, conv_w, conv_b, in_proj, x_proj, dt_w, dt_b, a_log, d, out_proj;
    Tensor conv_state, ssm_state;  ///< (B, n, k), (B, n, N)
  };
  TinyMambaConfig c_;
  int64_t n_ = 0;
  Tensor embed_, norm_f_;
  std::vector<Layer> layers_;
};

}  // namespace reference
