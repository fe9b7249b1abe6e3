// One-node ONNX graphs for the op proofs: what the ONNX reader lowers a node to, priced by the
// cost table, so that a proof covers the lowering (shapes, attributes, directions, layouts) as
// well as the formula.
#pragma once

#include <string>
#include <vector>

#include "analysis/convention.h"
#include "ops/op_def.h"
#include "onnx/proto_builder.h"

namespace op_proofs {

using calflops::onnx::testing::Proto;

/// Graph fields: a float graph input with static dims.
Proto OnnxInput(const std::string& name, const std::vector<int64_t>& dims);
/// A float initializer declaring only its dims (the reader needs no data to price a node).
Proto OnnxWeight(const std::string& name, const std::vector<int64_t>& dims);
/// An int64 initializer with values.
Proto OnnxInts(const std::string& name, const std::vector<int64_t>& values);
Proto IntAttr(const std::string& name, int64_t v);
Proto IntsAttr(const std::string& name, const std::vector<int64_t>& v);
Proto StrAttr(const std::string& name, const std::string& v);
Proto Node(const std::string& op, const std::vector<std::string>& in,
           const std::vector<std::string>& out, const std::vector<Proto>& attrs = {},
           const std::string& domain = "");

/// Totals of the graph (inputs and initializers, then nodes) under `convention`; fails the test
/// when anything is left uncosted.
calflops::OpCost OnnxCost(const std::vector<Proto>& values, const std::vector<Proto>& nodes,
                          calflops::Convention convention = calflops::Convention::kAnalytic,
                          int64_t opset = 17);

}  // namespace op_proofs
