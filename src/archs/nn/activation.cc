#include "archs/nn/activation.h"

#include <array>

#include "model/error.h"

namespace calflops {
namespace activation {
namespace {

struct ActDef {
  const char* name;
  const char* cls;
};
// transformers 4.45 activations.py ACT2CLS (the names a config uses).
constexpr std::array<ActDef, 10> kActs = {{
    {"silu", "SiLU"},
    {"swish", "SiLU"},
    {"gelu", "GELUActivation"},
    {"gelu_new", "NewGELUActivation"},
    {"gelu_pytorch_tanh", "PytorchGELUTanh"},
    {"gelu_fast", "FastGELUActivation"},
    {"quick_gelu", "QuickGELUActivation"},
    {"relu", "ReLU"},
    {"tanh", "Tanh"},
    {"sigmoid", "Sigmoid"},
}};

}  // namespace
}  // namespace activation

Activation Activation::Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                             const std::string& act, const std::string& where) {
  for (const auto& a : activation::kActs) {
    if (act == a.name) return Activation{.id = tree.Add(parent, name, a.cls), .act = act};
  }
  std::string known;
  for (const auto& a : activation::kActs) known += std::string(known.empty() ? "" : ", ") + a.name;
  throw Unsupported(where, "unknown activation " + Quote(act) + " (known: " + known + ")");
}

Shape Activation::operator()(Tracer& t, const Shape& x) const {
  using enum CallForm;
  if (act == "silu" || act == "swish") return t.Unary(id, OpKind::kSilu, x, kFunctional);
  if (act == "relu") return t.Unary(id, OpKind::kRelu, x, kFunctional);
  if (act == "tanh") return t.Unary(id, OpKind::kTanh, x, kTorch);
  if (act == "sigmoid") return t.Unary(id, OpKind::kSigmoid, x, kTorch);
  // GELUActivation stores nn.functional.gelu at __init__: the call is not looked up at run time.
  if (act == "gelu") return t.Unary(id, OpKind::kGelu, x, kUnhooked);
  if (act == "gelu_pytorch_tanh") return t.Unary(id, OpKind::kGeluTanh, x, kFunctional);
  if (act == "quick_gelu") {
    // input * torch.sigmoid(1.702 * input)
    Shape y = t.Scalar(id, OpKind::kMul, x, kPyOperator);
    y = t.Unary(id, OpKind::kSigmoid, y, kTorch);
    return t.Binary(id, OpKind::kMul, x, y, kPyOperator);
  }
  // gelu_new / gelu_fast: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))), written with
  // Python operators and torch.tanh / torch.pow.
  Shape y = t.Unary(id, OpKind::kPow, x, kTorch);
  y = t.Scalar(id, OpKind::kMul, y, kPyOperator);
  y = t.Binary(id, OpKind::kAdd, x, y, kPyOperator);
  y = t.Scalar(id, OpKind::kMul, y, kPyOperator);
  y = t.Unary(id, OpKind::kTanh, y, kTorch);
  y = t.Scalar(id, OpKind::kAdd, y, kPyOperator);
  Shape h = t.Scalar(id, OpKind::kMul, x, kPyOperator);
  return t.Binary(id, OpKind::kMul, h, y, kPyOperator);
}

}  // namespace calflops
