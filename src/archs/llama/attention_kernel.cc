#include "archs/llama/attention_kernel.h"

namespace calflops {

using enum CallForm;

bool AttentionKernel::FusedMasked(const DecoderStep& s) const {
  // SDPA with is_causal (no mask tensor) and flash-attn with causal=True both mask only when more
  // than one query attends; an explicit mask tensor is always applied.
  if (s.tokens > 1) return true;
  return impl == AttnImpl::kSdpa && sdpa_mask_from && s.past + s.tokens >= *sdpa_mask_from;
}

Shape AttentionKernel::Run(Tracer& t, ModuleId m, const Shape& q, int64_t kv_heads, int64_t dv,
                           const DecoderStep& s) const {
  int64_t b = q[0], h = q[1], d = q[3];
  int64_t total = s.past + s.tokens;
  if (impl != AttnImpl::kEager) {
    return t.Attention(m, q, Shape{b, kv_heads, total, d}, Shape{b, kv_heads, total, dv},
                       FusedMasked(s), kUnhooked);
  }
  // repeat_kv expands k / v to every query head (free), then the composition runs op by op.
  Shape scores = t.MatMul(m, q, Shape{b, h, d, total}, kTorch);
  scores = t.Scalar(m, scale_by_mul ? OpKind::kMul : OpKind::kDiv, scores, kPyOperator);
  if (softcap) {
    scores = t.Scalar(m, OpKind::kDiv, scores, kPyOperator);
    scores = t.Unary(m, OpKind::kTanh, scores, kTorch);
    scores = t.Scalar(m, OpKind::kMul, scores, kPyOperator);
  }
  scores = t.Binary(m, OpKind::kAdd, scores, Shape{b, 1, s.tokens, total}, kPyOperator);
  scores = t.Softmax(m, scores, kFunctional);
  return t.MatMul(m, scores, Shape{b, h, total, dv}, kTorch);
}

}  // namespace calflops
