// The calflops convention as rules (calflops-spec.md section 3, seed-decoded.md section 2):
//  1. Only what calflops patches is seen: torch.nn.functional calls looked up at run time,
//     torch.matmul / mul / add (and the Tensor methods), and Python operators + * @ (hooked by
//     the version that produced the seed). C++ kernels (SDPA, flash-attn, bmm), captured function
//     objects, unary torch math, reductions and Python - / are invisible: 0.
//  2. Its formulas, not ours: F.linear ignores the bias, torch.addmm adds the bias's own size; LayerNorm 5 (4 without weight) per
//     element; activations and softmax 1 per element; + and * count the product of per-dimension
//     maxima with shapes aligned on the LEFT; matmul MACs = elements of a x last dim of b.
#include "analysis/convention.h"

namespace calflops {
namespace {

Count Elems(const Shape& s) { return s.numel(); }

OpCost Functional(const Op& op) {
  switch (op.kind) {
    case OpKind::kLinear: {
      Count macs = Elems(op.in[0]) * Count::FromSigned(op.in[1][0]);
      return {macs, 2 * macs};
    }
    case OpKind::kConv: {
      Count macs = GetOpDef(OpKind::kConv).analytic(op).macs;
      return {macs, 2 * macs + (op.attr ? Elems(op.out) : Count(0))};
    }
    case OpKind::kRelu:
    case OpKind::kSilu:
    case OpKind::kGelu:
    case OpKind::kGeluTanh:
    case OpKind::kSoftmax:
      return {0, Elems(op.in[0])};
    case OpKind::kLayerNorm:
      return {0, Elems(op.in[0]) * ((op.attr2 & 1) ? 5 : 4)};
    default:
      return {0, 0};  // F.embedding counts 0; unpatched functionals are unseen
  }
}

OpCost AddOrMul(const Op& op) {
  if (op.n_in < 2) return {0, Elems(op.in[0])};  // tensor with a Python scalar
  return {0, LeftAlignedBroadcastCount(op.in[0], op.in[1])};
}

OpCost TorchOrOperator(const Op& op) {
  switch (op.kind) {
    case OpKind::kMatMul: {
      Count macs = Elems(op.in[0]) * Count::FromSigned(op.in[1].back());
      return {macs, 2 * macs};
    }
    case OpKind::kLinear: {
      // torch.addmm(bias, x, W): MACs = elements of x x columns of W; FLOPs = 2 MACs + the
      // elements of the bias tensor (not of the output).
      Count out = Count::FromSigned(op.in[1][0]);
      Count macs = Elems(op.in[0]) * out;
      return {macs, 2 * macs + (op.attr ? out : Count(0))};
    }
    case OpKind::kAdd:
    case OpKind::kMul:
      return AddOrMul(op);
    default:
      return {0, 0};
  }
}

}  // namespace

OpCost CalflopsCost(const Op& op) {
  switch (op.form) {
    case CallForm::kFunctional:
      return Functional(op);
    case CallForm::kTorch:
    case CallForm::kPyOperator:
      return TorchOrOperator(op);
    case CallForm::kUnhooked:
      return {0, 0};
  }
  return {0, 0};
}

}  // namespace calflops
