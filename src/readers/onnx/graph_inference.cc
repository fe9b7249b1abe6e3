#include "readers/onnx/graph_inference.h"

#include <algorithm>
#include <memory>

#include "model/count.h"
#include "model/error.h"
#include "readers/onnx/ops/op_inputs.h"

namespace calflops::onnx {

/// Values visible in one graph; subgraphs chain to their parent (functions do not).
struct GraphInference::Scope {
  std::unordered_map<std::string_view, TensorInfo> values;
  const Scope* parent = nullptr;
  /// value_info of the graph being inferred, for filling unknown dims.
  std::unordered_map<std::string_view, const ValueInfo*> declared;

  const TensorInfo* Find(std::string_view name) const {
    for (const Scope* s = this; s; s = s->parent) {
      auto it = s->values.find(name);
      if (it != s->values.end()) return &it->second;
    }
    return nullptr;
  }
};

/// Lets rules run subgraphs in the current scope.
class GraphInference::Runner final : public SubgraphRunner {
 public:
  Runner(GraphInference& gi, Scope& scope, int64_t multiplicity, size_t top, int depth,
         std::span<const Attribute> caller_attrs, const std::vector<OpsetImport>* opsets)
      : gi_(gi),
        scope_(scope),
        multiplicity_(multiplicity),
        top_(top),
        depth_(depth),
        caller_attrs_(caller_attrs),
        opsets_(opsets) {}

  std::vector<TensorInfo> Run(const Graph& g, const std::vector<TensorInfo>& inputs,
                              int64_t times) override {
    // Structure beyond a limit is bad input, never a silently uncosted node.
    if (depth_ + 1 > kMaxGraphDepth) {
      throw BadInput(gi_.model_.file, "subgraphs and function calls nested more than " +
                                          std::to_string(kMaxGraphDepth) + " deep (limit)");
    }
    Scope child;
    child.parent = &scope_;
    for (size_t i = 0; i < g.inputs.size(); ++i) {
      child.values[g.inputs[i].name] =
          i < inputs.size() ? inputs[i] : gi_.FromValueInfo(g.inputs[i]);
    }
    int64_t m = 0;
    if (__builtin_mul_overflow(multiplicity_, times, &m)) {
      // Nested trip counts beyond 2^63 - 1 executions: a count overflow, never a saturation.
      throw Error(ExitCode::kOverflow, gi_.model_.file,
                  "count overflow: a subgraph runs " + std::to_string(multiplicity_) + " x " +
                      std::to_string(times) +
                      " times (nested trip counts multiply), more than 2^63 - 1 executions");
    }
    gi_.RunGraph(g, child, m, top_, depth_ + 1, caller_attrs_, opsets_, false);
    std::vector<TensorInfo> outs;
    for (const ValueInfo& o : g.outputs) {
      const TensorInfo* t = child.Find(o.name);
      outs.push_back(t ? *t : gi_.FromValueInfo(o));
    }
    return outs;
  }

