#include "readers/onnx/onnx_architecture.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "model/error.h"
#include "model/py_format.h"
#include "readers/onnx/graph_inference.h"
#include "readers/onnx/module_scopes.h"
#include "readers/onnx/onnx_leaf_class.h"
#include "readers/onnx/onnx_reader.h"
#include "readers/onnx/ops/rules.h"

namespace calflops::onnx {

namespace {

DType ToDType(int32_t t) {
  switch (t) {
    case kFloat16:
      return DType::kF16;
    case kBfloat16:
      return DType::kBF16;
    case kDouble:
      return DType::kF64;
    case kFloat8E4M3FN:
    case kFloat8E4M3FNUZ:
      return DType::kF8E4M3;
    case kFloat8E5M2:
    case kFloat8E5M2FNUZ:
      return DType::kF8E5M2;
    case kInt64:
      return DType::kI64;
    case kInt32:
      return DType::kI32;
    case kInt8:
      return DType::kI8;
    case kUint8:
      return DType::kU8;
    case kBool:
      return DType::kBool;
    default:
      return DType::kF32;
  }
}

/// Initializers that are parameters: floating tensors of rank >= 1, and 8- or 4-bit integer
/// tensors of rank >= 2 (quantized weights). Shape constants, indices and scalars are not.
bool IsWeight(const Tensor& t) {
  if (t.dims.empty()) return false;
  if (IsFloating(t.data_type)) return true;
  bool low_bit = t.data_type == kInt8 || t.data_type == kUint8 || t.data_type == kInt4 ||
                 t.data_type == kUint4;
  return low_bit && t.dims.size() >= 2;
}

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

/// "relu_1" -> "relu" (empty when the name has no _k suffix).
std::string SuffixBase(const std::string& s) {
  auto p = s.rfind('_');
  if (p == std::string::npos || p == 0 || p + 1 >= s.size()) return "";
  if (!AllDigits(s.substr(p + 1))) return "";
  return s.substr(0, p);
}

std::string Sanitize(std::string_view s) {
  std::string r;
  for (char c : s) r += (c == '.' || c == '/' || c == ':' || c == ' ') ? '_' : c;
  while (!r.empty() && r.front() == '_') r.erase(r.begin());
  return r;
}

/// The parameter's attribute name from the consumer's role, when the initializer's own name
/// does not carry the module path.
std::string RoleName(std::string_view op, size_t input) {
  if (op == "Conv" || op == "ConvTranspose" || op == "Gemm" || op == "PRelu") {
    return input == 1 ? "weight" : input == 2 ? "bias" : "";
  }
  if (op == "QLinearConv") return input == 3 ? "weight" : input == 8 ? "bias" : "";
  if (op == "MatMul" || op == "MatMulInteger" || op == "FusedMatMul") return "weight";
  if (op == "BatchNormalization" || op == "LayerNormalization" || op == "InstanceNormalization" ||
      op == "GroupNormalization" || op == "SimplifiedLayerNormalization" ||
      op == "RMSNormalization") {
    static const char* kNames[] = {"", "weight", "bias", "running_mean", "running_var"};
    return input < 5 ? kNames[input] : "";
  }
  if (op == "Gather") return input == 0 ? "weight" : "";
  if (op == "Add") return "bias";
  if (op == "Mul") return "weight";
  if (op == "LSTM" || op == "GRU" || op == "RNN") {
    static const char* kNames[] = {"", "weight_ih", "weight_hh", "bias"};
    return input < 4 ? kNames[input] : "";
  }
  return "";
}

}  // namespace

/// Builds the tree, the parameters and the op records of one model.
class OnnxBuilder final : public NodeVisitor {
 public:
  OnnxBuilder(const Model& m, const OnnxOptions& o, OnnxArchitecture& arch)
      : m_(m), o_(o), arch_(arch) {}

