// State-space ops: the selective scan of Mamba (transformers 4.45 MambaMixer.slow_forward, and
// the selective_scan_fn kernel of its fast path, which does the same arithmetic).
#include "ops/op_def.h"

namespace calflops {
namespace {

/// in[0] = u (B, I, S), in[1] = delta (B, I, S), in[2] = B (B, S, N) (C has the same shape);
/// attr = N. Per (batch, channel, step, state): exp(A delta) (mul, exp), delta B u (2 mul),
/// h = dA h + dBu (mul, add), y += h C (one MAC).
OpCost SelectiveScan(const Op& op) {
  Count cells = op.in[0].numel() * Count::FromSigned(op.attr);
  return {cells, 2 * cells + 6 * cells};
}

constexpr OpDef kDefs[] = {
    {OpKind::kSelectiveScan, "SelectiveScan",
     "u, delta (B, I, S), B and C (B, S, N): MACs = B I S N (y = h . C); FLOPs = 2 MACs + 6 B I S "
     "N (exp(delta A): mul, exp; delta B u: 2 mul; h = dA h + dBu: mul, add)",
     SelectiveScan},
};

}  // namespace

std::span<const OpDef> StateSpaceOps() { return kDefs; }

}  // namespace calflops
