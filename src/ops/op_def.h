// The op table: one OpDef per OpKind, holding everything the program knows about that kind of op,
// each formula with its doc string:
//   forward   MACs and FLOPs under the `analytic` convention (docs/cost-model.md is generated
//             from these strings);
//   traffic   the elements one execution reads and writes (bytes moved, roofline);
//   grad      the backward FLOPs and what autograd keeps for backward (training);
//   calflops  what calflops' patched functions would record (the `calflops` convention).
// A definition lives in its family file (ops/<family>.cc); ops/op_registry.cc lists the
// families once. docs/HOWTO-add-op.md walks through adding one.
//
// FLOPs and MACs: a multiply-accumulate (MAC) is one multiply plus one add, so a contraction costs
// FLOPs = 2 x MACs. Every other op counts FLOPs only (MACs 0): one FLOP per scalar arithmetic
// operation or elementary function evaluation (add, sub, mul, div, negate, compare, exp, sqrt,
// rsqrt, tanh, erf, sin, cos, pow, log).
//
// Bytes moved: one kernel per op with no cache reuse across ops (eager PyTorch): every input is
// read once, the output written once, and each weight read once per call whatever the number of
// rows. The analysis turns elements into bytes with the dtype of each kind of tensor.
//
// Backward (docs/memory-and-latency.md): a contraction's gradient for each operand that needs one
// is a contraction of the forward's size; elementwise derivatives are counted as PyTorch's
// derivatives.yaml computes them; nothing is computed for an operand that needs no gradient, and
// an op none of whose operands needs one is not recorded by autograd at all.
#pragma once

#include <array>
#include <span>
#include <string>
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

/// Elements one execution reads and writes, by kind of tensor.
struct OpTraffic {
  Count act_read{};     ///< activation elements read
  Count weight_read{};  ///< parameter elements read (once per call)
  Count kv_read{};      ///< KV-cache elements read (attention's K and V)
  Count index_read{};   ///< int64 index elements read (embedding ids), 8 bytes each
  Count act_write{};    ///< elements written
  Count index_write{};  ///< int64 index elements written (top-k indices), 8 bytes each
};

/// Which operands need a gradient.
struct GradNeeds {
  std::array<bool, 3> input{};  ///< activation inputs in[0..2] (weights are not inputs here)
  bool weight = false;          ///< the op's own trainable parameters (Linear, Conv, norms, ...)
  bool any() const { return weight || input[0] || input[1] || input[2]; }
};

/// What autograd keeps for backward.
struct SavedSet {
  uint8_t inputs = 0;   ///< bit i: in[i] is saved (at the activation dtype)
  bool output = false;  ///< the output is saved
  Count f32_extra{};    ///< extra float32 elements (norm statistics, attention log-sum-exp)
  Count index_extra{};  ///< extra int64 elements (embedding ids, top-k indices)
};

struct OpTrafficDef {
  std::string_view formula;  ///< one line: what is read and written
  OpTraffic (*count)(const Op&);
};

struct OpGradDef {
  std::string_view backward;  ///< one line: backward MACs and FLOPs
  OpCost (*backward_cost)(const Op&, const GradNeeds&);
  std::string_view saved;  ///< one line: what is kept for backward
  SavedSet (*saved_tensors)(const Op&, const GradNeeds&);
};

/// calflops' rule for the kind. It sees an op only through what it patches, so the rule looks at
/// op.form (ops/op_formulas.h has the usual shapes: functional only, torch / operator only).
struct CalflopsRule {
  std::string_view formula;  ///< one line: what calflops records, and for which call forms
  OpCost (*cost)(const Op&);
};

struct OpDef {
  OpKind kind;
  std::string_view name;
  std::string_view formula;  ///< one line: MACs and FLOPs in terms of the op's shapes
  OpCost (*analytic)(const Op&);
  OpTrafficDef traffic;
  OpGradDef grad;
  CalflopsRule calflops;
};

/// The definition of one op kind.
const OpDef& GetOpDef(OpKind kind);
/// Every registered definition, in OpKind order (the one explicit list lives in op_registry.cc).
std::span<const OpDef> AllOpDefs();
/// What is wrong with a table of definitions (a kind defined twice or not at all, a missing doc
/// string or function), or "" when it is complete; the registry refuses to start otherwise.
std::string CheckOpDefs(std::span<const OpDef> defs);

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
