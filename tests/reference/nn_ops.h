// Reference building blocks for the encoder and GPT-style tiny models, written only with the
// counted scalar helpers (scalar_ops.h) and tensor.h: LayerNorm, the GELU variants, convolution,
// and the dense attention composition.
#pragma once

#include "reference/tensor.h"

namespace reference {

/// x^e as one counted operation (torch.pow).
inline double Pow(double a, double e) {
  ++Counter::Get().Current().flops;
  return std::pow(a, e);
}

/// F.layer_norm over the last dimension with weight and bias: mean, centre, variance, + eps,
/// rsqrt, scale, * weight, + bias.
Tensor LayerNormRef(const Tensor& x, const Tensor& w, const Tensor& b, double eps);
/// nn.LayerNorm (weight and bias) under the module scope `scope`: its ops count to that module.
Tensor Norm(const std::string& scope, const Tensor& x, const Tensor& w, const Tensor& b,
            double eps);
/// nn.Linear under the module scope `scope` (no bias when `b` is null).
Tensor Lin(const std::string& scope, const Tensor& x, const Tensor& w, const Tensor* b = nullptr);
/// nn.Linear with bias `b` under the module scope `scope`.
Tensor Lin(const std::string& scope, const Tensor& x, const Tensor& w, const Tensor& b);
/// F.gelu (erf form): x * 0.5 * (1 + erf(x / sqrt(2))).
Tensor GeluErf(const Tensor& x);
/// F.gelu(approximate="tanh"): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), x^3 as x*x*x.
Tensor GeluTanh(const Tensor& x);
/// transformers' NewGELUActivation: the same with torch.pow(x, 3).
Tensor GeluNew(const Tensor& x);
/// torch.tanh.
Tensor TanhRef(const Tensor& x);
/// F.conv2d, no padding, dilation 1, groups 1: x (N, C, H, W), w (O, C, kh, kw), bias (O).
Tensor Conv2dRef(const Tensor& x, const Tensor& w, const Tensor& bias, int64_t stride);

/// F.conv1d, groups 1, zero padding `pad` (padded taps are multiplied too): x (N, C, L),
/// w (O, C, k), bias (O).
Tensor Conv1dRef(const Tensor& x, const Tensor& w, const Tensor& bias, int64_t stride, int64_t pad);
/// How the scores are scaled before the softmax.
enum class Scale { kDivSqrt, kMulInvSqrt };
/// softmax(q k^T scaled [+ mask]) v for q (..., Sq, D), k and v (..., Sk, D); `mask` is added
/// (broadcast) when given.
Tensor AttentionRef(const Tensor& q, const Tensor& k, const Tensor& v, Scale scale,
                    const Tensor* mask);
/// A model-level RotaryEmbedding.forward for positions past .. past + tokens - 1: inv_freq @
/// positions, cat, cos and sin, each * attention_scaling (1.0). cos / sin: (1, 1, tokens, dim).
void RotaryTablesRef(int64_t past, int64_t tokens, int64_t dim, Tensor& cos, Tensor& sin);
/// apply_rotary_pos_emb on x (B, H, S, D): x * cos + rotate_half(x) * sin.
Tensor RotaryRef(const Tensor& x, const Tensor& cos, const Tensor& sin);

/// (B, S, H*D) -> (B, H, S, D).
Tensor SplitHeads(const Tensor& x, int64_t heads);
/// (B, H, S, D) -> (B, S, H*D).
Tensor MergeHeads(const Tensor& x);

}  // namespace reference