  void Build() {
    const Graph& g = m_.graph;
    // A main graph of more nodes than may ever be inferred is refused before the tree, the
    // parameters and the scopes are built for all of them (10^6 nodes took seconds first).
    if (static_cast<int64_t>(g.nodes.size()) > kMaxInferredNodes) {
      throw BadInput(m_.file, "the graph has " + std::to_string(g.nodes.size()) +
                                  " nodes, more than " + std::to_string(kMaxInferredNodes) +
                                  " node inferences (functions and subgraphs expanded; limit)");
    }
    BindDims();
    for (const Tensor& t : g.initializers) init_[t.name] = &t;
    order_ = GraphInference::TopologicalOrder(g, m_.file);
    BuildTree();
    AttachParams();
    InferOptions io;
    io.dims = arch_.bound_dims_;
    io.input_shapes = o_.input_shapes;
    GraphInference gi(m_, io, this);
    gi.Run();
    NameClasses();
    for (auto& [key, count] : uncosted_counts_) {
      arch_.uncosted_.push_back(UncostedOp{key.first, count, key.second});
    }
  }

  void Visit(const NodeVisit& v) override {
    if (v.function_call || v.multiplicity == 0) {
      if (!v.ctx.note().empty()) Uncosted(v.node, v.ctx.note());
      return;
    }
    if (!v.ctx.note().empty()) Uncosted(v.node, v.ctx.note());
    if (v.op) NoteLeafShapes(v);
    if (!v.op) {
      Uncosted(v.node, "no shape or cost rule");
      return;
    }
    if (!v.error.empty()) {
      Uncosted(v.node, "shape inference failed: " + v.error);
      return;
    }
    if (v.op->lower == nullptr) return;  // moves or selects data
    if (v.op->lower == rules::NotCosted) {
      Uncosted(v.node, "no cost formula");
      return;
    }
    const OpContext& c = v.ctx;
    if (c.num_outputs() == 0) return;  // computes nothing anyone reads
    bool folded = true;
    for (size_t i = 0; i < c.num_outputs(); ++i) {
      if (!c.has_out(i)) continue;
      if (!c.out(i).IsStatic() && c.out(i).kind == ValueKind::kTensor) return Unknown(v.node);
      folded = folded && c.out(i).has_values;
    }
    for (size_t i = 0; i < c.num_inputs(); ++i) {
      if (c.has(i) && c.in(i).kind == ValueKind::kTensor && !c.in(i).IsStatic())
        return Unknown(v.node);
    }
    if (folded) return;  // a constant computed once at load time
    ModuleId module = node_module_[v.top_node];
    Lowerer l(c, ToDType(c.has(0) ? c.in(0).elem : kFloat), arch_, module, v.multiplicity);
    size_t before = arch_.records_.size();
    try {
      v.op->lower(l);
    } catch (const Error& e) {
      arch_.records_.erase(arch_.records_.begin() + static_cast<ptrdiff_t>(before),
                           arch_.records_.end());
      Uncosted(v.node, std::string("cannot cost: ") + e.what());
    } catch (const InferError& e) {
      arch_.records_.erase(arch_.records_.begin() + static_cast<ptrdiff_t>(before),
                           arch_.records_.end());
      Uncosted(v.node, "cannot cost: " + e.message);
    }
  }

 private:
  class Lowerer final : public LowerContext {
   public:
    Lowerer(const OpContext& c, DType dtype, OnnxArchitecture& arch, ModuleId module, int64_t times)
        : LowerContext(c, dtype), arch_(arch), module_(module), times_(times) {}
    void Emit(const Op& op) override {
      // The node's inputs and outputs are static, but a rule may still derive a dimension it
      // could not determine (an input of a rank the operator does not take): such an op never
      // reaches the cost table, whose counts are unsigned. The node is listed as not costed.
      for (int i = 0; i <= op.n_in; ++i) {
        for (int64_t d : i < op.n_in ? op.in[static_cast<size_t>(i)] : op.out) {
          if (d < 0) throw InferError{"an operand dimension is unknown"};
        }
      }
      arch_.records_.push_back({module_, op, times_});
    }
    using LowerContext::Emit;

   private:
    OnnxArchitecture& arch_;
    ModuleId module_;
    int64_t times_;
  };

  void Uncosted(const Node& n, const std::string& reason) {
    std::string op = std::string(n.op_type);
    if (!CanonicalDomain(n.domain).empty()) op = std::string(n.domain) + ":" + op;
    ++uncosted_counts_[{op, reason}];
  }

  void Unknown(const Node& n) {
    std::string reason = "shape unknown";
    if (!unbound_.empty()) {
      std::string names;
      for (const std::string& u : unbound_) names += (names.empty() ? "" : ", ") + u;
      reason += " (unbound dims: " + names + "; use --dim NAME=N)";
    } else {
      reason += " (data-dependent)";
    }
    Uncosted(n, reason);
  }

