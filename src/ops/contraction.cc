// Contractions: Linear, MatMul, Conv, ConvTranspose, Einsum.
#include <cstdio>
#include <cstdlib>

#include "ops/op_formulas.h"

namespace calflops {

Count MatMulMacs(const Shape& a, const Shape& b) {
  if (a.rank() == 0 || b.rank() == 0) return 0;
  if (a.rank() == 1 && b.rank() == 1) return Count::FromSigned(a[0]);
  int64_t k = a.back();
  int64_t m = a.rank() >= 2 ? a.back(1) : 1;
  int64_t n = b.rank() >= 2 ? b.back() : 1;
  Shape ba, bb;  // batch dims
  for (int i = 0; i + 2 < a.rank(); ++i) ba.push_back(a[i]);
  for (int i = 0; i + 2 < b.rank(); ++i) bb.push_back(b[i]);
  Count batch = Broadcast(ba, bb).numel();
  return batch * Count::FromSigned(m) * Count::FromSigned(n) * Count::FromSigned(k);
}

namespace contraction {
namespace {

using namespace formulas;  // NOLINT

OpCost Linear(const Op& op) {
  // in[1] is the weight (out, in); rows = every leading element of the input.
  Count rows = op.in[0].leading(1);
  Count out = Count::FromSigned(op.in[1][0]);
  Count macs = rows * out * Count::FromSigned(op.in[1][1]);
  return {macs, 2 * macs + (op.attr ? rows * out : Count(0))};
}

OpCost MatMul(const Op& op) {
  Count macs = MatMulMacs(op.in[0], op.in[1]);
  return {macs, 2 * macs};
}

OpCost Conv(const Op& op) {
  // Each output element reads Cin/groups x prod(kernel) weights = numel(weight) / Cout.
  // A weight with no output channels (Cout = 0) is empty: nothing per output, no division by 0.
  Count per_out = op.in[1][0] <= 0 ? Count(0) : op.in[1].numel() / Count::FromSigned(op.in[1][0]);
  Count macs = op.out.numel() * per_out;
  return {macs, 2 * macs + (op.attr ? op.out.numel() : Count(0))};
}

OpCost ConvTranspose(const Op& op) {
  // Each input element scatters into (Cout / groups) x prod(kernel) outputs: weight (Cin, ...).
  Count per_in = op.in[1][0] <= 0 ? Count(0) : op.in[1].numel() / Count::FromSigned(op.in[1][0]);
  Count macs = op.in[0].numel() * per_in;
  return {macs, 2 * macs + (op.attr ? op.out.numel() : Count(0))};
}

OpCost Einsum(const Op& op) {
  Count macs = Count::FromSigned(op.in[0][0]) * Count::FromSigned(op.in[0][1]) *
               Count::FromSigned(op.in[0][2]) * Count::FromSigned(op.in[1][2]);
  return {macs, 2 * macs};
}

// ---- backward and bytes moved

OpCost LinearBwd(const Op& op, const GradNeeds& g) {
  Count m = GetOpDef(OpKind::kLinear).analytic(op).macs;
  Count macs = (g.input[0] ? m : Count(0)) + (g.weight ? m : Count(0));
  Count bias = (g.weight && op.attr) ? OutElems(op) : Count(0);  // db = sum over rows of dY
  return {macs, 2 * macs + bias};
}

SavedSet LinearSaved(const Op&, const GradNeeds& g) {
  return {.inputs = static_cast<uint8_t>(g.weight ? 1 : 0)};  // X for dW = dY^T X
}

OpTraffic LinearBytes(const Op& op) {
  Count out = Count::FromSigned(op.in[1][0]);
  return {.act_read = InElems(op, 0),
          .weight_read = InElems(op, 1) + (op.attr ? out : Count(0)),
          .act_write = op.out.numel()};
}

OpCost MatMulBwd(const Op& op, const GradNeeds& g) {
  Count m = MatMulMacs(op.in[0], op.in[1]);
  Count macs = (g.input[0] ? m : Count(0)) + (g.input[1] ? m : Count(0));
  return {macs, 2 * macs};
}

SavedSet MatMulSaved(const Op&, const GradNeeds& g) {
  // dA = dY B^T needs B; dB = A^T dY needs A.
  return {.inputs = static_cast<uint8_t>((g.input[1] ? 1 : 0) | (g.input[0] ? 2 : 0))};
}

OpCost ConvBwd(const Op& op, const GradNeeds& g) {
  Count m = GetOpDef(OpKind::kConv).analytic(op).macs;
  Count macs = (g.input[0] ? m : Count(0)) + (g.weight ? m : Count(0));
  Count bias = (g.weight && op.attr) ? OutElems(op) : Count(0);
  return {macs, 2 * macs + bias};
}

OpTraffic ConvBytes(const Op& op) {
  Count cout = Count::FromSigned(op.in[1][0]);
  return {.act_read = InElems(op, 0),
          .weight_read = InElems(op, 1) + (op.attr ? cout : Count(0)),
          .act_write = op.out.numel()};
}

OpCost ConvTransposeBwd(const Op& op, const GradNeeds& g) {
  Count m = GetOpDef(OpKind::kConvTranspose).analytic(op).macs;
  Count macs = (g.input[0] ? m : Count(0)) + (g.weight ? m : Count(0));
  return {macs, 2 * macs + ((g.weight && op.attr) ? OutElems(op) : Count(0))};
}

OpTraffic ConvTransposeBytes(const Op& op) {
  Count cout = op.out.rank() >= 2 ? Count::FromSigned(op.out[1]) : Count(0);
  return {.act_read = InElems(op, 0),
          .weight_read = InElems(op, 1) + (op.attr ? cout : Count(0)),
          .act_write = op.out.numel()};
}

/// Einsum records are batched matmuls (batch, m, k) x (batch, k, n).
OpCost EinsumBwd(const Op& op, const GradNeeds& g) { return MatMulBwd(op, g); }

// ---- calflops' rules (calflops-spec.md section 3)

/// F.linear: MACs = input elements x out, FLOPs = 2 MACs (the bias ignored). torch.addmm(bias, x,
/// W) (transformers' Conv1D): the same MACs; FLOPs add the bias tensor's own elements.
OpCost LinearCalflops(const Op& op) {
  Count out = Count::FromSigned(op.in[1][0]);
  Count macs = op.in[0].numel() * out;
  switch (op.form) {
    case CallForm::kFunctional:
      return {macs, 2 * macs};
    case CallForm::kTorch:
    case CallForm::kPyOperator:
      return {macs, 2 * macs + (op.attr ? out : Count(0))};
    case CallForm::kUnhooked:
      return {0, 0};
  }
  return {0, 0};
}

/// torch.matmul: MACs = elements of a x last dim of b (even for a 1-D b).
OpCost MatMulCalflops(const Op& op) {
  Count macs = op.in[0].numel() * Count::FromSigned(op.in[1].back());
  return {macs, 2 * macs};
}

OpCost ConvCalflops(const Op& op) {
  Count macs = Conv(op).macs;
  return {macs, 2 * macs + (op.attr ? op.out.numel() : Count(0))};
}

/// N x prod(in spatial) x prod(k) x Cin x (weight.shape[1] // groups): weight.shape[1] is already
/// Cout / groups, so groups divide twice. The bias term is approximated by the output elements
/// (calflops derives it from the forward-conv formula).
OpCost ConvTransposeCalflops(const Op& op) {
  const Shape& x = op.in[0];
  const Shape& w = op.in[1];
  Count kernel = 1;
  for (int i = 2; i < w.rank(); ++i) kernel *= Count::FromSigned(w[i]);
  Count groups = Count::FromSigned(op.attr2 > 0 ? op.attr2 : 1);
  Count macs = x.numel() * kernel * (Count::FromSigned(w[1]) / groups);
  return {macs, 2 * macs + (op.attr ? op.out.numel() : Count(0))};
}

/// numpy's einsum_path "Optimized FLOP count" for two operands (2 x index-space size with a
/// contracted index, else 1 x, plus 1: numpy's opt_cost adds one), as calflops parses it from
/// the printed report: 4 significant digits.
OpCost EinsumCalflops(const Op& op) {
  Count space = Count::FromSigned(op.in[0][0]) * Count::FromSigned(op.in[0][1]) *
                Count::FromSigned(op.in[0][2]) * Count::FromSigned(op.in[1][2]);
  Count flops = (op.in[0][2] > 1 ? 2 * space : space) + 1;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3e", flops.ToDouble());
  return {0, Count::FromU128(static_cast<u128>(std::strtod(buf, nullptr)))};
}

constexpr OpDef kDefs[] = {
    {.kind = OpKind::kLinear,
     .name = "Linear",
     .formula =
         "MACs = rows x in x out (rows = input elements / in); FLOPs = 2 MACs + rows x out if bias",
     .analytic = Linear,
     .traffic = {"reads the input and the weight (+ bias) once, writes the output", LinearBytes},
     .grad = {"dX: rows x in x out MACs if X needs a gradient; dW: the same; db: rows x out",
              LinearBwd, "the input X (for dW)", LinearSaved},
     .calflops = {"F.linear: MACs = input elements x out, FLOPs = 2 MACs (bias ignored); "
                  "torch.addmm: + bias elements",
                  LinearCalflops}},
    {.kind = OpKind::kMatMul,
     .name = "MatMul",
     .formula = "MACs = broadcast(batch) x m x k x n; FLOPs = 2 MACs",
     .analytic = MatMul,
     .traffic = {"reads both operands, writes the output", ReadAll},
     .grad = {"dA = dY B^T and dB = A^T dY: each the forward's MACs, if needed", MatMulBwd,
              "B if A needs a gradient, A if B does", MatMulSaved},
     .calflops = {"torch.matmul, @: MACs = elements of a x last dim of b; FLOPs = 2 MACs",
                  IfTorchOrOperator<MatMulCalflops>}},
    {.kind = OpKind::kConv,
     .name = "Conv",
     .formula = "MACs = output elements x (Cin / groups) x prod(kernel); FLOPs = 2 MACs + output "
                "elements if "
                "bias",
     .analytic = Conv,
     .traffic = {"reads the input and the weight (+ bias) once, writes the output", ConvBytes},
     .grad = {"dX (transposed conv) and dW: each the forward's MACs; db: output elements", ConvBwd,
              kSaveIn, SaveInput},
     .calflops = {"functional: the analytic MACs; FLOPs = 2 MACs + output elements if bias",
                  IfFunctional<ConvCalflops>}},
    {.kind = OpKind::kConvTranspose,
     .name = "ConvTranspose",
     .formula = "MACs = input elements x (Cout / groups) x prod(kernel); FLOPs = 2 MACs + output "
                "elements if "
                "bias",
     .analytic = ConvTranspose,
     .traffic = {"reads the input and the weight (+ bias) once, writes the output",
                 ConvTransposeBytes},
     .grad = {"dX (a conv) and dW: each the forward's MACs; db: output elements", ConvTransposeBwd,
              kSaveIn, SaveInput},
     .calflops = {"functional: N x prod(in spatial) x prod(k) x Cin x (W.shape[1] // groups) MACs; "
                  "FLOPs = 2 MACs + output elements if bias",
                  IfFunctional<ConvTransposeCalflops>}},
    {.kind = OpKind::kEinsum,
     .name = "Einsum",
     .formula = "as the batched matmul (batch, m, k) x (batch, k, n) of its index sizes: MACs = "
                "batch x m x k x "
                "n; FLOPs = 2 MACs",
     .analytic = Einsum,
     .traffic = {"reads both operands, writes the output", ReadAll},
     .grad = {"as MatMul on the equivalent batched matmul", EinsumBwd,
              "the other operand of each one needing a gradient", MatMulSaved},
     .calflops = {"torch.einsum: numpy einsum_path's optimized FLOP count (2 x index space + 1; 1 "
                  "x + 1 without a contracted index), 4 significant digits; MACs 0",
                  IfTorchOrOperator<EinsumCalflops>}},
};

}  // namespace
}  // namespace contraction

std::span<const OpDef> ContractionOps() { return contraction::kDefs; }

}  // namespace calflops