 private:
  GraphInference& gi_;
  Scope& scope_;
  int64_t multiplicity_;
  size_t top_;
  int depth_;
  std::span<const Attribute> caller_attrs_;
  const std::vector<OpsetImport>* opsets_;
};

/// The invariants every stored value keeps, whatever a rule computed from arbitrary attributes
/// and contents: rank <= 64, dims in [-1, 2^53], known dims multiplying to <= 2^62, contents
/// (when kept) exactly numel elements. Inconsistent contents are dropped.
bool GraphInference::Sane(TensorInfo& t) {
  if (!t.has_values) {
    t.ints.clear();
    t.reals.clear();
  }
  if (!t.rank_known) {
    t.dims.clear();
    t.has_values = false;
    return true;
  }
  if (t.dims.size() > static_cast<size_t>(kMaxOnnxRank)) return false;
  int64_t product = 1;
  for (int64_t d : t.dims) {
    if (d < -1 || d > kMaxOnnxDim) return false;
    if (d >= 0 && (__builtin_mul_overflow(product, d, &product) || product > (int64_t{1} << 62)))
      return false;
  }
  if (t.has_values) {
    int64_t n = t.numel();
    size_t held = std::max(t.ints.size(), t.reals.size());
    if (n < 0 || static_cast<size_t>(n) != held || (!t.ints.empty() && !t.reals.empty())) {
      t.has_values = false;
      t.ints.clear();
      t.reals.clear();
    }
  }
  return true;
}

GraphInference::GraphInference(const Model& model, const InferOptions& options,
                               NodeVisitor* visitor)
    : model_(model), options_(options), visitor_(visitor) {}

GraphInference::~GraphInference() = default;

const TensorInfo* GraphInference::Find(std::string_view name) const {
  return main_ ? main_->Find(name) : nullptr;
}

std::string GraphInference::NodeWhere(const Node& n) const {
  std::string s = "node ";
  s += n.name.empty() ? "(unnamed)" : "'" + std::string(n.name) + "'";
  return s + " (" + std::string(n.op_type) + ")";
}

TensorInfo GraphInference::FromValueInfo(const ValueInfo& v) const {
  TensorInfo t;
  t.kind = v.kind == ValueKind::kUnknown ? ValueKind::kTensor : v.kind;
  if (t.kind == ValueKind::kSparseTensor) t.kind = ValueKind::kTensor;
  t.elem = v.elem_type;
  if (v.has_shape) {
    t.rank_known = true;
    for (const Dim& d : v.dims) {
      int64_t value = d.value;
      if (value < 0 && !d.param.empty()) {
        auto it = options_.dims.find(d.param);
        if (it != options_.dims.end()) value = it->second;
      }
      t.dims.push_back(value);
    }
  }
  return t;
}

std::vector<size_t> GraphInference::TopologicalOrder(const Graph& g, const std::string& file) {
  std::unordered_map<std::string_view, size_t> producer;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    for (std::string_view o : g.nodes[i].outputs) {
      if (o.empty()) continue;
      auto [it, fresh] = producer.emplace(o, i);
      if (!fresh) {
        throw BadInput(file, "value '" + std::string(o) + "' is produced by node " +
                                 std::to_string(it->second) + " and node " + std::to_string(i));
      }
    }
  }
  // Already sorted (the usual case): one pass.
  bool sorted = true;
  for (size_t i = 0; i < g.nodes.size() && sorted; ++i) {
    for (std::string_view in : g.nodes[i].inputs) {
      auto it = producer.find(in);
      if (it != producer.end() && it->second >= i) {
        sorted = false;
        break;
      }
    }
  }
  std::vector<size_t> order;
  order.reserve(g.nodes.size());
  if (sorted) {
    for (size_t i = 0; i < g.nodes.size(); ++i) order.push_back(i);
    return order;
  }
  // Kahn's algorithm, stable in file order.
  std::vector<std::vector<size_t>> users(g.nodes.size());
  std::vector<size_t> pending(g.nodes.size(), 0);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    for (std::string_view in : g.nodes[i].inputs) {
      auto it = producer.find(in);
      if (it == producer.end()) continue;
      users[it->second].push_back(i);
      ++pending[i];
    }
  }
  std::vector<size_t> ready;
  for (size_t i = g.nodes.size(); i-- > 0;)
    if (pending[i] == 0) ready.push_back(i);
  while (!ready.empty()) {
    size_t i = ready.back();
    ready.pop_back();
    order.push_back(i);
    for (size_t u : users[i])
      if (--pending[u] == 0) ready.push_back(u);
  }
  if (order.size() != g.nodes.size()) {
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (pending[i] == 0) continue;
      const Node& n = g.nodes[i];
      throw BadInput(file, "graph" +
                               (g.name.empty() ? std::string() : " '" + std::string(g.name) + "'") +
                               " is cyclic: node " + std::to_string(i) +
                               (n.name.empty() ? "" : " '" + std::string(n.name) + "'") + " (" +
                               std::string(n.op_type) + ") depends on its own output");
    }
  }
  return order;
}

void GraphInference::Run() {
  main_ = std::make_unique<Scope>();
  const Graph& g = model_.graph;
  for (const Tensor& t : g.initializers) main_->values[t.name] = TensorInfo::FromTensor(t);
  for (const ValueInfo& in : g.inputs) {
    auto shape = options_.input_shapes.find(in.name);
    auto value = options_.input_values.find(in.name);
    bool is_init = main_->values.count(in.name) > 0;
    if (is_init && shape == options_.input_shapes.end() && value == options_.input_values.end())
      continue;
    TensorInfo t = FromValueInfo(in);
    if (shape != options_.input_shapes.end()) {
      t.kind = ValueKind::kTensor;
      t.rank_known = true;
      t.dims = shape->second;
    }
    if (value != options_.input_values.end()) t = value->second;
    if (!Sane(t)) {
      throw BadInput(model_.file,
                     "input '" + std::string(in.name) + "' has an absurd shape " + t.ShapeString());
    }
    main_->values[in.name] = t;
  }
  for (const auto& [name, _] : options_.input_shapes) {
    bool found = false;
    for (const ValueInfo& in : g.inputs) found = found || in.name == name;
    if (!found) {
      std::string names;
      for (const ValueInfo& in : g.inputs) {
        if (main_->values.count(in.name) && main_->values[in.name].initializer) continue;
        names += (names.empty() ? "" : ", ") + std::string(in.name);
      }
      throw Error(ExitCode::kUsage, "--input-shape",
                  "the model has no input '" + name + "' (inputs: " + names + ")");
    }
  }
  RunGraph(g, *main_, 1, 0, 0, {}, nullptr, true);
}

