// Which inputs of an op are its weights, and whether it owns parameters (the backward formulas
// themselves are in each kind's OpDef, ops/<family>.cc).
#include "ops/autograd.h"

namespace calflops {

bool IsWeightInput(OpKind kind, int input) {
  return input == 1 &&
         (kind == OpKind::kLinear || kind == OpKind::kConv || kind == OpKind::kConvTranspose ||
          kind == OpKind::kRnn || kind == OpKind::kGru || kind == OpKind::kLstm);
}

bool HasWeight(const Op& op) {
  switch (op.kind) {
    case OpKind::kLinear:
    case OpKind::kConv:
    case OpKind::kEmbedding:
    case OpKind::kConvTranspose:
    case OpKind::kBatchNorm:
    case OpKind::kRnn:
    case OpKind::kGru:
    case OpKind::kLstm:
      return true;
    case OpKind::kLayerNorm:
      return (op.attr2 & 3) != 0;
    case OpKind::kRmsNorm:
      return (op.attr2 & 1) != 0;
    default:
      return false;
  }
}

}  // namespace calflops
