// Fused attention kernels (scaled_dot_product_attention, flash-attn): the same arithmetic as the
// eager composition matmul -> scale -> mask -> softmax -> matmul, counted densely (a causal mask
// does not halve the count: dense kernels compute the masked scores too).
#include "ops/op_def.h"

namespace calflops {
namespace {

OpCost Attention(const Op& op) {
  const Shape& q = op.in[0];  // (B, H, Sq, D)
  const Shape& v = op.in[2];  // (B, Hkv, Sk, Dv)
  Count b = Count::FromSigned(q[0]), h = Count::FromSigned(q[1]);
  Count sq = Count::FromSigned(q[2]), d = Count::FromSigned(q[3]);
  Count sk = Count::FromSigned(v[2]), dv = Count::FromSigned(v[3]);
  Count scores = b * h * sq * sk;
  Count macs = scores * d + scores * dv;
  // No keys (Sk = 0): no scores, no softmax; "5 Sk - 2" must not go below 0.
  Count softmax = sk == Count(0) ? Count(0) : b * h * sq * (5 * sk - 2);
  Count flops = 2 * macs + scores /* scale */ + softmax;
  if (op.attr) flops += scores;  // additive mask
  return {macs, flops};
}

/// x cos + rotate_half(x) sin on the rotated features: 2 multiplies and 1 add each.
OpCost Rotary(const Op& op) {
  if (op.attr2 <= 0) return {0, 0};  // zero-width rows: an empty tensor
  Count rows = op.in[0].numel() / Count::FromSigned(op.attr2);
  return {0, 3 * rows * Count::FromSigned(op.attr)};
}

constexpr OpDef kDefs[] = {
    {OpKind::kAttention, "Attention",
     "S = B x H x Sq x Sk scores; MACs = S x (D + Dv); FLOPs = 2 MACs + S (scale) + S if masked + "
     "B x H x Sq x (5 Sk - 2) (softmax)",
     Attention},
    {OpKind::kRotaryEmbedding, "RotaryEmbedding",
     "x cos + rotate_half(x) sin: FLOPs = 3 x rotated elements", Rotary},
};

}  // namespace

std::span<const OpDef> AttentionOps() { return kDefs; }

}  // namespace calflops
