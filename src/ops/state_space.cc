// State-space ops: the selective scan of Mamba (transformers 4.45 MambaMixer.slow_forward, and
// the selective_scan_fn kernel of its fast path, which does the same arithmetic).
#include "ops/op_def.h"

namespace calflops {
namespace {

Count Cells(const Op& op) { return op.in[0].numel() * Count::FromSigned(op.attr); }

/// in[0] = u (B, I, S), in[1] = delta (B, I, S), in[2] = B (B, S, N) (C has the same shape);
/// attr = N. Per (batch, channel, step, state): exp(A delta) (mul, exp), delta B u (2 mul),
/// h = dA h + dBu (mul, add), y += h C (one MAC).
OpCost SelectiveScan(const Op& op) {
  Count cells = Cells(op);
  return {cells, 2 * cells + 6 * cells};
}

OpTraffic ScanBytes(const Op& op) {
  // u and delta, then B and C (two tensors of in[2]'s shape); A and D are read by other ops.
  return {.act_read = op.in[0].numel() + op.in[1].numel() + 2 * op.in[2].numel(),
          .act_write = op.out.numel()};
}

/// The reverse recurrence dh = dA dh' + C dy, then per cell the products for d(delta), dA, dB,
/// dC and du: about twice the forward's work.
OpCost ScanBwd(const Op& op, const GradNeeds& g) {
  if (!g.any()) return {0, 0};
  OpCost f = SelectiveScan(op);
  return {2 * f.macs, 2 * f.flops};
}

SavedSet ScanSaved(const Op&, const GradNeeds& g) {
  return {.inputs = static_cast<uint8_t>(g.any() ? 7 : 0)};
}

/// MambaMixer.slow_forward as calflops' hooks see it: three Python `*` over (B, I, S, N)
/// (A * delta, delta * B, * u), then per step `*` and `+` over (B, I, N) and torch.matmul
/// (elements of the state x 1); torch.exp is unseen.
OpCost ScanCalflops(const Op& op) {
  if (op.form == CallForm::kUnhooked) return {0, 0};
  Count cells = Cells(op);
  return {cells, 7 * cells};
}

constexpr OpDef kDefs[] = {
    {.kind = OpKind::kSelectiveScan,
     .name = "SelectiveScan",
     .formula = "u, delta (B, I, S), B and C (B, S, N): MACs = B I S N (y = h . C); FLOPs = 2 MACs "
                "+ 6 B I S N (exp(delta A): mul, exp; delta B u: 2 mul; h = dA h + dBu: mul, add)",
     .analytic = SelectiveScan,
     .traffic = {"reads u, delta, B and C once, writes y; the state stays on chip (the fused "
                 "kernel)",
                 ScanBytes},
     .grad = {"the reverse scan: gradients of u, delta, B, C and the state, twice the forward's "
              "cost",
              ScanBwd, "u, delta and B (C alike)", ScanSaved},
     .calflops = {"slow path, Python operators: 3 `*` over B I S N, per step `*`, `+` and "
                  "torch.matmul over B I N: MACs = B I S N, FLOPs = 7 B I S N; 0 when unhooked",
                  ScanCalflops}},
};

}  // namespace

std::span<const OpDef> StateSpaceOps() { return kDefs; }

}  // namespace calflops
