// Brute-force fused kernels for the op proofs: the attention kernel (scaled dot product with
// grouped KV heads and an optional additive mask), the rotary embedding as ONNX Runtime's kernel
// computes it, and Mamba's selective scan. Every operation counted (scalar_ops.h).
#pragma once

#include <cstdint>

#include "reference/tensor.h"

namespace reference {

/// q (B, H, Sq, D), k (B, Hkv, Sk, D), v (B, Hkv, Sk, Dv), H a multiple of Hkv: per score a
/// dot product, a scale and (masked) an added mask value; a softmax per row; then P V.
Tensor AttentionKernelRef(const Tensor& q, const Tensor& k, const Tensor& v, bool masked);
/// Rows of `row` features, the first `rot` rotated in halves: out[i] = x[i] cos - x[i+h] sin,
/// out[i+h] = x[i+h] cos + x[i] sin (2 multiplies and an add or subtract each); the rest copied.
Tensor RotaryRef(const Tensor& x, int64_t row, int64_t rot);
/// Mamba's selective scan: u and delta (B, I, S), b and c (B, S, N), A (I, N); per cell
/// exp(delta A), delta B u, h = dA h + dBu, y += h C.
Tensor SelectiveScanRef(const Tensor& u, const Tensor& delta, const Tensor& b, const Tensor& c,
                        const Tensor& a);

}  // namespace reference