void GraphInference::RunGraph(const Graph& g, Scope& scope, int64_t multiplicity, size_t top,
                              int depth, std::span<const Attribute> caller_attrs,
                              const std::vector<OpsetImport>* opsets, bool main) {
  if (!main) {
    for (const Tensor& t : g.initializers) scope.values[t.name] = TensorInfo::FromTensor(t);
  }
  if (options_.use_value_info) {
    for (const ValueInfo& v : g.value_info) scope.declared[v.name] = &v;
    for (const ValueInfo& v : g.outputs) scope.declared[v.name] = &v;
  }
  std::vector<size_t> order = TopologicalOrder(g, model_.file);
  if (main) order_ = order;
  for (size_t i : order)
    InferNode(&g, g.nodes[i], scope, multiplicity, main ? i : top, depth, caller_attrs, opsets);
}

const Function* GraphInference::FindFunction(const Node& n) const {
  for (const Function& f : model_.functions) {
    if (f.name == n.op_type && CanonicalDomain(f.domain) == CanonicalDomain(n.domain) &&
        f.overload == n.overload) {
      return &f;
    }
  }
  return nullptr;
}

int64_t GraphInference::OpsetOf(std::string_view domain, const std::vector<OpsetImport>* opsets,
                                const Node& n) const {
  domain = CanonicalDomain(domain);
  if (opsets) {
    for (const OpsetImport& o : *opsets)
      if (CanonicalDomain(o.domain) == domain) return o.version;
  }
  if (int64_t v = model_.Opset(domain); v > 0) return v;
  if (domain.empty() && model_.ir_version < 3) return 1;  // IR 1-2 files predate opset_import
  throw BadInput(model_.file, NodeWhere(n) + ": domain '" +
                                  std::string(domain.empty() ? "ai.onnx" : domain) +
                                  "' is not imported by the model (opset_import)");
}

