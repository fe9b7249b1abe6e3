#include "model/tracer.h"

namespace calflops {

Op Tracer::Make(OpKind kind, CallForm form) const {
  Op op;
  op.kind = kind;
  op.form = form;
  op.dtype = dtype_;
  return op;
}

Shape Tracer::Emit(ModuleId m, Op& op) {
  op.out.set_tensor_id(next_id_++);
  if (repeat_ == 1) {
    sink_.Emit(m, op);
  } else {
    sink_.EmitRepeated(m, op, repeat_);
  }
  return op.out;
}

Shape Tracer::View(const Shape& of, Shape dims) {
  dims.set_tensor_id(of.tensor_id());
  return dims;
}

Shape Tracer::Constant(Shape dims) {
  dims.set_tensor_id(next_id_++ | kConstantTensorBit);
  return dims;
}

Shape Tracer::Weight(Shape dims) {
  dims.set_tensor_id(next_id_++ | kParamTensorBit);
  return dims;
}

Shape Tracer::Linear(ModuleId m, const Shape& x, int64_t in, int64_t out, bool bias,
                     CallForm form) {
  if (x.rank() == 0 || x.back() != in) {
    throw BadInput("",
                   "linear expects last dimension " + std::to_string(in) + ", got " + x.ToString());
  }
  Op op = Make(OpKind::kLinear, form);
  op.n_in = 2;
  op.in[0] = x;
  op.in[1] = Shape{out, in};
  op.out = x.WithLast(out);
  op.attr = bias;
  return Emit(m, op);
}

Shape Tracer::MatMul(ModuleId m, const Shape& a, const Shape& b, CallForm form) {
  Op op = Make(OpKind::kMatMul, form);
  op.n_in = 2;
  op.in[0] = a;
  op.in[1] = b;
  Shape ba, bb;
  for (int i = 0; i + 2 < a.rank(); ++i) ba.push_back(a[i]);
  for (int i = 0; i + 2 < b.rank(); ++i) bb.push_back(b[i]);
  op.out = Broadcast(ba, bb);
  if (a.rank() >= 2) op.out.push_back(a.back(1));
  if (b.rank() >= 2) op.out.push_back(b.back());
  if (a.back() != (b.rank() >= 2 ? b.back(1) : b.back())) {
    throw BadInput("", "matmul of " + a.ToString() + " and " + b.ToString());
  }
  return Emit(m, op);
}

Shape Tracer::Conv(ModuleId m, const Shape& x, const Shape& weight, const Shape& out, bool bias) {
  Op op = Make(OpKind::kConv, CallForm::kFunctional);
  op.n_in = 2;
  op.in[0] = x;
  op.in[1] = weight;
  op.out = out;
  op.attr = bias;
  return Emit(m, op);
}

Shape Tracer::Binary(ModuleId m, OpKind kind, const Shape& a, const Shape& b, CallForm form) {
  Op op = Make(kind, form);
  op.n_in = 2;
  op.in[0] = a;
  op.in[1] = b;
  op.out = Broadcast(a, b);
  return Emit(m, op);
}

Shape Tracer::Scalar(ModuleId m, OpKind kind, const Shape& a, CallForm form) {
  Op op = Make(kind, form);
  op.n_in = 1;
  op.in[0] = a;
  op.out = a;
  return Emit(m, op);
}

Shape Tracer::IndexBinary(ModuleId m, OpKind kind, const Shape& a, const Shape& b, CallForm form) {
  DType saved = dtype_;
  dtype_ = DType::kI64;
  Shape out = Binary(m, kind, a, b, form);
  dtype_ = saved;
  return out;
}

Shape Tracer::IndexScalar(ModuleId m, OpKind kind, const Shape& a, CallForm form) {
  DType saved = dtype_;
  dtype_ = DType::kI64;
  Shape out = Scalar(m, kind, a, form);
  dtype_ = saved;
  return out;
}

Shape Tracer::Unary(ModuleId m, OpKind kind, const Shape& a, CallForm form) {
  return Scalar(m, kind, a, form);
}

Shape Tracer::ReduceLast(ModuleId m, OpKind kind, const Shape& a, CallForm form) {
  Op op = Make(kind, form);
  op.n_in = 1;
  op.in[0] = a;
  op.out = a.WithLast(1);
  op.attr = a.back();
  return Emit(m, op);
}

Shape Tracer::TopK(ModuleId m, const Shape& a, int64_t k, CallForm form) {
  if (a.rank() == 0 || k < 0 || k > a.back()) {
    throw BadInput("", "topk of " + std::to_string(k) + " from " + a.ToString());
  }
  Op op = Make(OpKind::kTopK, form);
  op.n_in = 1;
  op.in[0] = a;
  op.out = a.WithLast(k);
  op.attr = k;
  return Emit(m, op);
}

Shape Tracer::Softmax(ModuleId m, const Shape& a, CallForm form) {
  Op op = Make(OpKind::kSoftmax, form);
  op.n_in = 1;
  op.in[0] = a;
  op.out = a;
  op.attr = a.back();
  return Emit(m, op);
}

Shape Tracer::LayerNorm(ModuleId m, const Shape& a, bool weight, bool bias, CallForm form) {
  Op op = Make(OpKind::kLayerNorm, form);
  op.n_in = 1;
  op.in[0] = a;
  op.out = a;
  op.attr = a.back();
  op.attr2 = (weight ? 1 : 0) | (bias ? 2 : 0);
  return Emit(m, op);
}

Shape Tracer::Attention(ModuleId m, const Shape& q, const Shape& k, const Shape& v, bool masked,
                        CallForm form) {
  Op op = Make(OpKind::kAttention, form);
  op.n_in = 3;
  op.in[0] = q;
  op.in[1] = k;
  op.in[2] = v;
  op.out = Shape{q[0], q[1], q[2], v[3]};
  op.attr = masked;
  return Emit(m, op);
}

Shape Tracer::SelectiveScan(ModuleId m, const Shape& u, const Shape& delta, const Shape& bc,
                            int64_t state, CallForm form) {
  Op op = Make(OpKind::kSelectiveScan, form);
  op.n_in = 3;
  op.in[0] = u;
  op.in[1] = delta;
  op.in[2] = bc;
  op.out = u;  // Emit stamps a fresh tensor id
  op.attr = state;
  return Emit(m, op);
}

Shape Tracer::SsdScan(ModuleId m, const Shape& x, const Shape& adt, const Shape& bc, int64_t chunk,
                      CallForm form) {
  Op op = Make(OpKind::kSsdScan, form);
  op.n_in = 3;
  op.in[0] = x;
  op.in[1] = adt;
  op.in[2] = bc;
  int64_t padded = chunk > 0 ? (x[1] + chunk - 1) / chunk * chunk : x[1];
  op.out = Shape{x[0], padded, x[2], x[3]};
  op.attr = chunk;
  return Emit(m, op);
}

Shape Tracer::Embedding(ModuleId m, const Shape& ids, int64_t dim) {
  Op op = Make(OpKind::kEmbedding, CallForm::kFunctional);
  op.n_in = 1;
  op.in[0] = ids;
  op.out = ids;
  op.out.push_back(dim);
  return Emit(m, op);
}

}  // namespace calflops
