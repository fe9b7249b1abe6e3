// Brute-force normalisations for the op proofs, over rows of n contiguous elements (the
// normalised axes flattened): softmax, log-softmax, LayerNorm, RMSNorm, Lp normalisation; and
// BatchNorm (inference form) and LRN over channels. Every operation counted (scalar_ops.h).
#pragma once

#include "reference/tensor.h"

namespace reference {

/// Rows of `n` elements of x (x.numel() a multiple of n; n = 0: no rows).
Tensor SoftmaxRows(const Tensor& x, int64_t n);
Tensor LogSoftmaxRows(const Tensor& x, int64_t n);
/// mean, centre, variance, + eps, rsqrt, scale; then * weight and + bias when asked.
Tensor LayerNormRows(const Tensor& x, int64_t n, bool weight, bool bias);
/// square, mean, + eps, rsqrt, scale; then * weight when asked.
Tensor RmsNormRows(const Tensor& x, int64_t n, bool weight);
/// x / ||x||_p per row (p = 1 or 2).
Tensor LpNormRows(const Tensor& x, int64_t n, int p);
/// x (N, C, ...) with running statistics: per channel var + eps and sqrt, then per element
/// subtract, divide, scale, shift.
Tensor BatchNormRef(const Tensor& x);
/// ONNX LRN over channels: the window of `size` channels around each, zero-padded at the edges
/// (a dense kernel sums the full window; the convention prices it).
Tensor LrnRef(const Tensor& x, int64_t size);

}  // namespace reference
