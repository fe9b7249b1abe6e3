// Op records: one executed operation with concrete shapes, attached to the module that ran it.
// Builders (architectures) and the ONNX reader emit the same records; one cost table
// (src/ops/) prices them under a convention (src/analysis/convention*).
#pragma once

#include <array>
#include <cstdint>
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
};
inline constexpr int kNumOpKinds = static_cast<int>(OpKind::kAttention) + 1;

/// How the model's source code invoked the op. Only the `calflops` convention looks at this:
/// calflops sees an op only through the functions it patches.
enum class CallForm : uint8_t {
  kFunctional,   ///< torch.nn.functional.X looked up at call time (F.linear, F.silu, ...)
  kTorch,        ///< torch.X(...) or tensor.X(...) (torch.matmul, x.pow, torch.rsqrt, ...)
  kPyOperator,   ///< Python operator on tensors: a + b, a * b, a @ b, a - b, a / b, -a
  kUnhooked,     ///< C++ kernels and captured functions: SDPA, flash-attn, torch.bmm, cat, views
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
};

}  // namespace calflops