  /// Explicit --dim values, then the batch / sequence defaults for the remaining input dims.
  void BindDims() {
    arch_.bound_dims_ = o_.dims;
    auto lower = [](std::string_view s) {
      std::string r(s);
      for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return r;
    };
    std::set<std::string> params;
    for (const ValueInfo& in : m_.graph.inputs) {
      if (o_.input_shapes.count(in.name)) continue;
      for (const Dim& d : in.dims)
        if (d.value < 0 && !d.param.empty()) params.insert(std::string(d.param));
    }
    for (const auto& [name, value] : o_.dims) {
      if (!params.count(name)) {
        bool anywhere = false;
        for (const ValueInfo& in : m_.graph.inputs)
          for (const Dim& d : in.dims) anywhere = anywhere || d.param == name;
        if (!anywhere) {
          std::string known;
          for (const std::string& p : params) known += (known.empty() ? "" : ", ") + p;
          throw Error(ExitCode::kUsage, "--dim",
                      "the model's inputs have no symbolic dimension '" + name +
                          "' (symbolic dims: " + (known.empty() ? "none" : known) + ")");
        }
      }
    }
    for (const std::string& p : params) {
      if (arch_.bound_dims_.count(p)) continue;
      std::string l = lower(p);
      bool past = l.find("past") != std::string::npos || l.find("total") != std::string::npos;
      if (l.find("batch") != std::string::npos) {
        arch_.bound_dims_[p] = o_.batch;
        arch_.takes_batch_ = true;
      } else if (!past && (l.find("seq") != std::string::npos)) {
        arch_.bound_dims_[p] = o_.seq_len;
        arch_.takes_seq_len_ = true;
      } else {
        unbound_.push_back(p);
      }
    }
  }

  ModuleId Child(ModuleId parent, const std::string& name, const std::string& cls) {
    std::string key = std::to_string(parent) + "/" + name;
    auto it = children_.find(key);
    if (it != children_.end()) {
      if (!cls.empty() && arch_.tree_[it->second].class_name.empty())
        arch_.tree_[it->second].class_name = cls;
      return it->second;
    }
    ModuleId id = arch_.tree_.Add(parent, name, cls);
    children_[key] = id;
    return id;
  }

  void BuildTree() {
    const Graph& g = m_.graph;
    // Module paths that own parameters, from initializer names ("layer1.0.conv1.weight").
    for (const Tensor& t : g.initializers) {
      std::string n(t.name);
      auto p = n.rfind('.');
      if (p != std::string::npos) param_paths_.insert(n.substr(0, p));
    }
    std::vector<NodeScope> scopes(g.nodes.size());
    bool any = false;
    for (size_t i : order_) {
      scopes[i] = ScopeOfNode(g.nodes[i]);
      any = any || !scopes[i].path.empty();
      if (!scopes[i].root_class.empty() && root_class_.empty()) root_class_ = scopes[i].root_class;
    }
    node_module_.assign(g.nodes.size(), arch_.tree_.root());
    std::unordered_set<std::string> used_flat;
    for (size_t i : order_) {
      const Node& n = g.nodes[i];
      if (!any) {
        node_module_[i] = FlatLeaf(n, i, used_flat);
        continue;
      }
      const NodeScope& s = scopes[i];
      ModuleId cur = arch_.tree_.root();
      std::string path;
      for (size_t k = 0; k < s.path.size(); ++k) {
        std::string name = s.path[k];
        if (!s.from_metadata) {
          // relu_1, relu_2: later calls of `relu` (unless a module is really named so).
          std::string base = SuffixBase(name);
          std::string full = path.empty() ? name : path + "." + name;
          if (!base.empty() && children_.count(std::to_string(cur) + "/" + base) &&
              !param_paths_.count(full)) {
            name = base;
          }
        }
        cur = Child(cur, name, s.classes[k]);
        path = path.empty() ? name : path + "." + name;
      }
      node_module_[i] = cur;
    }
  }

  /// Unnamed graphs: nodes holding weights become leaves named after the node.
  ModuleId FlatLeaf(const Node& n, size_t index, std::unordered_set<std::string>& used) {
    bool weighted = false;
    for (std::string_view in : n.inputs) {
      auto it = init_.find(in);
      weighted = weighted || (it != init_.end() && IsWeight(*it->second));
    }
    if (!weighted) return arch_.tree_.root();
    std::string name = Sanitize(n.name);
    if (name.empty()) name = std::string(n.op_type) + "_" + std::to_string(index);
    std::string unique = name;
    for (int k = 1; used.count(unique); ++k) unique = name + "_" + std::to_string(k);
    used.insert(unique);
    return arch_.tree_.Add(arch_.tree_.root(), unique, "");
  }