void GraphInference::InferNode(const Graph* g, const Node& n, Scope& scope, int64_t multiplicity,
                               size_t top, int depth, std::span<const Attribute> caller_attrs,
                               const std::vector<OpsetImport>* opsets) {
  if (++inferred_ > kMaxInferredNodes) {
    throw BadInput(model_.file, NodeWhere(n) + ": more than " + std::to_string(kMaxInferredNodes) +
                                    " node inferences (functions and subgraphs expanded; limit)");
  }
  std::vector<const TensorInfo*> inputs;
  inputs.reserve(n.inputs.size());
  for (std::string_view in : n.inputs) {
    if (in.empty()) {
      inputs.push_back(nullptr);
      continue;
    }
    const TensorInfo* t = scope.Find(in);
    if (!t) {
      throw BadInput(model_.file,
                     NodeWhere(n) + ": input '" + std::string(in) +
                         "' is not a graph input, an initializer or an earlier node's output");
    }
    inputs.push_back(t);
  }
  const Function* fn = FindFunction(n);
  const OnnxOp* op = nullptr;
  int64_t opset = 0;
  if (fn) {
    opset = 1;
  } else {
    opset = OpsetOf(n.domain, opsets, n);
    op = FindOnnxOp(n.domain, n.op_type);
  }
  // Rules write output 0 unconditionally: a node declaring none still gets one slot (unused).
  std::vector<TensorInfo> outputs(std::max<size_t>(n.outputs.size(), 1));
  Runner runner(*this, scope, multiplicity, top, depth, caller_attrs, opsets);
  OpContext ctx(n, opset, inputs, outputs, caller_attrs, &runner);
  std::string error;
  if (fn) {
    try {
      CallFunction(*fn, n, ctx, multiplicity, top, depth, caller_attrs);
    } catch (const InferError& e) {
      error = e.message;
    }
  } else if (op) {
    // Required inputs are checked here, once for every operator, so that no rule (and no
    // lowering) ever sees an omitted input it cannot do without.
    if (std::string why = OmittedRequiredInput(*op, opset, n.inputs); !why.empty())
      throw BadInput(model_.file, NodeWhere(n) + ": " + why);
    try {
      op->infer(ctx);
    } catch (const InferError& e) {
      error = e.message;
      for (TensorInfo& o : outputs) o = TensorInfo{};
    }
  }
  // The file's own shape annotations fill what inference could not (never override it).
  if (!scope.declared.empty()) {
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (i >= n.outputs.size()) break;
      auto it = scope.declared.find(n.outputs[i]);
      if (it == scope.declared.end()) continue;
      TensorInfo decl = FromValueInfo(*it->second);
      TensorInfo& o = outputs[i];
      if (o.elem == kUndefined) o.elem = decl.elem;
      if (!decl.rank_known || decl.kind != ValueKind::kTensor) continue;
      if (!o.rank_known) {
        o.rank_known = true;
        o.dims = decl.dims;
      } else if (o.rank() == decl.rank()) {
        for (size_t k = 0; k < o.dims.size(); ++k)
          if (o.dims[k] < 0) o.dims[k] = decl.dims[k];
      }
    }
  }
  for (size_t i = 0; i < outputs.size() && error.empty(); ++i) {
    if (!Sane(outputs[i])) {
      error = "output " + std::to_string(i) + " has an absurd shape " + outputs[i].ShapeString();
      for (TensorInfo& o : outputs) o = TensorInfo{};
    }
  }
  if (visitor_) {
    visitor_->Visit(NodeVisit{n, op, ctx, multiplicity, top, fn != nullptr, error});
  }
  (void)g;
  for (size_t i = 0; i < n.outputs.size(); ++i) {
    if (n.outputs[i].empty()) continue;
    scope.values[n.outputs[i]] = std::move(outputs[i]);
  }
}

void GraphInference::CallFunction(const Function& f, const Node& n, OpContext& ctx,
                                  int64_t multiplicity, size_t top, int depth,
                                  std::span<const Attribute> caller_attrs) {
  // ONNX forbids recursion; a cycle would otherwise run to the depth limit.
  if (std::find(calling_.begin(), calling_.end(), &f) != calling_.end()) {
    throw BadInput(model_.file, NodeWhere(n) + ": function '" + std::string(f.name) +
                                    "' calls itself (directly or through other functions); ONNX "
                                    "functions may not recurse");
  }
  if (depth + 1 > kMaxGraphDepth) {
    throw BadInput(model_.file, NodeWhere(n) + ": subgraphs and function calls nested more than " +
                                    std::to_string(kMaxGraphDepth) + " deep (limit)");
  }
  // The callee sees the call's attributes (references resolved) and its declared defaults.
  std::vector<Attribute> attrs;
  for (const Attribute& a : n.attributes) {
    if (const Attribute* r = ctx.attr(a.name)) {
      Attribute copy = *r;
      copy.name = a.name;
      copy.ref_attr_name = {};
      attrs.push_back(std::move(copy));
    }
  }
  for (const Attribute& d : f.attribute_defaults) {
    bool set = false;
    for (const Attribute& a : attrs) set = set || a.name == d.name;
    if (!set) attrs.push_back(d);
  }
  (void)caller_attrs;
  Scope body;  // functions are isolated: no outer values
  for (size_t i = 0; i < f.inputs.size(); ++i) {
    if (ctx.has(i)) body.values[f.inputs[i]] = ctx.in(i);
  }
  Graph g;  // the body as a graph view (nodes only)
  g.name = f.name;
  g.nodes = f.nodes;
  const std::vector<OpsetImport>* opsets = f.opset_imports.empty() ? nullptr : &f.opset_imports;
  calling_.push_back(&f);
  struct Pop {
    std::vector<const Function*>& v;
    ~Pop() { v.pop_back(); }
  } pop{calling_};
  RunGraph(g, body, multiplicity, top, depth + 1, attrs, opsets, false);
  for (size_t i = 0; i < f.outputs.size() && i < ctx.num_outputs(); ++i) {
    if (const TensorInfo* t = body.Find(f.outputs[i])) ctx.out(i) = *t;
  }
}

}  // namespace calflops::onnx
