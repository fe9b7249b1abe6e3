// The shape engine: walks a model's graph in topological order and runs each node's rule
// (op_context.h) to get its outputs' types, shapes and, for small tensors, contents, so that the
// shape arithmetic of dynamic-axis exports folds away once the symbolic input dims are bound.
// Subgraphs (If / Loop / Scan bodies) see outer values; model-local functions are inlined.
// A node whose rule fails or is missing leaves its outputs unknown and inference goes on
// (onnx's shape inference does the same); a graph that is malformed (cyclic, an input produced
// by nothing, a domain not imported) is bad input.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "readers/onnx/onnx_model.h"
#include "readers/onnx/op_context.h"
#include "readers/onnx/tensor_info.h"

namespace calflops::onnx {

/// Node inferences in one model: the main graph's nodes, plus every subgraph body once per
/// If / Loop / Scan node (a trip count multiplies costs, never work) and every function body
/// once per call. Functions that call each other twice per level would otherwise expand
/// exponentially (2^40 calls from a few hundred bytes). 2^18: ten times the largest exported
/// graphs we know of (unrolled decoders of some 20,000 nodes).
inline constexpr int64_t kMaxInferredNodes = int64_t{1} << 18;

struct InferOptions {
  /// Values of symbolic dimensions (dim_param), e.g. {"batch", 1}.
  std::map<std::string, int64_t, std::less<>> dims;
  /// Full shapes of graph inputs, replacing the declared ones.
  std::map<std::string, std::vector<int64_t>, std::less<>> input_shapes;
  /// Known contents of graph inputs (tests feed the values of shape-like inputs).
  std::map<std::string, TensorInfo, std::less<>> input_values;
  /// Fill dimensions inference leaves unknown from the file's value_info / graph outputs.
  bool use_value_info = true;
};

/// One executed node, after its outputs were inferred.
struct NodeVisit {
  const Node& node;
  const OnnxOp* op;      ///< nullptr: no rule for this (domain, op_type)
  OpContext& ctx;        ///< inputs, attributes, outputs
  int64_t multiplicity;  ///< executions per model call (0: inferred for shapes only)
  size_t top_node;       ///< index in the main graph of the node this one belongs to
  bool function_call;    ///< a call of a model-local function (its body nodes follow)
  std::string error;     ///< the rule failed: why (outputs unknown)
};

class NodeVisitor {
 public:
  virtual void Visit(const NodeVisit& v) = 0;

 protected:
  ~NodeVisitor() = default;
};

class GraphInference {
 public:
  GraphInference(const Model& model, const InferOptions& options, NodeVisitor* visitor = nullptr);
  ~GraphInference();

  /// Infers the main graph. Throws Error (kBadInput) for malformed graphs.
  void Run();

  /// A value of the main graph after Run(); nullptr when unknown.
  const TensorInfo* Find(std::string_view name) const;
  /// Main-graph node indices in the order they were inferred.
  const std::vector<size_t>& order() const { return order_; }

  /// Topological order of a graph's nodes; throws on a cycle. `where` names the graph in errors.
  static std::vector<size_t> TopologicalOrder(const Graph& g, const std::string& file);

 private:
  struct Scope;
  class Runner;
  friend class Runner;

  void RunGraph(const Graph& g, Scope& scope, int64_t multiplicity, size_t top, int depth,
                std::span<const Attribute> caller_attrs, const std::vector<OpsetImport>* opsets,
                bool main);
  void InferNode(const Graph* g, const Node& n, Scope& scope, int64_t multiplicity, size_t top,
                 int depth, std::span<const Attribute> caller_attrs,
                 const std::vector<OpsetImport>* opsets);
  void CallFunction(const Function& f, const Node& n, OpContext& ctx, int64_t multiplicity,
                    size_t top, int depth, std::span<const Attribute> caller_attrs);
  int64_t OpsetOf(std::string_view domain, const std::vector<OpsetImport>* opsets,
                  const Node& n) const;
  const Function* FindFunction(const Node& n) const;
  TensorInfo FromValueInfo(const ValueInfo& v) const;
  std::string NodeWhere(const Node& n) const;
  static bool Sane(TensorInfo& t);

  const Model& model_;
  InferOptions options_;  // a copy: callers pass temporaries
  NodeVisitor* visitor_;
  std::unique_ptr<Scope> main_;
  std::vector<size_t> order_;
  int64_t inferred_ = 0;                  ///< node inferences so far (kMaxInferredNodes)
  std::vector<const Function*> calling_;  ///< functions being called, outermost first
};

}  // namespace calflops::onnx
