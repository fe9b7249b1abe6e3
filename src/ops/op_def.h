// The op cost table: one OpDef per OpKind, each with its formula as a doc string. The `analytic`
// convention prices ops with these functions; docs/cost-model.md is generated from the table.
//
// FLOPs and MACs: a multiply-accumulate (MAC) is one multiply plus one add, so a contraction costs
// FLOPs = 2 x MACs. Every other op counts FLOPs only (MACs 0): one FLOP per scalar arithmetic
// operation or elementary function evaluation (add, sub, mul, div, negate, compare, exp, sqrt,
// rsqrt, tanh, erf, sin, cos, pow, log).
#pragma once

#include <span>
#include <string_view>

#include "model/count.h"
#include "model/op.h"

namespace calflops {

struct OpCost {
  Count macs;
  Count flops;
  OpCost& operator+=(const OpCost& o) {
    macs += o.macs;
    flops += o.flops;
    return *this;
  }
};

struct OpDef {
  OpKind kind;
  std::string_view name;
  std::string_view formula;  ///< one line: MACs and FLOPs in terms of the op's shapes
  OpCost (*analytic)(const Op&);
};

/// The cost definition of one op kind.
const OpDef& GetOpDef(OpKind kind);
/// Every registered definition, in OpKind order (the one explicit list lives in op_registry.cc).
std::span<const OpDef> AllOpDefs();

// Family tables, each defined in its own file and listed in op_registry.cc.
std::span<const OpDef> ContractionOps();
std::span<const OpDef> ElementwiseOps();
std::span<const OpDef> ReductionOps();
std::span<const OpDef> NormalizationOps();
std::span<const OpDef> AttentionOps();
std::span<const OpDef> DataMovementOps();
std::span<const OpDef> SpatialOps();
std::span<const OpDef> RecurrentOps();
std::span<const OpDef> StateSpaceOps();

/// MACs of numpy matmul a @ b (1-D operands promoted as numpy does; batch dims broadcast).
Count MatMulMacs(const Shape& a, const Shape& b);

}  // namespace calflops
