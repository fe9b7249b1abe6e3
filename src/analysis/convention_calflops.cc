// The calflops convention as rules (calflops-spec.md section 3, seed-decoded.md section 2):
//  1. Only what calflops patches is seen: torch.nn.functional calls looked up at run time,
//     torch.matmul / mul / add (and the Tensor methods), and Python operators + * @ (hooked by
//     the version that produced the seed). C++ kernels (SDPA, flash-attn, bmm), captured function
//     objects, unary torch math, reductions and Python - / are invisible: 0.
//  2. Its formulas, not ours: F.linear ignores the bias, torch.addmm adds the bias's own size; LayerNorm 5 (4 without weight) per
//     element; activations and softmax 1 per element; + and * count the product of per-dimension
//     maxima with shapes aligned on the LEFT; matmul MACs = elements of a x last dim of b.
#include <cstdio>
#include <cstdlib>

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
    case OpKind::kLayerNorm:  // also F.group_norm and F.instance_norm
      return {0, Elems(op.in[0]) * ((op.attr2 & 1) ? 5 : 4)};
    case OpKind::kLeakyRelu:  // F.leaky_relu, F.prelu
    case OpKind::kElu:
      return {0, Elems(op.in[0])};
    case OpKind::kBatchNorm:  // eval mode with weight: 2 per element
      return {0, 2 * Elems(op.in[0])};
    case OpKind::kMaxPool:  // every pooling functional: input elements, kernel ignored
    case OpKind::kAvgPool:
    case OpKind::kLpPool:
    case OpKind::kResize:  // F.interpolate without `size`: input elements
      return {0, Elems(op.in[0])};
    case OpKind::kConvTranspose: {
      // N x prod(in spatial) x prod(k) x Cin x (weight.shape[1] // groups): weight.shape[1] is
      // already Cout / groups, so groups divide twice. The bias term is approximated by the output
      // elements (calflops derives it from the forward-conv formula).
      const Shape& x = op.in[0];
      const Shape& w = op.in[1];
      Count kernel = 1;
      for (int i = 2; i < w.rank(); ++i) kernel *= Count::FromSigned(w[i]);
      Count groups = Count::FromSigned(op.attr2 > 0 ? op.attr2 : 1);
      Count macs = Elems(x) * kernel * (Count::FromSigned(w[1]) / groups);
      return {macs, 2 * macs + (op.attr ? Elems(op.out) : Count(0))};
    }
    default:
      return {0, 0};  // F.embedding counts 0; unpatched functionals are unseen
  }
}

/// numpy's einsum_path "Optimized FLOP count" for two operands (2 x index-space size with a
/// contracted index, else 1 x), as calflops parses it from the printed report: 4 significant
/// digits.
OpCost Einsum(const Op& op) {
  Count space = Count::FromSigned(op.in[0][0]) * Count::FromSigned(op.in[0][1]) *
                Count::FromSigned(op.in[0][2]) * Count::FromSigned(op.in[1][2]);
  Count flops = op.in[0][2] > 1 ? 2 * space : space;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3e", flops.ToDouble());
  return {0, Count::FromU128(static_cast<u128>(std::strtod(buf, nullptr)))};
}

/// nn.RNN / GRU / LSTM forward hook, per layer: 2|W_ih| - G + 2|W_hh| - G + (H, 7H, 10H) + biases,
/// x input.shape[0] x input.shape[1], x 2 when bidirectional; MACs 0.
OpCost Recurrent(const Op& op) {
  int64_t gates = op.kind == OpKind::kRnn ? 1 : op.kind == OpKind::kGru ? 3 : 4;
  int64_t extra = op.kind == OpKind::kRnn ? 1 : op.kind == OpKind::kGru ? 7 : 10;
  Count h = Count::FromSigned(op.in[1][1] / gates);
  Count g = Count::FromSigned(op.in[1][1]);
  Count in = Count::FromSigned(op.in[0][2]);
  Count per = 2 * g * in - g + 2 * g * h - g + Count::FromSigned(extra) * h + (op.attr ? 2 * g : Count(0));
  return {0, per * Count::FromSigned(op.in[0][0]) * Count::FromSigned(op.in[0][1]) *
                 Count::FromSigned(op.in[1][0])};
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
    case OpKind::kEinsum:
      return Einsum(op);
    case OpKind::kSelectiveScan: {
      // MambaMixer.slow_forward as calflops' hooks see it: three Python `*` over (B, I, S, N)
      // (A * delta, delta * B, * u), then per step `*` and `+` over (B, I, N) and torch.matmul
      // (elements of the state x 1); torch.exp is unseen.
      Count cells = Elems(op.in[0]) * Count::FromSigned(op.attr);
      return {cells, 7 * cells};
    }
    default:
      return {0, 0};
  }
}

}  // namespace

OpCost CalflopsCost(const Op& op) {
  // Recurrent modules are costed by a forward hook, whatever the call looks like.
  if (op.kind == OpKind::kRnn || op.kind == OpKind::kGru || op.kind == OpKind::kLstm) {
    return Recurrent(op);
  }
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
