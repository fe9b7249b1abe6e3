// Contractions: Linear, MatMul, Conv, ConvTranspose, Einsum.
#include "ops/op_def.h"

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

namespace {

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

constexpr OpDef kDefs[] = {
    {OpKind::kLinear, "Linear",
     "MACs = rows x in x out (rows = input elements / in); FLOPs = 2 MACs + rows x out if bias",
     Linear},
    {OpKind::kMatMul, "MatMul",
     "MACs = broadcast(batch) x m x k x n; FLOPs = 2 MACs", MatMul},
    {OpKind::kConv, "Conv",
     "MACs = output elements x (Cin / groups) x prod(kernel); FLOPs = 2 MACs + output elements if "
     "bias",
     Conv},
    {OpKind::kConvTranspose, "ConvTranspose",
     "MACs = input elements x (Cout / groups) x prod(kernel); FLOPs = 2 MACs + output elements if "
     "bias",
     ConvTranspose},
    {OpKind::kEinsum, "Einsum",
     "as the batched matmul (batch, m, k) x (batch, k, n) of its index sizes: MACs = batch x m x k x "
     "n; FLOPs = 2 MACs",
     Einsum},
};

}  // namespace

std::span<const OpDef> ContractionOps() { return kDefs; }

}  // namespace calflops