  /// Each weight goes to every module whose nodes read it (one storage: counted once), found
  /// through Identity aliases and inside subgraphs.
  void AttachParams() {
    const Graph& g = m_.graph;
    std::unordered_map<std::string_view, std::string_view> alias;  // Identity output -> initializer
    std::unordered_map<std::string_view, int32_t> storage;
    auto resolve = [&](std::string_view name) -> const Tensor* {
      auto a = alias.find(name);
      if (a != alias.end()) name = a->second;
      auto it = init_.find(name);
      return it == init_.end() ? nullptr : it->second;
    };
    auto attach = [&](const Tensor& t, ModuleId module, std::string_view op, size_t input) {
      if (!IsWeight(t)) return;
      auto key = std::make_pair(t.name, module);
      if (attached_.count(key)) return;
      attached_.insert(key);
      std::string mpath = arch_.tree_.Path(module);
      std::string name(t.name);
      if (!mpath.empty() && name.rfind(mpath + ".", 0) == 0) {
        name = name.substr(mpath.size() + 1);
      } else if (std::string role = RoleName(op, input); !role.empty()) {
        name = role;
      } else {
        name = Sanitize(name);
      }
      // A name unique within the module: looked up in a set, with the next suffix to try kept
      // per name (scanning the module's parameters for each one was quadratic: 200,000 weights
      // no node reads, all attached to the root, took 116 CPU seconds).
      std::string unique = name;
      auto& params = arch_.tree_[module].params;
      auto& used = param_names_[module];
      for (int& k = next_suffix_[{module, name}]; used.count(unique); ++k) {
        unique = name + "_" + std::to_string(k + 1);
      }
      used.insert(unique);
      Shape shape;
      for (int64_t d : t.dims) shape.push_back(d);
      auto it = storage.find(t.name);
      int32_t s = arch_.tree_.AddParam(module, unique, shape, ToDType(t.data_type),
                                       it == storage.end() ? -1 : it->second);
      storage[t.name] = s;
      if ((op == "BatchNormalization" && input >= 3)) params.back().trainable = false;
    };
    for (size_t i : order_) {
      const Node& n = g.nodes[i];
      if (n.op_type == "Identity" && n.inputs.size() == 1 && !n.outputs.empty() &&
          resolve(n.inputs[0])) {
        alias[n.outputs[0]] = resolve(n.inputs[0])->name;
        continue;
      }
      for (size_t k = 0; k < n.inputs.size(); ++k) {
        if (const Tensor* t = resolve(n.inputs[k])) attach(*t, node_module_[i], n.op_type, k);
      }
      for (const Attribute& a : n.attributes) {
        for (const auto& sub : a.graphs) AttachSubgraph(*sub, resolve, node_module_[i], attach);
      }
    }
    // Weights no node reads still are in the file: the root holds them.
    for (const Tensor& t : g.initializers) {
      if (!storage.count(t.name) && IsWeight(t)) attach(t, arch_.tree_.root(), "", 0);
    }
  }

  template <typename Resolve, typename Attach>
  void AttachSubgraph(const Graph& g, Resolve& resolve, ModuleId module, Attach& attach) {
    for (const Node& n : g.nodes) {
      for (size_t k = 0; k < n.inputs.size(); ++k)
        if (const Tensor* t = resolve(n.inputs[k])) attach(*t, module, n.op_type, k);
      for (const Attribute& a : n.attributes)
        for (const auto& sub : a.graphs) AttachSubgraph(*sub, resolve, module, attach);
    }
  }

