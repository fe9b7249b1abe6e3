// The backward table (see autograd.h). FLOP counts follow PyTorch's derivative formulas; n is the
// number of elements of the op's output (= input for unary ops).
#include "ops/autograd.h"

#include <stdexcept>
#include <string>

namespace calflops {
namespace {

Count N(const Op& op) { return op.out.numel(); }
Count In(const Op& op, int i) { return op.in[static_cast<size_t>(i)].numel(); }
bool Binary(const Op& op) { return op.n_in >= 2; }

/// Summing a broadcast gradient back to an operand's shape: one add per extra element. An
/// operand larger than the output (size 1 broadcast to an empty dimension) needs none.
Count Reduce(const Op& op, int i) { return N(op) > In(op, i) ? N(op) - In(op, i) : Count(0); }

// ---- contractions

OpCost LinearBwd(const Op& op, const GradNeeds& g) {
  Count m = GetOpDef(OpKind::kLinear).analytic(op).macs;
  Count macs = (g.input[0] ? m : Count(0)) + (g.weight ? m : Count(0));
  Count bias = (g.weight && op.attr) ? N(op) : Count(0);  // db = sum over rows of dY
  return {macs, 2 * macs + bias};
}

OpCost MatMulBwd(const Op& op, const GradNeeds& g) {
  Count m = MatMulMacs(op.in[0], op.in[1]);
  Count macs = (g.input[0] ? m : Count(0)) + (g.input[1] ? m : Count(0));
  return {macs, 2 * macs};
}

OpCost ConvBwd(const Op& op, const GradNeeds& g) {
  Count m = GetOpDef(OpKind::kConv).analytic(op).macs;
  Count macs = (g.input[0] ? m : Count(0)) + (g.weight ? m : Count(0));
  Count bias = (g.weight && op.attr) ? N(op) : Count(0);
  return {macs, 2 * macs + bias};
}

OpCost EmbeddingBwd(const Op& op, const GradNeeds& g) {
  return {0, g.weight ? N(op) : Count(0)};  // scatter-add of dY into the gathered rows
}

OpCost Free(const Op&, const GradNeeds&) { return {0, 0}; }

// ---- binary elementwise

OpCost AddBwd(const Op& op, const GradNeeds& g) {
  Count f;
  for (int i = 0; i < op.n_in; ++i)
    if (g.input[static_cast<size_t>(i)]) f += Reduce(op, i);
  return {0, f};
}

OpCost SubBwd(const Op& op, const GradNeeds& g) {
  OpCost c = AddBwd(op, g);
  if (Binary(op) && g.input[1]) c.flops += N(op);  // -dY
  return c;
}

OpCost MulBwd(const Op& op, const GradNeeds& g) {
  if (!Binary(op)) return {0, g.input[0] ? N(op) : Count(0)};  // dY * c
  Count f;
  for (int i = 0; i < 2; ++i)
    if (g.input[static_cast<size_t>(i)]) f += N(op) + Reduce(op, i);  // dY * other, then sum
  return {0, f};
}

OpCost DivBwd(const Op& op, const GradNeeds& g) {
  if (!Binary(op)) return {0, g.input[0] ? N(op) : Count(0)};  // dY / c
  Count f;
  if (g.input[0]) f += N(op) + Reduce(op, 0);      // dY / b
  if (g.input[1]) f += 3 * N(op) + Reduce(op, 1);  // -dY * a / b^2: mul, div, div
  return {0, f};
}

// ---- unary elementwise: k FLOPs per element when the input needs a gradient

template <int k>
OpCost Unary(const Op& op, const GradNeeds& g) {
  return {0, g.input[0] ? k * N(op) : Count(0)};
}

// ---- reductions, normalisations, attention

OpCost MeanBwd(const Op& op, const GradNeeds& g) {
  return {0, g.input[0] ? In(op, 0) : Count(0)};  // dY / n, broadcast
}

/// Rows of `attr` elements; zero-width rows (an empty tensor) are no rows, never a division by 0.
Count Rows(const Op& op) { return op.attr <= 0 ? Count(0) : In(op, 0) / Count::FromSigned(op.attr); }
Count Width(const Op& op) { return Count::FromSigned(op.attr < 0 ? 0 : op.attr); }

OpCost SoftmaxBwd(const Op& op, const GradNeeds& g) {
  if (!g.input[0]) return {0, 0};
  if (Width(op) == Count(0)) return {0, 0};
  return {0, Rows(op) * (4 * Width(op) - 1)};  // y * (dY - sum(dY * y)): mul, sum, sub, mul
}

OpCost LayerNormBwd(const Op& op, const GradNeeds& g) {
  Count f, rows = Rows(op), n = Width(op);
  if (g.input[0]) f += rows * (10 * n + 4);
  if (g.weight && (op.attr2 & 1)) f += rows * 2 * n;  // dW = sum over rows of dY * x_hat
  if (g.weight && (op.attr2 & 2)) f += rows * n;      // db = sum over rows of dY
  return {0, f};
}

OpCost RmsNormBwd(const Op& op, const GradNeeds& g) {
  Count f, rows = Rows(op), n = Width(op);
  if (g.input[0]) f += rows * (7 * n + 2);
  if (g.weight && (op.attr2 & 1)) f += rows * 2 * n;
  return {0, f};
}

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

// ---- saved tensors

SavedSet Nothing(const Op&, const GradNeeds&) { return {}; }
SavedSet Input0(const Op&, const GradNeeds& g) {
  return {.inputs = static_cast<uint8_t>(g.any() ? 1 : 0)};
}
SavedSet Output(const Op&, const GradNeeds& g) { return {.output = g.any()}; }

SavedSet LinearSaved(const Op&, const GradNeeds& g) {
  return {.inputs = static_cast<uint8_t>(g.weight ? 1 : 0)};  // X for dW = dY^T X
}

SavedSet MatMulSaved(const Op&, const GradNeeds& g) {
  // dA = dY B^T needs B; dB = A^T dY needs A.
  return {.inputs = static_cast<uint8_t>((g.input[1] ? 1 : 0) | (g.input[0] ? 2 : 0))};
}

SavedSet EmbeddingSaved(const Op& op, const GradNeeds& g) {
  return {.index_extra = g.weight ? In(op, 0) : Count(0)};
}

SavedSet MulSaved(const Op& op, const GradNeeds& g) {
  if (!Binary(op)) return {};
  return {.inputs = static_cast<uint8_t>((g.input[0] ? 2 : 0) | (g.input[1] ? 1 : 0))};
}

SavedSet DivSaved(const Op& op, const GradNeeds& g) {
  if (!Binary(op)) return {};
  uint8_t bits = (g.input[0] || g.input[1]) ? 2 : 0;  // b for both gradients
  if (g.input[1]) bits |= 1;                          // a for db
  return {.inputs = bits};
}

SavedSet TopKSaved(const Op& op, const GradNeeds& g) {
  return {.index_extra = g.input[0] ? op.out.numel() : Count(0)};
}

SavedSet LayerNormSaved(const Op& op, const GradNeeds& g) {
  if (!g.any()) return {};
  return {.inputs = 1, .f32_extra = 2 * Rows(op)};  // x, mean, rstd
}

SavedSet RmsNormSaved(const Op& op, const GradNeeds& g) {
  if (!g.any()) return {};
  return {.inputs = 1, .f32_extra = Rows(op)};  // x, rstd
}

SavedSet AttentionSaved(const Op& op, const GradNeeds& g) {
  if (!g.any()) return {};
  const Shape& q = op.in[0];
  // B x H x Sq log-sum-exp (head size 0: an empty q, nothing kept)
  Count lse = q[3] <= 0 ? Count(0) : q.numel() / Count::FromSigned(q[3]);
  return {.inputs = 7, .output = true, .f32_extra = lse};
}

// ---- kinds added for graph inputs (ONNX)

OpCost ConvTransposeBwd(const Op& op, const GradNeeds& g) {
  Count m = GetOpDef(OpKind::kConvTranspose).analytic(op).macs;
  Count macs = (g.input[0] ? m : Count(0)) + (g.weight ? m : Count(0));
  return {macs, 2 * macs + ((g.weight && op.attr) ? N(op) : Count(0))};
}

/// Einsum records are batched matmuls (batch, m, k) x (batch, k, n).
OpCost EinsumBwd(const Op& op, const GradNeeds& g) { return MatMulBwd(op, g); }

/// Per input element of the op (pooling / reductions read more than they write).
template <int k>
OpCost PerInput(const Op& op, const GradNeeds& g) {
  return {0, g.input[0] ? k * In(op, 0) : Count(0)};
}

/// dX = dY * scale / sqrt(var + eps): n; dW = sum(dY * x_hat): 3n; db = sum(dY): n.
OpCost BatchNormBwd(const Op& op, const GradNeeds& g) {
  return {0, (g.input[0] ? N(op) : Count(0)) + (g.weight ? 4 * N(op) : Count(0))};
}

/// Scatter-add of dY into the taps of each output: output elements x taps.
OpCost ResizeBwd(const Op& op, const GradNeeds& g) {
  return {0, g.input[0] ? N(op) * Count::FromSigned(op.attr) : Count(0)};
}

/// The reverse running sum: the forward's cost.
OpCost CumSumBwd(const Op& op, const GradNeeds& g) {
  return g.input[0] ? GetOpDef(OpKind::kCumSum).analytic(op) : OpCost{};
}

/// Backpropagation through time: the forward's contractions once per gradient needed (inputs and
/// hidden states, weights), and the gate derivatives at about the forward's elementwise cost.
OpCost RecurrentBwd(const Op& op, const GradNeeds& g) {
  OpCost f = GetOpDef(op.kind).analytic(op);
  Count macs = (g.input[0] ? f.macs : Count(0)) + (g.weight ? f.macs : Count(0));
  Count pointwise = f.flops - 2 * f.macs;
  return {macs, 2 * macs + (g.any() ? pointwise : Count(0))};
}

OpCost RotaryBwd(const Op& op, const GradNeeds& g) {
  return g.input[0] ? GetOpDef(OpKind::kRotaryEmbedding).analytic(op) : OpCost{};
}

SavedSet InputAndOutput(const Op&, const GradNeeds& g) {
  return {.inputs = static_cast<uint8_t>(g.any() ? 1 : 0), .output = g.any()};
}
SavedSet PoolIndices(const Op& op, const GradNeeds& g) {
  return {.index_extra = g.input[0] ? op.out.numel() : Count(0)};
}

constexpr std::string_view kSaveNone = "nothing";
constexpr std::string_view kSaveIn = "the input";
constexpr std::string_view kSaveOut = "the output";

constexpr OpGradDef kDefs[] = {
    {OpKind::kLinear,
     "dX: rows x in x out MACs if X needs a gradient; dW: the same; db: rows x out", LinearBwd,
     "the input X (for dW)", LinearSaved},
    {OpKind::kMatMul, "dA = dY B^T and dB = A^T dY: each the forward's MACs, if needed", MatMulBwd,
     "B if A needs a gradient, A if B does", MatMulSaved},
    {OpKind::kConv, "dX (transposed conv) and dW: each the forward's MACs; db: output elements",
     ConvBwd, kSaveIn, Input0},
    {OpKind::kEmbedding, "dW: scatter-add, output elements FLOPs", EmbeddingBwd, "the ids (int64)",
     EmbeddingSaved},
    {OpKind::kCopy, "0 (the gradient is copied or viewed back)", Free, kSaveNone, Nothing},
    {OpKind::kAdd, "0, plus a sum over broadcast dimensions per operand: n - operand elements",
     AddBwd, kSaveNone, Nothing},
    {OpKind::kSub, "as Add, plus n to negate dB", SubBwd, kSaveNone, Nothing},
    {OpKind::kMul, "dA = dY * B, dB = dY * A: n each, plus broadcast sums", MulBwd,
     "B if A needs a gradient, A if B does", MulSaved},
    {OpKind::kDiv, "dA = dY / B: n; dB = -dY * A / B^2: 3n; plus broadcast sums", DivBwd,
     "B; A too if B needs a gradient", DivSaved},
    {OpKind::kNeg, "-dY: n", Unary<1>, kSaveNone, Nothing},
    {OpKind::kPow, "dY * p * x^(p-1): 3n", Unary<3>, kSaveIn, Input0},
    {OpKind::kSqrt, "dY / (2 y): 2n", Unary<2>, kSaveOut, Output},
    {OpKind::kRsqrt, "dY * -0.5 * y^3: 4n", Unary<4>, kSaveOut, Output},
    {OpKind::kExp, "dY * y: n", Unary<1>, kSaveOut, Output},
    {OpKind::kSin, "dY * cos(x): 2n", Unary<2>, kSaveIn, Input0},
    {OpKind::kCos, "dY * -sin(x): 3n", Unary<3>, kSaveIn, Input0},
    {OpKind::kTanh, "dY * (1 - y^2): 3n", Unary<3>, kSaveOut, Output},
    {OpKind::kSigmoid, "dY * y * (1 - y): 3n", Unary<3>, kSaveOut, Output},
    {OpKind::kRelu, "dY * (y > 0): n", Unary<1>, kSaveOut, Output},
    {OpKind::kSilu, "dY * s * (1 + x (1 - s)), s = sigmoid(x) recomputed (4): 9n", Unary<9>,
     kSaveIn, Input0},
    {OpKind::kGelu, "dY * (cdf(x) + x pdf(x)): cdf 4, pdf 4, combine 3: 11n", Unary<11>, kSaveIn,
     Input0},
    {OpKind::kGeluTanh, "PyTorch's tanh-GELU backward: 18n", Unary<18>, kSaveIn, Input0},
    {OpKind::kMean, "dY / n broadcast: input elements", MeanBwd, kSaveNone, Nothing},
    {OpKind::kSum, "0 (dY broadcast)", Free, kSaveNone, Nothing},
    {OpKind::kTopK, "0 (dY scattered back to the selected positions)", Free, "the indices (int64)",
     TopKSaved},
    {OpKind::kSoftmax, "y * (dY - sum(dY * y)): rows x (4n - 1)", SoftmaxBwd, kSaveOut, Output},
    {OpKind::kLayerNorm,
     "dX: rows x (10n + 4) (x_hat 2n, dY*w n, two row sums 3n, combine 4n); dW: rows x 2n; db: "
     "rows x n",
     LayerNormBwd, "the input, and mean and rstd per row (float32)", LayerNormSaved},
    {OpKind::kRmsNorm,
     "dX: rows x (7n + 2) (x_hat n, dY*w n, row sum 2n, combine 3n); dW: rows x 2n", RmsNormBwd,
     "the input and rstd per row (float32)", RmsNormSaved},
    {OpKind::kAttention,
     "S = B H Sq Sk; MACs = S Dv (dP) + S Dv (dV) + S D (dQ) + S D (dK) for those needed; FLOPs "
     "= 2 MACs + 2 B H Sq Dv (rowsum dO*O) + 2S (dS) + S (scale); flash-attention's recompute of "
     "the scores is not counted",
     AttentionBwd, "q, K, V, the output, and the log-sum-exp per row (float32)", AttentionSaved},
    // kinds added for graph inputs (ONNX)
    {OpKind::kConvTranspose, "dX (a conv) and dW: each the forward's MACs; db: output elements",
     ConvTransposeBwd, kSaveIn, Input0},
    {OpKind::kEinsum, "as MatMul on the equivalent batched matmul", EinsumBwd,
     "the other operand of each one needing a gradient", MatMulSaved},
    {OpKind::kErf, "dY * 2/sqrt(pi) exp(-x^2): 5n", Unary<5>, kSaveIn, Input0},
    {OpKind::kLog, "dY / x: n", Unary<1>, kSaveIn, Input0},
    {OpKind::kAbs, "dY * sign(x): 2n (sign: 0)", Unary<2>, kSaveIn, Input0},
    {OpKind::kRound, "0 (zero gradient almost everywhere)", Free, kSaveNone, Nothing},
    {OpKind::kReciprocal, "-dY * y^2: 3n", Unary<3>, kSaveOut, Output},
    {OpKind::kTrig, "dY times the derivative (about 4 operations): 4n", Unary<4>, kSaveIn, Input0},
    {OpKind::kClip, "dY * (lo < x < hi): 3n", Unary<3>, kSaveIn, Input0},
    {OpKind::kLeakyRelu, "dY * (x > 0 ? 1 : a): 2n", Unary<2>, kSaveIn, Input0},
    {OpKind::kElu, "dY * (x > 0 ? 1 : y + a): 3n", Unary<3>, kSaveOut, Output},
    {OpKind::kSelu, "dY * g (x > 0 ? 1 : y / g + a): 4n", Unary<4>, kSaveOut, Output},
    {OpKind::kHardSigmoid, "dY * a inside the linear range: 3n", Unary<3>, kSaveIn, Input0},
    {OpKind::kHardSwish, "dY * (2x + 3) / 6 inside the ramp: 5n", Unary<5>, kSaveIn, Input0},
    {OpKind::kSoftplus, "dY * sigmoid(x): 5n", Unary<5>, kSaveIn, Input0},
    {OpKind::kSoftsign, "dY / (1 + |x|)^2: 4n", Unary<4>, kSaveIn, Input0},
    {OpKind::kMish, "dY * (tanh(sp) + x sigmoid(x) (1 - tanh(sp)^2)): 12n", Unary<12>, kSaveIn,
     Input0},
    {OpKind::kShrink, "dY * (|x| > lambda): 2n", Unary<2>, kSaveIn, Input0},
    {OpKind::kQuantize, "straight-through: dY * (in range): n", Unary<1>, kSaveNone, Nothing},
    {OpKind::kDequantize, "dY * scale: n", Unary<1>, kSaveNone, Nothing},
    {OpKind::kCompare, "0 (no gradient)", Free, kSaveNone, Nothing},
    {OpKind::kBatchNorm, "dX = dY * scale / std: n; dW = sum(dY x_hat): 3n; db: n", BatchNormBwd,
     kSaveIn, Input0},
    {OpKind::kLogSoftmax, "dY - exp(y) * sum(dY): rows x 3n", PerInput<3>, kSaveOut, Output},
    {OpKind::kLpNorm, "(dY - y sum(dY y)) / norm: rows x 5n", PerInput<5>, "the input and the output",
     InputAndOutput},
    {OpKind::kLrn, "about the forward's cost again plus 2 per element: elements x (2 size + 5)",
     Unary<7>, "the input and the output", InputAndOutput},
    {OpKind::kMaxPool, "dY scattered to the argmax of each window: 0", Free,
     "the argmax indices (int64)", PoolIndices},
    {OpKind::kAvgPool, "dY / k spread over each window: input elements", PerInput<1>, kSaveNone,
     Nothing},
    {OpKind::kLpPool, "dY * |x|^(p-1) sign(x) / y^(p-1): 3 x input elements", PerInput<3>,
     "the input and the output", InputAndOutput},
    {OpKind::kResize, "dY scatter-added to each output's taps: output elements x taps", ResizeBwd,
     kSaveNone, Nothing},
    {OpKind::kReduceMax, "dY scattered to the selected positions: 0", Free,
     "the selected indices (int64)", PoolIndices},
    {OpKind::kProd, "dY * y / x: 2 x input elements", PerInput<2>, "the input and the output",
     InputAndOutput},
    {OpKind::kReduceL1, "dY * sign(x): 2 x input elements", PerInput<2>, kSaveIn, Input0},
    {OpKind::kReduceL2, "dY * x / y: 2 x input elements", PerInput<2>, "the input and the output",
     InputAndOutput},
    {OpKind::kReduceSumSquare, "2 x dY: 2 x input elements", PerInput<2>, kSaveIn, Input0},
    {OpKind::kReduceLogSum, "dY / sum: input elements", PerInput<1>, kSaveOut, Output},
    {OpKind::kReduceLogSumExp, "dY * exp(x - y): 3 x input elements", PerInput<3>,
     "the input and the output", InputAndOutput},
    {OpKind::kCumSum, "the reverse running sum: the forward's cost", CumSumBwd, kSaveNone, Nothing},
    {OpKind::kRnn, "the forward's MACs per gradient needed (inputs, weights) + its pointwise work",
     RecurrentBwd, "the input and every hidden state", InputAndOutput},
    {OpKind::kGru, "the forward's MACs per gradient needed (inputs, weights) + its pointwise work",
     RecurrentBwd, "the input and every hidden state", InputAndOutput},
    {OpKind::kLstm, "the forward's MACs per gradient needed (inputs, weights) + its pointwise work",
     RecurrentBwd, "the input and every hidden and cell state", InputAndOutput},
    {OpKind::kRotaryEmbedding, "the inverse rotation: the forward's cost", RotaryBwd, kSaveNone,
     Nothing},
};

struct Table {
  std::array<OpGradDef, kNumOpKinds> defs{};
  Table() {
    std::array<bool, kNumOpKinds> seen{};
    for (const OpGradDef& d : kDefs) {
      auto i = static_cast<size_t>(d.kind);
      if (seen[i]) throw std::logic_error("backward defined twice for kind " + std::to_string(i));
      seen[i] = true;
      defs[i] = d;
    }
    for (size_t i = 0; i < seen.size(); ++i)
      if (!seen[i]) throw std::logic_error("op kind without backward: " + std::to_string(i));
  }
};

const Table& GetTable() {
  static const Table table;
  return table;
}

}  // namespace

const OpGradDef& GetGradDef(OpKind kind) { return GetTable().defs[static_cast<size_t>(kind)]; }

std::span<const OpGradDef> AllGradDefs() { return GetTable().defs; }

bool IsWeightInput(OpKind kind, int input) {
  return input == 1 && (kind == OpKind::kLinear || kind == OpKind::kConv ||
                        kind == OpKind::kConvTranspose || kind == OpKind::kRnn ||
                        kind == OpKind::kGru || kind == OpKind::kLstm);
}

bool HasWeight(const Op& op) {
  switch (op.kind) {
    case OpKind::kLinear:
    case OpKind::kConv:
    case OpKind::kEmbedding:
    case OpKind::kConvTranspose:
    case OpKind::kBatchNorm:
    case OpKind::kRnn:
    case OpKind::kGru:
    case OpKind::kLstm:
      return true;
    case OpKind::kLayerNorm:
      return (op.attr2 & 3) != 0;
    case OpKind::kRmsNorm:
      return (op.attr2 & 1) != 0;
    default:
      return false;
  }
}

}  // namespace calflops
