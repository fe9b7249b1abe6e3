#include "readers/onnx/onnx_leaf_class.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "model/py_format.h"

namespace calflops::onnx {
namespace onnx_leaf_class {
namespace {

std::string IntsRepr(const std::vector<int64_t>& v) { return PyTupleRepr(v); }

/// A float32 attribute as Python prints the float the model was built with: the shortest decimal
/// that rounds to the same float32 (1e-05, not 9.999999747378752e-06).
std::string Float32Repr(float f) {
  char buf[32];
  for (int p = 1; p <= 9; ++p) {
    std::snprintf(buf, sizeof buf, "%.*g", p, static_cast<double>(f));
    if (std::strtof(buf, nullptr) == f) break;
  }
  return PyFloatRepr(std::strtod(buf, nullptr));
}

std::string Ints(const Node& n, const char* name, size_t spatial, int64_t fallback) {
  const Attribute* a = n.Attr(name);
  std::vector<int64_t> v = a ? a->ints : std::vector<int64_t>(spatial, fallback);
  v.resize(spatial, fallback);
  return IntsRepr(v);
}

}  // namespace
}  // namespace onnx_leaf_class

int LeafRank(std::string_view op) {
  static const char* kOrder[] = {"Conv",
                                 "ConvTranspose",
                                 "Gemm",
                                 "MatMul",
                                 "LSTM",
                                 "GRU",
                                 "RNN",
                                 "BatchNormalization",
                                 "LayerNormalization",
                                 "GroupNormalization",
                                 "InstanceNormalization",
                                 "Gather",
                                 "MaxPool",
                                 "AveragePool",
                                 "GlobalAveragePool",
                                 "GlobalMaxPool",
                                 "Softmax",
                                 "LogSoftmax",
                                 "Relu",
                                 "Gelu",
                                 "Erf",
                                 "Sigmoid",
                                 "Tanh",
                                 "HardSwish",
                                 "HardSigmoid",
                                 "LeakyRelu",
                                 "Clip",
                                 "Resize",
                                 "Upsample",
                                 "Flatten",
                                 "Dropout",
                                 "Identity"};
  for (size_t i = 0; i < std::size(kOrder); ++i)
    if (op == kOrder[i]) return static_cast<int>(i);
  return 1000;
}

std::pair<std::string, std::string> LeafClass(const LeafInfo& l, const std::vector<Param>& params) {
  const Node& n = *l.node;
  std::string op = l.op;
  size_t spatial = l.x.size() >= 2 ? l.x.size() - 2 : 0;
  std::string nd = std::to_string(spatial) + "d";
  if ((op == "Conv" || op == "ConvTranspose") && l.w.size() >= 3) {
    const Attribute* ga = n.Attr("group");
    int64_t group = ga ? ga->i : 1;
    int64_t in = op == "Conv" ? l.w[1] * group : l.w[0];
    int64_t out = op == "Conv" ? l.w[0] : l.w[1] * group;
    std::vector<int64_t> k(l.w.begin() + 2, l.w.end());
    std::string r = std::to_string(in) + ", " + std::to_string(out) +
                    ", kernel_size=" + onnx_leaf_class::IntsRepr(k) +
                    ", stride=" + onnx_leaf_class::Ints(n, "strides", k.size(), 1);
    const Attribute* pads = n.Attr("pads");
    if (pads &&
        std::any_of(pads->ints.begin(), pads->ints.end(), [](int64_t p) { return p != 0; })) {
      r +=
          ", padding=" + onnx_leaf_class::IntsRepr(std::vector<int64_t>(
                             pads->ints.begin(), pads->ints.begin() + static_cast<long>(k.size())));
    }
    const Attribute* dil = n.Attr("dilations");
    if (dil && std::any_of(dil->ints.begin(), dil->ints.end(), [](int64_t d) { return d != 1; })) {
      r += ", dilation=" + onnx_leaf_class::IntsRepr(dil->ints);
    }
    if (group != 1) r += ", groups=" + std::to_string(group);
    if (!l.has_bias) r += ", bias=False";
    return {(op == "Conv" ? "Conv" : "ConvTranspose") + std::to_string(k.size()) + "d", r};
  }
  if (op == "Gemm" && l.w.size() == 2 && l.contractions == 1) {
    const Attribute* tb = n.Attr("transB");
    bool t = tb && tb->i != 0;
    int64_t in = t ? l.w[1] : l.w[0], out = t ? l.w[0] : l.w[1];
    return {"Linear", "in_features=" + std::to_string(in) +
                          ", out_features=" + std::to_string(out) + ", bias=" + PyBool(l.has_bias)};
  }
  if (op == "MatMul" && l.w_initializer && l.w.size() == 2 && l.contractions == 1) {
    bool bias = false;  // MatMul + Add of a 1-D weight in the same module
    for (const Param& p : params) bias = bias || (p.shape.rank() == 1 && p.shape[0] == l.w[1]);
    return {"Linear", "in_features=" + std::to_string(l.w[0]) +
                          ", out_features=" + std::to_string(l.w[1]) + ", bias=" + PyBool(bias)};
  }
  if (op == "LayerNormalization" && !l.w.empty()) {
    const Attribute* eps = n.Attr("epsilon");
    return {"LayerNorm", onnx_leaf_class::IntsRepr(l.w) +
                             ", eps=" + onnx_leaf_class::Float32Repr(eps ? eps->f : 1e-5f) +
                             ", elementwise_affine=True"};
  }
  if (op == "BatchNormalization" && l.x.size() >= 2) {
    const Attribute* eps = n.Attr("epsilon");
    return {"BatchNorm" + std::to_string(std::max<size_t>(1, spatial)) + "d",
            std::to_string(l.x[1]) + ", eps=" + onnx_leaf_class::Float32Repr(eps ? eps->f : 1e-5f) +
                ", momentum=0.1, affine=True, track_running_stats=True"};
  }
  if (op == "Gather" && l.x.size() == 2) {
    return {"Embedding", std::to_string(l.x[0]) + ", " + std::to_string(l.x[1])};
  }
  if (op == "LSTM" || op == "GRU" || op == "RNN") return {op, ""};
  if (op == "GroupNormalization") return {"GroupNorm", ""};
  if (op == "InstanceNormalization") return {"InstanceNorm" + nd, ""};
  if (op == "MaxPool") return {"MaxPool" + nd, ""};
  if (op == "AveragePool") return {"AvgPool" + nd, ""};
  if (op == "GlobalAveragePool") return {"AdaptiveAvgPool" + nd, ""};
  if (op == "GlobalMaxPool") return {"AdaptiveMaxPool" + nd, ""};
  if (op == "Softmax") return {"Softmax", ""};
  if (op == "Relu") return {"ReLU", ""};
  if (op == "Gelu" || op == "Erf") return {"GELU", ""};
  if (op == "Sigmoid") return {"Sigmoid", ""};
  if (op == "Tanh") return {"Tanh", ""};
  if (op == "HardSwish") return {"Hardswish", ""};
  if (op == "HardSigmoid") return {"Hardsigmoid", ""};
  if (op == "LeakyRelu") return {"LeakyReLU", ""};
  if (op == "Clip") return {"ReLU6", ""};
  if (op == "Resize" || op == "Upsample") return {"Upsample", ""};
  if (op == "Flatten") return {"Flatten", ""};
  if (op == "Dropout") return {"Dropout", ""};
  return {"Module", ""};
}

}  // namespace calflops::onnx