  /// Remembers, per module, the first node that explains its class (Conv, Gemm, ...), with its
  /// inferred shapes, for class names and extra_repr.
  void NoteLeafShapes(const NodeVisit& v) {
    ModuleId m = node_module_[v.top_node];
    if (&v.node != &m_.graph.nodes[v.top_node])
      return;  // nodes inside subgraphs: not the leaf's own
    int contractions = leaf_.count(m) ? leaf_[m].contractions : 0;
    if (v.node.op_type == "MatMul" || v.node.op_type == "Gemm") ++contractions;
    if (!leaf_.count(m) || LeafRank(v.node.op_type) < LeafRank(leaf_[m].op)) {
      LeafInfo info;
      info.op = std::string(v.node.op_type);
      info.node = &v.node;
      if (v.ctx.has(0)) info.x = v.ctx.in(0).dims;
      if (v.ctx.has(1)) info.w = v.ctx.in(1).dims;
      info.w_initializer = v.ctx.has(1) && v.ctx.in(1).initializer;
      info.has_bias = v.ctx.has(2);
      leaf_[m] = info;
    }
    leaf_[m].contractions = contractions;
  }

  void NameClasses() {
    ModuleTree& t = arch_.tree_;
    std::string root = root_class_;
    std::string_view gname = m_.graph.name;
    if (root.empty() && !gname.empty() && gname != "torch_jit" && gname != "main_graph" &&
        gname != "torch-jit-export") {
      root = Sanitize(gname);
    }
    t[t.root()].class_name = root.empty() ? "Model" : root;
    for (ModuleId id = 1; id < static_cast<ModuleId>(t.size()); ++id) {
      Module& m = t[id];
      bool leaf = m.children.empty();
      if (m.class_name == "ModuleList") {
        m.is_module_list = true;
        continue;
      }
      if (leaf) {
        auto it = leaf_.find(id);
        auto [cls, repr] = it == leaf_.end() ? std::pair<std::string, std::string>{"Module", ""}
                                             : LeafClass(it->second, m.params);
        if (m.class_name.empty()) m.class_name = cls;
        if (cls == m.class_name) m.extra_repr = repr;
        continue;
      }
      if (m.class_name.empty()) {
        bool numeric = std::all_of(m.children.begin(), m.children.end(),
                                   [&](ModuleId c) { return AllDigits(t[c].name); });
        m.class_name = numeric ? "Sequential" : "Module";
      }
    }
  }

  const Model& m_;
  const OnnxOptions& o_;
  OnnxArchitecture& arch_;
  std::unordered_map<std::string_view, const Tensor*> init_;
  std::vector<size_t> order_;
  std::unordered_map<ModuleId, std::unordered_set<std::string>> param_names_;
  std::map<std::pair<ModuleId, std::string>, int> next_suffix_;
  std::vector<ModuleId> node_module_;
  std::unordered_map<std::string, ModuleId> children_;
  std::unordered_set<std::string> param_paths_;
  std::set<std::pair<std::string_view, ModuleId>> attached_;
  std::map<std::pair<std::string, std::string>, int64_t> uncosted_counts_;
  std::vector<std::string> unbound_;
  std::unordered_map<ModuleId, LeafInfo> leaf_;
  std::string root_class_;
};

std::unique_ptr<OnnxArchitecture> OnnxArchitecture::Build(const Model& model,
                                                          const OnnxOptions& options) {
  std::unique_ptr<OnnxArchitecture> arch(new OnnxArchitecture());
  OnnxBuilder b(model, options, *arch);
  try {
    b.Build();
  } catch (const Error& e) {
    // Every bad-input error about the graph names the file, also those raised below the reader
    // (the module tree refusing a parameter); usage errors name their flag instead.
    if (e.code() == ExitCode::kUsage || e.where().rfind(model.file, 0) == 0) throw;
    throw Error(e.code(), model.file, e.what());
  }
  return arch;
}

std::unique_ptr<OnnxArchitecture> OnnxArchitecture::Load(const std::string& path,
                                                         const OnnxOptions& options) {
  Model m = ReadOnnxFile(path);
  return Build(m, options);
}

std::vector<ForwardCall> OnnxArchitecture::Plan(const Workload& w) const {
  if (w.mode != Mode::kForward) {
    throw Error(ExitCode::kUsage, "--mode",
                "an ONNX graph is costed as one forward call; bind cache lengths with --dim "
                "instead of --mode generate");
  }
  return {ForwardCall{.kind = CallKind::kForward,
                      .batch = w.batch,
                      .new_tokens = w.seq_len,
                      .logits_tokens = w.seq_len}};
}

void OnnxArchitecture::Forward(Tracer& t, const ForwardCall&) const {
  for (const Record& r : records_) t.Record(r.module, r.op, r.times);
}

}  // namespace calflops::onnx
