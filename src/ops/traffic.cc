// The bytes-moved table, one row per OpKind (see traffic.h for the model).
#include "ops/traffic.h"

#include <array>
#include <stdexcept>
#include <string>

namespace calflops {
namespace {

Count In(const Op& op, int i) { return op.in[static_cast<size_t>(i)].numel(); }

/// Every input is an activation: read them all, write the output.
OpTraffic AllInputs(const Op& op) {
  OpTraffic t;
  for (int i = 0; i < op.n_in; ++i) t.act_read += In(op, i);
  t.act_write = op.out.numel();
  return t;
}

OpTraffic Linear(const Op& op) {
  Count out = Count::FromSigned(op.in[1][0]);
  return {.act_read = In(op, 0),
          .weight_read = In(op, 1) + (op.attr ? out : Count(0)),
          .act_write = op.out.numel()};
}

OpTraffic Conv(const Op& op) {
  Count cout = Count::FromSigned(op.in[1][0]);
  return {.act_read = In(op, 0),
          .weight_read = In(op, 1) + (op.attr ? cout : Count(0)),
          .act_write = op.out.numel()};
}

OpTraffic Embedding(const Op& op) {
  // Only the gathered rows of the table are read.
  return {.weight_read = op.out.numel(), .index_read = In(op, 0), .act_write = op.out.numel()};
}

OpTraffic TopK(const Op& op) {
  // The k values and their int64 indices.
  return {.act_read = In(op, 0), .act_write = op.out.numel(), .index_write = op.out.numel()};
}

OpTraffic Norm(const Op& op) {
  OpTraffic t = AllInputs(op);
  Count n = Count::FromSigned(op.attr);
  if (op.attr2 & 1) t.weight_read += n;
  if (op.kind == OpKind::kLayerNorm && (op.attr2 & 2)) t.weight_read += n;
  return t;
}

OpTraffic Attention(const Op& op) {
  // A fused kernel: q once, K and V once (flash-attention's ideal), the output once; the scores
  // stay on chip.
  return {.act_read = In(op, 0), .kv_read = In(op, 1) + In(op, 2), .act_write = op.out.numel()};
}

OpTraffic ConvTranspose(const Op& op) {
  Count cout = op.out.rank() >= 2 ? Count::FromSigned(op.out[1]) : Count(0);
  return {.act_read = In(op, 0),
          .weight_read = In(op, 1) + (op.attr ? cout : Count(0)),
          .act_write = op.out.numel()};
}

OpTraffic BatchNorm(const Op& op) {
  // Scale, bias, running mean and variance: 4 per channel.
  return {.act_read = In(op, 0),
          .weight_read = 4 * Count::FromSigned(op.attr),
          .act_write = op.out.numel()};
}

OpTraffic Recurrent(const Op& op) {
  // Input and recurrent weights (D x G H x I and D x G H x H) and biases, once per call.
  const Shape& w = op.in[1];
  Count gates_h = Count::FromSigned(w[1]);
  Count dirs = Count::FromSigned(w[0]);
  Count h = Count::FromSigned(op.out[3]);
  Count weights = In(op, 1) + dirs * gates_h * h + (op.attr ? 2 * dirs * gates_h : Count(0));
  return {.act_read = In(op, 0), .weight_read = weights, .act_write = op.out.numel()};
}

OpTraffic Scan(const Op& op) {
  // u and delta, then B and C (two tensors of in[2]'s shape); A and D are read by other ops.
  return {.act_read = In(op, 0) + In(op, 1) + 2 * In(op, 2), .act_write = op.out.numel()};
}

constexpr std::string_view kAll = "reads every input, writes the output";

constexpr OpTrafficDef kDefs[] = {
    {OpKind::kLinear, "reads the input and the weight (+ bias) once, writes the output", Linear},
    {OpKind::kMatMul, "reads both operands, writes the output", AllInputs},
    {OpKind::kConv, "reads the input and the weight (+ bias) once, writes the output", Conv},
    {OpKind::kEmbedding, "reads the ids (8 bytes each) and the gathered rows, writes them",
     Embedding},
    {OpKind::kCopy, "reads the input, writes the output (a view moves nothing but is not emitted)",
     AllInputs},
    {OpKind::kAdd, kAll, AllInputs},
    {OpKind::kSub, kAll, AllInputs},
    {OpKind::kMul, kAll, AllInputs},
    {OpKind::kDiv, kAll, AllInputs},
    {OpKind::kNeg, kAll, AllInputs},
    {OpKind::kPow, kAll, AllInputs},
    {OpKind::kSqrt, kAll, AllInputs},
    {OpKind::kRsqrt, kAll, AllInputs},
    {OpKind::kExp, kAll, AllInputs},
    {OpKind::kSin, kAll, AllInputs},
    {OpKind::kCos, kAll, AllInputs},
    {OpKind::kTanh, kAll, AllInputs},
    {OpKind::kSigmoid, kAll, AllInputs},
    {OpKind::kRelu, kAll, AllInputs},
    {OpKind::kSilu, kAll, AllInputs},
    {OpKind::kGelu, kAll, AllInputs},
    {OpKind::kGeluTanh, kAll, AllInputs},
    {OpKind::kMean, "reads the input, writes the reduced output", AllInputs},
    {OpKind::kSum, "reads the input, writes the reduced output", AllInputs},
    {OpKind::kTopK, "reads the input, writes the k values and their indices (8 bytes each)", TopK},
    {OpKind::kSoftmax, kAll, AllInputs},
    {OpKind::kLayerNorm, "reads the input and n weights (+ n bias), writes the output", Norm},
    {OpKind::kRmsNorm, "reads the input and n weights, writes the output", Norm},
    {OpKind::kAttention,
     "fused kernel: reads q, reads K and V once (KV-cache reads), writes the output; scores stay "
     "on chip",
     Attention},
    // kinds added for graph inputs (ONNX)
    {OpKind::kConvTranspose, "reads the input and the weight (+ bias) once, writes the output",
     ConvTranspose},
    {OpKind::kEinsum, "reads both operands, writes the output", AllInputs},
    {OpKind::kErf, kAll, AllInputs},
    {OpKind::kLog, kAll, AllInputs},
    {OpKind::kAbs, kAll, AllInputs},
    {OpKind::kRound, kAll, AllInputs},
    {OpKind::kReciprocal, kAll, AllInputs},
    {OpKind::kTrig, kAll, AllInputs},
    {OpKind::kClip, kAll, AllInputs},
    {OpKind::kLeakyRelu, kAll, AllInputs},
    {OpKind::kElu, kAll, AllInputs},
    {OpKind::kSelu, kAll, AllInputs},
    {OpKind::kHardSigmoid, kAll, AllInputs},
    {OpKind::kHardSwish, kAll, AllInputs},
    {OpKind::kSoftplus, kAll, AllInputs},
    {OpKind::kSoftsign, kAll, AllInputs},
    {OpKind::kMish, kAll, AllInputs},
    {OpKind::kShrink, kAll, AllInputs},
    {OpKind::kQuantize, kAll, AllInputs},
    {OpKind::kDequantize, kAll, AllInputs},
    {OpKind::kCompare, kAll, AllInputs},
    {OpKind::kBatchNorm, "reads the input and 4 statistics per channel, writes the output",
     BatchNorm},
    {OpKind::kLogSoftmax, kAll, AllInputs},
    {OpKind::kLpNorm, kAll, AllInputs},
    {OpKind::kLrn, kAll, AllInputs},
    {OpKind::kMaxPool, "reads the input, writes the pooled output", AllInputs},
    {OpKind::kAvgPool, "reads the input, writes the pooled output", AllInputs},
    {OpKind::kLpPool, "reads the input, writes the pooled output", AllInputs},
    {OpKind::kResize, "reads the input, writes the resized output", AllInputs},
    {OpKind::kReduceMax, "reads the input, writes the reduced output", AllInputs},
    {OpKind::kProd, "reads the input, writes the reduced output", AllInputs},
    {OpKind::kReduceL1, "reads the input, writes the reduced output", AllInputs},
    {OpKind::kReduceL2, "reads the input, writes the reduced output", AllInputs},
    {OpKind::kReduceSumSquare, "reads the input, writes the reduced output", AllInputs},
    {OpKind::kReduceLogSum, "reads the input, writes the reduced output", AllInputs},
    {OpKind::kReduceLogSumExp, "reads the input, writes the reduced output", AllInputs},
    {OpKind::kCumSum, kAll, AllInputs},
    {OpKind::kRnn, "reads the sequence and the input and recurrent weights once, writes the states",
     Recurrent},
    {OpKind::kGru, "reads the sequence and the input and recurrent weights once, writes the states",
     Recurrent},
    {OpKind::kLstm, "reads the sequence and the input and recurrent weights once, writes the states",
     Recurrent},
    {OpKind::kRotaryEmbedding, "reads the input (cos / sin tables not counted), writes the output",
     AllInputs},
    {OpKind::kSelectiveScan,
     "reads u, delta, B and C once, writes y; the state stays on chip (the fused kernel)", Scan},
};

struct Table {
  std::array<OpTrafficDef, kNumOpKinds> defs{};
  Table() {
    std::array<bool, kNumOpKinds> seen{};
    for (const OpTrafficDef& d : kDefs) {
      auto i = static_cast<size_t>(d.kind);
      if (seen[i]) throw std::logic_error("traffic defined twice for kind " + std::to_string(i));
      seen[i] = true;
      defs[i] = d;
    }
    for (size_t i = 0; i < seen.size(); ++i)
      if (!seen[i]) throw std::logic_error("op kind without traffic: " + std::to_string(i));
  }
};

const Table& GetTable() {
  static const Table table;
  return table;
}

}  // namespace

const OpTrafficDef& GetTrafficDef(OpKind kind) {
  return GetTable().defs[static_cast<size_t>(kind)];
}

std::span<const OpTrafficDef> AllTrafficDefs() { return GetTable().defs; }

}  // namespace calflops
