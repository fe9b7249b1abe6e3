// Weights of an op for autograd: which inputs are the op's own parameters rather than
// activations. The backward formulas and saved tensors are in each kind's OpDef (ops/op_def.h).
#pragma once

#include "ops/op_def.h"

namespace calflops {

/// True for the inputs that are the op's weight rather than an activation (Linear / Conv in[1]).
bool IsWeightInput(OpKind kind, int input);
/// True when the op owns parameters (Linear, Conv, Embedding, affine norms).
bool HasWeight(const Op& op);

}  // namespace calflops
