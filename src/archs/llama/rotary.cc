#include "archs/llama/rotary.h"

namespace calflops {

using enum CallForm;

Shape RotaryTables(Tracer& t, ModuleId m, const DecoderStep& s, int64_t dim, bool scaled) {
  t.MatMul(m, Shape{s.position_batch, dim / 2, 1}, Shape{s.position_batch, 1, s.tokens},
           kPyOperator);
  Shape emb{s.position_batch, s.tokens, dim};  // torch.cat((freqs, freqs), -1) is free
  t.Unary(m, OpKind::kCos, emb, kTorch);
  t.Unary(m, OpKind::kSin, emb, kTorch);
  if (scaled) {
    t.Scalar(m, OpKind::kMul, emb, kPyOperator);
    t.Scalar(m, OpKind::kMul, emb, kPyOperator);
  }
  return emb;
}

Shape ApplyRotary(Tracer& t, ModuleId m, const Shape& x, const Shape& cos) {
  Shape cos4{cos[0], 1, cos[1], cos[2]};  // cos.unsqueeze(1)
  Shape a = t.Binary(m, OpKind::kMul, x, cos4, kPyOperator);
  Shape half = x.WithLast(x.back() / 2);
  t.Unary(m, OpKind::kNeg, half, kPyOperator);  // -x2 in rotate_half (torch.cat is free)
  Shape b = t.Binary(m, OpKind::kMul, x, cos4, kPyOperator);  // rotate_half(x) * sin
  return t.Binary(m, OpKind::kAdd, a, b, kPyOperator);
}

}  // namespace calflops
