#include "archs/llama/rotary.h"

namespace calflops {

using enum CallForm;

Shape RotaryTables(Tracer& t, ModuleId m, const DecoderStep& s, int64_t dim, bool scaled) {
  // Buffers and positions only: nothing here needs a gradient (Tracer::Constant).
  t.MatMul(m, t.Constant(Shape{s.position_batch, dim / 2, 1}),
           t.Constant(Shape{s.position_batch, 1, s.tokens}), kPyOperator);
  // torch.cat((freqs, freqs), -1) is free
  Shape emb = t.Constant(Shape{s.position_batch, s.tokens, dim});
  Shape cos = t.Unary(m, OpKind::kCos, emb, kTorch);
  Shape sin = t.Unary(m, OpKind::kSin, emb, kTorch);
  if (scaled) {
    cos = t.Scalar(m, OpKind::kMul, cos, kPyOperator);
    t.Scalar(m, OpKind::kMul, sin, kPyOperator);
  }
  return cos;  // the sin table has the same shape; callers pass cos for both
}

Shape RotaryHalfTables(Tracer& t, ModuleId m, const DecoderStep& s, int64_t dim, bool scaled) {
  t.MatMul(m, t.Constant(Shape{s.position_batch, dim / 2, 1}),
           t.Constant(Shape{s.position_batch, 1, s.tokens}), kPyOperator);
  Shape emb = t.Constant(Shape{s.position_batch, s.tokens, dim / 2});
  Shape cos = t.Unary(m, OpKind::kCos, emb, kTorch);
  Shape sin = t.Unary(m, OpKind::kSin, emb, kTorch);
  if (scaled) {
    cos = t.Scalar(m, OpKind::kMul, cos, kPyOperator);
    t.Scalar(m, OpKind::kMul, sin, kPyOperator);
  }
  return cos;
}

Shape ApplyRotary(Tracer& t, ModuleId m, const Shape& x, const Shape& cos) {
  Shape cos4 = Tracer::View(cos, Shape{cos[0], 1, cos[1], cos[2]});  // cos.unsqueeze(1)
  Shape a = t.Binary(m, OpKind::kMul, x, cos4, kPyOperator);
  Shape half = Tracer::View(x, x.WithLast(x.back() / 2));   // x2 = x[..., d/2:]
  Shape neg = t.Unary(m, OpKind::kNeg, half, kPyOperator);  // -x2 in rotate_half
  Shape rotated = Tracer::View(neg, x);  // torch.cat((-x2, x1)) is free: derived from x
  Shape b = t.Binary(m, OpKind::kMul, rotated, cos4, kPyOperator);  // rotate_half(x) * sin
  return t.Binary(m, OpKind::kAdd, a, b, kPyOperator);
}

}  // namespace calflops
