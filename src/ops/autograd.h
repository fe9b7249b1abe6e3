// Backward pass per op: the FLOPs of the gradients autograd computes and the tensors it keeps
// from the forward pass, one row per OpKind with both formulas as doc strings.
//
// Conventions (docs/memory-and-latency.md):
//  * Contractions: the gradient of each operand that needs one is a contraction of the same size
//    as the forward (dX = dY W, dW = dY^T X), so a Linear whose input needs a gradient costs
//    2 x its forward MACs in backward, and 1 x when only the weight does (the model's first
//    layer reading raw inputs).
//  * Elementwise ops: the derivative written out as PyTorch's derivatives.yaml computes it,
//    counted with the cost table's one-FLOP-per-scalar-operation rule; broadcasting in forward
//    becomes a sum over the broadcast dimensions in backward.
//  * Nothing is computed for an operand that needs no gradient, and an op none of whose operands
//    needs one is not recorded by autograd at all (no backward, nothing saved).
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "ops/op_def.h"

namespace calflops {

/// Which operands need a gradient.
struct GradNeeds {
  std::array<bool, 3> input{};  ///< activation inputs in[0..2] (weights are not inputs here)
  bool weight = false;          ///< the op's own trainable parameters (Linear, Conv, norms, ...)
  bool any() const { return weight || input[0] || input[1] || input[2]; }
};

/// What autograd keeps for backward.
struct SavedSet {
  uint8_t inputs = 0;   ///< bit i: in[i] is saved (at the activation dtype)
  bool output = false;  ///< the output is saved
  Count f32_extra{};    ///< extra float32 elements (norm statistics, attention log-sum-exp)
  Count index_extra{};  ///< extra int64 elements (embedding ids, top-k indices)
};

struct OpGradDef {
  OpKind kind;
  std::string_view backward;  ///< one line: backward MACs and FLOPs
  OpCost (*backward_cost)(const Op&, const GradNeeds&);
  std::string_view saved;  ///< one line: what is kept for backward
  SavedSet (*saved_tensors)(const Op&, const GradNeeds&);
};

/// The backward definition of one op kind.
const OpGradDef& GetGradDef(OpKind kind);
/// Every definition, in OpKind order; the table test checks that every kind has exactly one.
std::span<const OpGradDef> AllGradDefs();

/// True for the inputs that are the op's weight rather than an activation (Linear / Conv in[1]).
bool IsWeightInput(OpKind kind, int input);
/// True when the op owns parameters (Linear, Conv, Embedding, affine norms).
bool HasWeight(const Op& op);

}  // namespace calflops
