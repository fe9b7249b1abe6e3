// The interface between the graph engine and the per-op rules. Each ONNX operator is one OnnxOp
// entry (ops/<family>.cc, listed in ops/op_table.cc): its shape-and-value inference and its
// lowering to the shared Op records that the cost table (src/ops/) prices.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/op.h"
#include "readers/onnx/onnx_model.h"
#include "readers/onnx/tensor_info.h"

namespace calflops::onnx {

/// What a rule can ask of the engine beyond its node (subgraphs of If / Loop / Scan).
class SubgraphRunner {
 public:
  /// Infers `g` with its formal inputs bound to `inputs` (outer values stay visible) and returns
  /// its outputs. `multiplicity` is how many times the body runs per call of the node (costs are
  /// multiplied by it); 0 infers shapes without costing the body.
  virtual std::vector<TensorInfo> Run(const Graph& g, const std::vector<TensorInfo>& inputs,
                                      int64_t multiplicity) = 0;

 protected:
  ~SubgraphRunner() = default;
};

/// A rule's view of one node: its inputs, attributes and outputs.
class OpContext {
 public:
  OpContext(const Node& node, int64_t opset, std::span<const TensorInfo* const> inputs,
            std::vector<TensorInfo>& outputs, std::span<const Attribute> caller_attrs,
            SubgraphRunner* runner)
      : node_(node),
        opset_(opset),
        inputs_(inputs),
        outputs_(outputs),
        caller_attrs_(caller_attrs),
        runner_(runner) {}

  const Node& node() const { return node_; }
  /// Opset version of the node's domain.
  int64_t opset() const { return opset_; }

  size_t num_inputs() const { return inputs_.size(); }
  /// Input i was given (present and not the empty name).
  bool has(size_t i) const { return i < inputs_.size() && inputs_[i] != nullptr; }
  /// Input i, or an unknown value when absent.
  const TensorInfo& in(size_t i) const;
  size_t num_outputs() const { return std::min(outputs_.size(), node_.outputs.size()); }
  bool has_out(size_t i) const { return i < outputs_.size() && !node_.outputs[i].empty(); }
  TensorInfo& out(size_t i) { return outputs_[i]; }
  /// Output i reset to an unknown value of element type `elem`: where a shape rule starts.
  TensorInfo& ResetOut(size_t i, int32_t elem) {
    outputs_[i] = TensorInfo{};
    outputs_[i].elem = elem;
    return outputs_[i];
  }
  const TensorInfo& out(size_t i) const { return outputs_[i]; }

  /// Attribute lookup; function-body references (ref_attr_name) resolve to the caller's.
  const Attribute* attr(std::string_view name) const;
  int64_t Int(std::string_view name, int64_t fallback) const;
  float Float(std::string_view name, float fallback) const;
  std::string_view String(std::string_view name, std::string_view fallback) const;
  /// INTS attribute (empty when absent).
  std::vector<int64_t> Ints(std::string_view name) const;
  std::vector<float> Floats(std::string_view name) const;
  const Graph* Subgraph(std::string_view name) const;

  SubgraphRunner* runner() const { return runner_; }
  /// Records why part of the node's work is not costed (an If with an unknown condition, a Loop
  /// with an unknown trip count); the report lists the node with the reason.
  void Note(std::string reason) { note_ = std::move(reason); }
  const std::string& note() const { return note_; }

  /// Reports that the node is inconsistent (incompatible shapes, bad attribute); inference of
  /// the node stops and its outputs stay unknown.
  [[noreturn]] void Fail(const std::string& message) const;

 private:
  const Node& node_;
  int64_t opset_;
  std::span<const TensorInfo* const> inputs_;
  std::vector<TensorInfo>& outputs_;
  std::span<const Attribute> caller_attrs_;
  SubgraphRunner* runner_;
  std::string note_;
};

/// Thrown by OpContext::Fail; caught per node by the engine.
struct InferError {
  std::string message;
};

/// Receives the Op records a node lowers to.
class LowerContext {
 public:
  LowerContext(const OpContext& ctx, DType dtype) : ctx_(ctx), dtype_(dtype) {}
  virtual ~LowerContext() = default;

  const OpContext& ctx() const { return ctx_; }
  DType dtype() const { return dtype_; }
  /// Shape of a static input / output (the engine lowers a node only when these are static).
  Shape InShape(size_t i) const;
  Shape OutShape(size_t i) const;

  /// Emits one op record.
  virtual void Emit(const Op& op) = 0;

  /// Helpers: one op with up to three input shapes and an output shape.
  void Emit(OpKind kind, CallForm form, std::initializer_list<Shape> in, const Shape& out,
            int64_t attr = 0, int64_t attr2 = 0);

 private:
  const OpContext& ctx_;
  DType dtype_;
};

struct OnnxOp {
  std::string_view domain;  ///< "" = ai.onnx
  std::string_view op_type;
  /// Output types, shapes and (for small tensors) values from the inputs and attributes.
  void (*infer)(OpContext&);
  /// The arithmetic, as shared Op records; nullptr: moves or selects data, no arithmetic.
  void (*lower)(LowerContext&);
  /// The operator's inputs as its specification lists them (onnx docs/Changelog.md; for
  /// com.microsoft, onnxruntime's docs/ContribOperators.md), one name per position: `name` is
  /// required, `name?` optional (absent or ""), a last `name...` variadic (at least one, none
  /// empty; `name?...`: any number). Later opsets follow `|` as `<since>: names`. The engine
  /// refuses a node that omits a required input before any rule runs (op_inputs.h), so rules
  /// need `has(i)` only for the optional ones.
  std::string_view inputs;
};

/// The rule for (domain, op_type), or nullptr.
const OnnxOp* FindOnnxOp(std::string_view domain, std::string_view op_type);
/// Every rule, in table order.
std::span<const OnnxOp> AllOnnxOps();
/// The first "domain:op_type" that `ops` lists twice (default-domain aliases folded), or "".
std::string DuplicateOnnxOp(std::span<const OnnxOp> ops);

// Family tables (ops/<family>.cc), listed once in ops/op_table.cc.
std::span<const OnnxOp> ElementwiseOnnxOps();
std::span<const OnnxOp> ShapeOnnxOps();
std::span<const OnnxOp> LayoutOnnxOps();
std::span<const OnnxOp> IndexingOnnxOps();
std::span<const OnnxOp> NnOnnxOps();
std::span<const OnnxOp> MathOnnxOps();
std::span<const OnnxOp> ReductionOnnxOps();
std::span<const OnnxOp> RnnOnnxOps();
std::span<const OnnxOp> ControlFlowOnnxOps();
std::span<const OnnxOp> SequenceOnnxOps();
std::span<const OnnxOp> MiscOnnxOps();
std::span<const OnnxOp> ContribOnnxOps();

}  // namespace calflops::onnx
