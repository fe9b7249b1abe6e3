// Brute-force elementwise ops for the op proofs: each unary kind executed as the scalar
// operations its formula's doc string names (src/ops/elementwise.cc), each counted.
#pragma once

#include "model/op.h"
#include "reference/tensor.h"

namespace reference {

/// One element of a unary kind (kNeg ... kDequantize, kRelu ...); `attr` as the Op's (Clip: 1 =
/// one bound). Throws for a kind that is not unary elementwise.
double UnaryElement(calflops::OpKind kind, double x, int64_t attr);
/// The kind applied to every element.
Tensor UnaryRef(calflops::OpKind kind, const Tensor& x, int64_t attr = 0);
/// A binary kind (Add, Sub, Mul, Div, Compare) with numpy broadcasting.
Tensor BinaryRef(calflops::OpKind kind, const Tensor& a, const Tensor& b);

}  // namespace reference
