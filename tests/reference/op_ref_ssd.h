// Brute-force Mamba2 chunked scan (SSD) for the op proof and the tiny Mamba2 model: the tensor
// expressions of transformers 4.45.1 Mamba2Mixer.torch_forward from reshape_into_chunks to
// y = Y_diag + Y_off, written out loop by loop with every operation counted (scalar_ops.h).
#pragma once

#include <cstdint>

#include "reference/tensor.h"

namespace reference {

/// x = x * dt (B, S, H, P), adt = A * dt (B, S, H), b and c per head (B, S, H, N), chunks of
/// `chunk` steps (the sequence zero-padded to whole chunks). Returns y (B, T, H, P) over the
/// padded length T; `final_state` (optional) receives the last chunk state (B, H, P, N).
Tensor SsdScanRef(const Tensor& x, const Tensor& adt, const Tensor& b, const Tensor& c,
                  int64_t chunk, Tensor* final_state = nullptr);

}  // namespace reference
