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
