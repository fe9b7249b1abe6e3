// The forward-pass recorder. Architecture code calls these methods in the order the model's
// Python source executes them; each infers the output shape, emits one Op to the sink, charged to
// the given module, and returns the output shape. The CallForm argument says how the source
// invoked the op (see op.h), so conventions that depend on it can be reproduced.
//
// Every returned shape carries a fresh tensor id (shape.h). Pass returned shapes on as they are,
// and use View() for a reshape / transpose / split of a tensor and Constant() for a tensor that
// never needs a gradient (rotary tables, masks, buffers): the memory analysis then knows which
// ops read the same tensor, when it dies, and what backward must differentiate. A shape written
// out by hand (id 0) still works; it is treated as a tensor of unknown origin.
#pragma once

#include "model/op.h"

namespace calflops {

class Tracer {
 public:
  Tracer(OpSink& sink, DType dtype) : sink_(sink), dtype_(dtype) {}

  /// F.linear(x, W[out, in], b): (..., in) -> (..., out). With CallForm::kTorch the same product
  /// runs as torch.addmm(b, x, W) (transformers' Conv1D), which calflops prices differently.
  Shape Linear(ModuleId m, const Shape& x, int64_t in, int64_t out, bool bias,
               CallForm form = CallForm::kFunctional);
  /// Numpy matmul.
  Shape MatMul(ModuleId m, const Shape& a, const Shape& b, CallForm form);
  /// Convolution with a known output shape; weight = (Cout, Cin/groups, k...).
  Shape Conv(ModuleId m, const Shape& x, const Shape& weight, const Shape& out, bool bias);
  /// a (+ - * /) b with broadcasting.
  Shape Binary(ModuleId m, OpKind kind, const Shape& a, const Shape& b, CallForm form);
  /// a (+ - * /) python scalar.
  Shape Scalar(ModuleId m, OpKind kind, const Shape& a, CallForm form);
  /// Unary elementwise function.
  Shape Unary(ModuleId m, OpKind kind, const Shape& a, CallForm form);
  /// Mean or sum over the last dimension, keepdim=True.
  Shape ReduceLast(ModuleId m, OpKind kind, const Shape& a, CallForm form);
  /// torch.topk(a, k, dim=-1): (..., n) -> (..., k) values (and indices).
  Shape TopK(ModuleId m, const Shape& a, int64_t k, CallForm form);
  /// Softmax over the last dimension.
  Shape Softmax(ModuleId m, const Shape& a, CallForm form);
  /// LayerNorm over the last dimension.
  Shape LayerNorm(ModuleId m, const Shape& a, bool weight, bool bias, CallForm form);
  /// Fused attention: q (B,H,Sq,D), k (B,Hkv,Sk,D), v (B,Hkv,Sk,Dv) -> (B,H,Sq,Dv).
  Shape Attention(ModuleId m, const Shape& q, const Shape& k, const Shape& v, bool masked,
                  CallForm form);
  /// Mamba's selective scan over `delta`-discretised states of size `state`: u and delta
  /// (B, I, S), bc = B (or C) (B, S, N) -> y (B, I, S).
  Shape SelectiveScan(ModuleId m, const Shape& u, const Shape& delta, const Shape& bc,
                      int64_t state, CallForm form);
  /// Mamba2's chunked scan (SSD) in chunks of `chunk` steps: x (B, S, H, P) already times dt,
  /// adt = A dt (B, S, H), bc = B (or C) per head (B, S, H, N) -> y (B, T, H, P), T = S padded
  /// to a whole number of chunks.
  Shape SsdScan(ModuleId m, const Shape& x, const Shape& adt, const Shape& bc, int64_t chunk,
                CallForm form);
  /// Integer index arithmetic on ids, positions or offsets (a + b, a + python scalar): emitted
  /// with DType::kI64 so that a convention can tell bookkeeping from model arithmetic.
  Shape IndexBinary(ModuleId m, OpKind kind, const Shape& a, const Shape& b, CallForm form);
  Shape IndexScalar(ModuleId m, OpKind kind, const Shape& a, CallForm form);
  /// Embedding lookup: ids (...) -> (..., dim).
  Shape Embedding(ModuleId m, const Shape& ids, int64_t dim);

  /// `dims` as a view of `of` (reshape, transpose, split, unsqueeze): the same tensor, no op.
  static Shape View(const Shape& of, Shape dims);
  /// A fresh tensor that never requires a gradient (a buffer, a table computed from buffers).
  Shape Constant(Shape dims);
  /// A module's own parameter used directly as an operand (`self.weight * hidden`).
  Shape Weight(Shape dims);

  /// Emits an op whose shapes the caller already knows (graph formats such as ONNX), `times`
  /// times over.
  void Record(ModuleId m, const Op& op, int64_t times = 1) {
    times *= repeat_;
    if (times == 1) {
      sink_.Emit(m, op);
    } else {
      sink_.EmitRepeated(m, op, times);
    }
  }

  /// While alive, every op is emitted `times` times over (nested scopes multiply): the trace of
  /// one module that stands for `times` identical siblings (Module::repeat), run one after the
  /// other as a loop body is.
  class Repeat {
   public:
    Repeat(Tracer& t, int64_t times) : t_(t), saved_(t.repeat_) { t_.repeat_ *= times; }
    ~Repeat() { t_.repeat_ = saved_; }
    Repeat(const Repeat&) = delete;
    Repeat& operator=(const Repeat&) = delete;

   private:
    Tracer& t_;
    int64_t saved_;
  };

  DType dtype() const { return dtype_; }

 private:
  Op Make(OpKind kind, CallForm form) const;
  /// Stamps the output with a fresh tensor id, emits the op, returns the output.
  Shape Emit(ModuleId m, Op& op);

  OpSink& sink_;
  DType dtype_;
  uint64_t next_id_ = 1;
  int64_t repeat_ = 1;  ///< Repeat scopes' product
};

}  // namespace calflops
