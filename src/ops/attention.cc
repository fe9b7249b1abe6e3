// Fused attention kernels (scaled_dot_product_attention, flash-attn): the same arithmetic as the
// eager composition matmul -> scale -> mask -> softmax -> matmul, counted densely (a causal mask
// does not halve the count: dense kernels compute the masked scores too).
#include "ops/op_formulas.h"

namespace calflops {
namespace attention {
namespace {

using namespace formulas;  // NOLINT

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

// ---- backward and bytes moved

OpCost AttentionBwd(const Op& op, const GradNeeds& g) {
  const Shape& q = op.in[0];
  const Shape& v = op.in[2];
  if (!(g.input[0] || g.input[1] || g.input[2])) return {0, 0};
  Count b = Count::FromSigned(q[0]), h = Count::FromSigned(q[1]);
  Count sq = Count::FromSigned(q[2]), d = Count::FromSigned(q[3]);
  Count sk = Count::FromSigned(v[2]), dv = Count::FromSigned(v[3]);
  Count s = b * h * sq * sk;
  Count macs = s * dv;                 // dP = dO V^T (needed for dQ and dK)
  if (g.input[2]) macs += s * dv;      // dV = P^T dO
  if (g.input[0]) macs += s * d;       // dQ = dS K
  if (g.input[1]) macs += s * d;       // dK = dS^T Q
  Count rowsum = 2 * b * h * sq * dv;  // D = rowsum(dO * O)
  return {macs, 2 * macs + rowsum + 2 * s /* dS = P * (dP - D) */ + s /* scale */};
}

SavedSet AttentionSaved(const Op& op, const GradNeeds& g) {
  if (!g.any()) return {};
  const Shape& q = op.in[0];
  // B x H x Sq log-sum-exp (head size 0: an empty q, nothing kept)
  Count lse = q[3] <= 0 ? Count(0) : q.numel() / Count::FromSigned(q[3]);
  return {.inputs = 7, .output = true, .f32_extra = lse};
}

OpTraffic AttentionBytes(const Op& op) {
  // A fused kernel: q once, K and V once (flash-attention's ideal), the output once; the scores
  // stay on chip.
  return {.act_read = InElems(op, 0),
          .kv_read = InElems(op, 1) + InElems(op, 2),
          .act_write = op.out.numel()};
}

OpCost RotaryBwd(const Op& op, const GradNeeds& g) {
  return g.input[0] ? GetOpDef(OpKind::kRotaryEmbedding).analytic(op) : OpCost{};
}

constexpr OpDef kDefs[] = {
    {.kind = OpKind::kAttention,
     .name = "Attention",
     .formula = "S = B x H x Sq x Sk scores; MACs = S x (D + Dv); FLOPs = 2 MACs + S (scale) + S "
                "if masked + "
                "B x H x Sq x (5 Sk - 2) (softmax)",
     .analytic = Attention,
     .traffic = {"fused kernel: reads q, reads K and V once (KV-cache reads), writes the output; "
                 "scores stay "
                 "on chip",
                 AttentionBytes},
     .grad = {"S = B H Sq Sk; MACs = S Dv (dP) + S Dv (dV) + S D (dQ) + S D (dK) for those needed; "
              "FLOPs "
              "= 2 MACs + 2 B H Sq Dv (rowsum dO*O) + 2S (dS) + S (scale); flash-attention's "
              "recompute of "
              "the scores is not counted",
              AttentionBwd, "q, K, V, the output, and the log-sum-exp per row (float32)",
              AttentionSaved},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kRotaryEmbedding,
     .name = "RotaryEmbedding",
     .formula = "x cos + rotate_half(x) sin: FLOPs = 3 x rotated elements",
     .analytic = Rotary,
     .traffic = {"reads the input (cos / sin tables not counted), writes the output", ReadAll},
     .grad = {"the inverse rotation: the forward's cost", RotaryBwd, kSaveNone, SaveNothing},
     .calflops = {kUnseen, Unseen}},
};

}  // namespace
}  // namespace attention

std::span<const OpDef> AttentionOps() { return attention::kDefs; }

}  // namespace calflops
