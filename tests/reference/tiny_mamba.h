// Tiny Mamba executed on real numbers by the brute-force reference: MambaMixer.slow_forward of
// transformers 4.45 with its cache (prefill: depthwise conv1d over the padded sequence, cut to S;
// decode: the cached window times the kernel), the sequential selective scan, the D skip and the
// SiLU gate, charged to the same module paths.
#pragma once

#include <random>
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

/// One Mamba mixer (MambaMixer.slow_forward, and Jamba's JambaMambaMixer, which adds RMSNorms
/// on dt, B and C after x_proj when `norms`) with its cached state, charged under the caller's
/// scope: the same steps as TinyMamba below.
class MambaMixerRef {
 public:
  MambaMixerRef(int64_t hidden, int64_t inner, int64_t state, int64_t conv_kernel, int64_t dt_rank,
                bool norms, std::mt19937& rng);
  /// `prefill`: the conv path; else one decode step on the cached window. `masked`: x times an
  /// all-ones attention_mask before and after the convolution.
  Tensor Forward(const Tensor& h, bool prefill, bool masked);

 private:
  int64_t n_, k_, st_, r_;
  bool norms_;
  Tensor conv_w_, conv_b_, in_proj_, x_proj_, dt_w_, dt_b_, a_log_, d_, out_proj_;
  Tensor dt_norm_, b_norm_, c_norm_;
  Tensor conv_state_, ssm_state_;  ///< (B, n, k), (B, n, N)
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
    Tensor norm;
    MambaMixerRef mixer;
  };
  TinyMambaConfig c_;
  int64_t n_ = 0;
  Tensor embed_, norm_f_;
  std::vector<Layer> layers_;
};

}  // namespace reference
