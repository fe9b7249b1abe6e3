// State-space ops: the selective scan of Mamba (transformers 4.45 MambaMixer.slow_forward, and
// the selective_scan_fn kernel of its fast path, which does the same arithmetic), and Mamba2's
// chunked state-space-duality scan as transformers 4.45 Mamba2Mixer.torch_forward runs it.
#include <algorithm>

#include "ops/op_def.h"

namespace calflops {
namespace state_space {
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

/// The sizes of one SSD scan: batch, heads, head dim P, state N, chunk Q, chunks c = ceil(S / Q).
struct Ssd {
  Count b, h, p, n, q, c;
  explicit Ssd(const Op& op)
      : b(Count::FromSigned(op.in[0][0])),
        h(Count::FromSigned(op.in[0][2])),
        p(Count::FromSigned(op.in[0][3])),
        n(Count::FromSigned(op.in[2][3])),
        q(Count::FromSigned(op.attr)),
        c(Count::FromSigned(op.out[1] / std::max<int64_t>(op.attr, 1))) {}
};

/// Mamba2Mixer.torch_forward from the chunk split to y = Y_diag + Y_off, per batch and head (B
/// and C are repeated to every head, so nothing is shared between the heads of a group):
///   contractions (MACs): G = C B^T per chunk (c Q Q N), Y_diag = M x (c Q Q P), chunk states
///   B^T x (c Q N P), the chunk recurrence over c + 1 states (the product over (c+1)^2 P N summed
///   on one axis, as written), Y_off = C states (c Q P N);
///   elementwise: cumsum of A dt (c ), the segment sum's cumsum over (Q, Q) (c Q) and
///   its exp (c Q Q), the decay mask M = G L (c Q Q), exp(A_last - A_cumsum) (2 c Q),
///   B * decay (c Q N), the chunk segment sum's cumsum and exp ((c+1) c + (c+1)^2),
///   exp(A_cumsum) (c Q), Y_off * decay (c Q P), Y_diag + Y_off (c Q P).
OpCost SsdScan(const Op& op) {
  if (op.attr <= 0 || op.in[0].numel() == Count(0)) return {0, 0};
  Ssd s(op);
  Count c1 = s.c + Count(1);
  Count macs = s.c * s.q * s.q * s.n + s.c * s.q * s.q * s.p + Count(2) * s.c * s.q * s.n * s.p +
               c1 * c1 * s.p * s.n;
  Count q1 = s.q - Count(1);
  Count other = s.c * q1 + s.c * s.q * q1 + Count(2) * s.c * s.q * s.q + Count(3) * s.c * s.q +
                s.c * s.q * s.n + c1 * s.c + c1 * c1 + Count(2) * s.c * s.q * s.p;
  Count bh = s.b * s.h;
  return {bh * macs, bh * (Count(2) * macs + other)};
}

OpTraffic SsdBytes(const Op& op) {
  // x, A dt, then B and C (two tensors of in[2]'s shape); the chunk intermediates are counted as
  // staying on chip (the fused kernel).
  return {.act_read = op.in[0].numel() + op.in[1].numel() + 2 * op.in[2].numel(),
          .act_write = op.out.numel()};
}

/// The same contractions transposed for the gradients of x, A dt, B and C: twice the forward.
OpCost SsdBwd(const Op& op, const GradNeeds& g) {
  if (!g.any()) return {0, 0};
  OpCost f = SsdScan(op);
  return {2 * f.macs, 2 * f.flops};
}

/// torch_forward as calflops' hooks see it: the Python `*` and `+` over the shapes above (all of
/// equal rank, so calflops' left-aligned broadcasting is right), FLOPs = elements of each output,
/// MACs 0; torch.cumsum, torch.exp, Tensor.sum and Python `-` are unseen.
OpCost SsdCalflops(const Op& op) {
  if (op.form == CallForm::kUnhooked || op.attr <= 0 || op.in[0].numel() == Count(0)) return {0, 0};
  Ssd s(op);
  Count c1 = s.c + Count(1);
  Count per = s.c * s.q * s.q * s.n + s.c * s.q * s.q + s.c * s.q * s.q * s.p + s.c * s.q * s.n +
              Count(2) * s.c * s.q * s.n * s.p + c1 * c1 * s.p * s.n + Count(2) * s.c * s.q * s.p;
  return {0, s.b * s.h * per};
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
    {.kind = OpKind::kSsdScan,
     .name = "SsdScan",
     .formula =
         "Mamba2 chunked scan, x (B, S, H, P), A dt (B, S, H), B and C per head (B, S, H, N), "
         "chunk Q, c = ceil(S / Q): MACs = B H (c Q Q N + c Q Q P + 2 c Q N P + (c+1)^2 P N); "
         "FLOPs = 2 MACs + B H (c (Q-1) + c Q (Q-1) + 2 c Q Q + 3 c Q + c Q N + (c+1) c + "
         "(c+1)^2 + 2 c Q P) (torch_forward's cumsums, exps, decay mask and adds)",
     .analytic = SsdScan,
     .traffic = {"reads x, A dt, B and C once, writes y (padded); chunk intermediates stay on chip",
                 SsdBytes},
     .grad = {"the transposed contractions for x, A dt, B and C: twice the forward's cost", SsdBwd,
              "x, A dt and B (C alike)", ScanSaved},
     .calflops = {"Python `*` and `+` of torch_forward: FLOPs = B H (c Q Q N + c Q Q + c Q Q P + "
                  "c Q N + 2 c Q N P + (c+1)^2 P N + 2 c Q P), MACs 0; 0 when unhooked",
                  SsdCalflops}},
};

}  // namespace
}  // namespace state_space

std::span<const OpDef> StateSpaceOps() { return state_space::kDefs; }

}  // namespace calflops
