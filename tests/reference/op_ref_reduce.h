// Brute-force reductions for the op proofs: any set of axes, keepdims or not, axes of size 0;
// and a running sum along one axis. Every operation counted (scalar_ops.h).
#pragma once

#include <vector>

#include "model/op.h"
#include "reference/tensor.h"

namespace reference {

/// Reduces x over `axes` with a reduction kind (kMean, kSum, kReduceMax, kProd, kReduceL1,
/// kReduceL2, kReduceSumSquare, kReduceLogSum, kReduceLogSumExp). An empty reduction (an axis of
/// size 0) writes the identity with no arithmetic.
Tensor ReduceRef(calflops::OpKind kind, const Tensor& x, const std::vector<int>& axes,
                 bool keepdims);
/// Running sum along `axis`: n - 1 adds per row.
Tensor CumSumRef(const Tensor& x, int axis);

}  // namespace reference
