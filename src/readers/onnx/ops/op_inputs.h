// Required inputs, the one check before any shape rule runs: a node that omits an input its
// operator requires (an empty name, or fewer inputs than the operator's minimum) is bad input
// naming the node, as onnx's checker and onnxruntime refuse it, never a rule indexing a shape
// that is not there. The data is OnnxOp::inputs (op_context.h), one string per operator.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "readers/onnx/op_context.h"

namespace calflops::onnx {

/// One formal input of an operator's signature.
struct FormalInput {
  std::string_view name;
  bool optional = false;
  bool variadic = false;  ///< the last one only: repeats
};

/// The signature `inputs` (OnnxOp::inputs syntax) gives at `opset`: the piece with the largest
/// `since` <= opset (the first piece has since 0). Throws std::logic_error on malformed data.
std::vector<FormalInput> InputsAt(std::string_view inputs, int64_t opset);

/// Why a node with inputs `given` ("" = omitted) lacks a required input of `op` at `opset`;
/// "" when it has all of them.
std::string OmittedRequiredInput(const OnnxOp& op, int64_t opset,
                                 std::span<const std::string_view> given);

}  // namespace calflops::onnx
