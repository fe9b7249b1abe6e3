// Op records: one executed operation with concrete shapes, attached to the module that ran it.
// Builders (architectures) and the ONNX reader emit the same records; one cost table
// (src/ops/) prices them under a convention (src/analysis/convention*).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/dtype.h"
#include "model/module_tree.h"
#include "model/shape.h"

namespace calflops {

enum class OpKind : uint8_t {
  // contractions
  kLinear,  ///< in[0] = input (..., in_features), in[1] = weight (out, in); attr = has bias.
            ///< Form kTorch: run as torch.addmm(bias, x, W) (transformers' Conv1D).
  kMatMul,  ///< numpy matmul of in[0] and in[1] (batch dims broadcast)
  kConv,    ///< in[0] = (N, Cin, spatial...), in[1] = weight (Cout, Cin/groups, k...); attr = bias
  // lookups and data movement
  kEmbedding,  ///< gather rows: in[0] = indices, out = (..., dim)
  kCopy,       ///< cat, view, transpose, expand, cast, contiguous: moves data, no arithmetic
  // binary elementwise (in[1] absent when the other operand is a Python scalar)
  kAdd,
  kSub,
  kMul,
  kDiv,
  // unary elementwise
  kNeg,
  kPow,
  kSqrt,
  kRsqrt,
  kExp,
  kSin,
  kCos,
  kTanh,
  kSigmoid,
  kRelu,
  kSilu,
  kGelu,      ///< erf form
  kGeluTanh,  ///< tanh approximation
  // reductions over the last dimension(s): in[0] -> out
  kMean,
  kSum,
  kTopK,  ///< the attr = k largest values of the last dimension (torch.topk): in[0] -> out
  // normalisations over the last dimension of size attr
  kSoftmax,
  kLayerNorm,  ///< attr2 bit 0: has weight, bit 1: has bias
  kRmsNorm,    ///< fused RMSNorm; attr2 bit 0: has weight
  // attention kernel (SDPA / flash): q (B,H,Sq,D), k (B,Hkv,Sk,D), v (B,Hkv,Sk,Dv); attr = mask
  kAttention,
  // --- kinds below were added for graph inputs (ONNX); builders may use them too ---
  // contractions
  kConvTranspose,  ///< in[0] = (N, Cin, spatial...), in[1] = weight (Cin, Cout/groups, k...);
                   ///< attr = bias, attr2 = groups
  kEinsum,         ///< as a batched matmul: in[0] = (batch, m, k), in[1] = (batch, k, n)
  // unary elementwise (in[0] -> out of the same shape)
  kErf,
  kLog,
  kAbs,    ///< abs, sign
  kRound,  ///< floor, ceil, round
  kReciprocal,
  kTrig,  ///< tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh
  kClip,
  kLeakyRelu,  ///< leaky_relu, prelu
  kElu,        ///< elu, celu
  kSelu,
  kHardSigmoid,
  kHardSwish,
  kSoftplus,
  kSoftsign,
  kMish,
  kShrink,
  kQuantize,    ///< x / scale + zero_point, rounded and saturated
  kDequantize,  ///< (x - zero_point) * scale
  // binary elementwise with broadcasting (or unary logical not: in[1] absent)
  kCompare,  ///< equal, less, greater, and, or, xor, not, min, max, mod, bitwise ops
  // normalisations (size n of the normalised dimension(s) = attr)
  kBatchNorm,  ///< in[0] = (N, C, ...) (inference form: running statistics); attr = C
  kLogSoftmax,
  kLpNorm,  ///< attr2 = p (1 or 2)
  kLrn,     ///< in[0] = (N, C, ...); attr = size (channels summed per output)
  // windows and resampling
  kMaxPool,  ///< out = pooled output; attr = kernel elements (prod of kernel_shape)
  kAvgPool,  ///< out = pooled output; attr = kernel elements
  kLpPool,   ///< out = pooled output; attr = kernel elements
  kResize,   ///< in[0] -> out; attr = input taps per output element (0 = nearest)
  // reductions: in[0] -> out (reduced shape)
  kReduceMax,  ///< max, min, argmax, argmin, hardmax rows
  kProd,
  kReduceL1,
  kReduceL2,
  kReduceSumSquare,
  kReduceLogSum,
  kReduceLogSumExp,
  kCumSum,
  // recurrent layers: in[0] = X (S, B, I), in[1] = W (D, G x H, I), out = Y (S, D, B, H);
  // attr = bias; attr2 = LSTM peepholes / GRU linear_before_reset
  kRnn,
  kGru,
  kLstm,
  // rotary position embedding: in[0] = x; attr = rotated features per row, attr2 = row length
  kRotaryEmbedding,
  // state-space layers (Mamba): in[0] = u (B, I, S), in[1] = delta (B, I, S), in[2] = B (B, S, N)
  // (C is read with the same shape); out = y (B, I, S); attr = N (state size)
  kSelectiveScan,
  // Mamba2's chunked state-space-duality scan (SSD): in[0] = x * dt (B, S, H, P), in[1] = A * dt
  // (B, S, H), in[2] = B per head (B, S, H, N) (C is read with the same shape); out = y over the
  // padded length (B, ceil(S / Q) Q, H, P); attr = Q (chunk size)
  kSsdScan,
};
inline constexpr int kNumOpKinds = static_cast<int>(OpKind::kSsdScan) + 1;

/// How the model's source code invoked the op. Only the `calflops` convention looks at this:
/// calflops sees an op only through the functions it patches.
enum class CallForm : uint8_t {
  kFunctional,  ///< torch.nn.functional.X looked up at call time (F.linear, F.silu, ...)
  kTorch,       ///< torch.X(...) or tensor.X(...) (torch.matmul, x.pow, torch.rsqrt, ...)
  kPyOperator,  ///< Python operator on tensors: a + b, a * b, a @ b, a - b, a / b, -a
  kUnhooked,    ///< C++ kernels and captured functions: SDPA, flash-attn, torch.bmm, cat, views
};

struct Op {
  OpKind kind = OpKind::kCopy;
  CallForm form = CallForm::kTorch;
  DType dtype = DType::kF32;
  uint8_t n_in = 0;
  std::array<Shape, 3> in{};
  Shape out;
  int64_t attr = 0;   ///< kind-specific (see OpKind)
  int64_t attr2 = 0;  ///< kind-specific (see OpKind)
};

/// Receives every op a forward pass executes.
class OpSink {
 public:
  virtual ~OpSink() = default;
  virtual void Emit(ModuleId module, const Op& op) = 0;
  /// The same op executed `times` times in a row (loop bodies, identical experts): priced once
  /// and scaled, so a trip count of 2^62 costs one call.
  virtual void EmitRepeated(ModuleId module, const Op& op, int64_t times) = 0;
};

/// An op kind the cost table cannot price (or whose shapes stay unknown), counted as 0 and
/// listed in the report: "unsupported: NonMaxSuppression x3 (counted as 0: no cost formula)".
struct UncostedOp {
  std::string op;      ///< "NonMaxSuppression", "com.microsoft:Foo"
  int64_t count = 0;   ///< occurrences
  std::string reason;  ///< "no cost formula", "shape unknown", ...
};

}  // namespace calflops
