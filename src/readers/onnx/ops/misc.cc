// Losses, training updates (ai.onnx.preview.training), random generators, detection and text
// operators: shapes only, or simple costs.
#include <algorithm>

#include "readers/onnx/ops/rules.h"

namespace calflops::onnx {
namespace {

using namespace rules;  // NOLINT

constexpr std::string_view kTraining = "ai.onnx.preview.training";

void LossInfer(OpContext& c) {
  // NegativeLogLikelihoodLoss(input, target) / SoftmaxCrossEntropyLoss(scores, labels).
  std::string_view reduction = c.String("reduction", "mean");
  if (reduction == "none") {
    SameShape(c, 1, 0, c.in(0).elem);
  } else {
    c.out(0) = TensorInfo::OfShape(c.in(0).elem, {});
  }
  if (c.num_outputs() > 1) SameShape(c, 0, 1);  // log_prob
}

void LowerSoftmaxCrossEntropy(LowerContext& l) {
  Shape x = l.InShape(0);
  if (x.rank() < 2) return;
  // log_softmax over the classes (axis 1), then a gather: the arithmetic is the log-softmax.
  Shape moved;
  for (int i = 0; i < x.rank(); ++i)
    if (i != 1) moved.push_back(x[i]);
  moved.push_back(x[1]);
  l.Emit(OpKind::kLogSoftmax, CallForm::kFunctional, {moved}, moved, x[1]);
}

/// Adagrad(R, T, X..., G..., H...) -> X_new..., H_new...; Adam(R, T, X, G, V, H) -> X, V, H;
/// Momentum(R, T, X, G, V) -> X, V: each output has the shape of its tensor.
void OptimizerInfer(OpContext& c) {
  size_t groups = c.node().op_type == "Adagrad" ? 3 : c.node().op_type == "Adam" ? 4 : 3;
  size_t n = (c.num_inputs() - 2) / groups;
  for (size_t i = 0; i < c.num_outputs(); ++i) {
    size_t which = i / std::max<size_t>(n, 1);  // 0: X, then the state tensors
    size_t src = 2 + (which == 0 ? 0 : which + 1) * n + i % std::max<size_t>(n, 1);
    if (src < c.num_inputs()) SameShape(c, src, i);
  }
}

void RandomInfer(OpContext& c) {
  std::vector<int64_t> shape = c.Ints("shape");
  c.out(0) = TensorInfo::OfShape(static_cast<int32_t>(c.Int("dtype", kFloat)), shape);
}

void RandomLikeInfer(OpContext& c) {
  auto elem = static_cast<int32_t>(c.Int("dtype", c.in(0).elem));
  SameShape(c, 0, 0, elem);
}

void MultinomialInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  int64_t batch = x.rank_known && x.rank() >= 1 ? x.dims[0] : -1;
  c.out(0) = TensorInfo::OfShape(static_cast<int32_t>(c.Int("dtype", kInt32)),
                                 {batch, c.Int("sample_size", 1)});
}

void NmsInfer(OpContext& c) { c.out(0) = TensorInfo::OfShape(kInt64, {-1, 3}); }

void StringNormalizerInfer(OpContext& c) {
  // Without stopwords the element count is unchanged; stopwords make it data-dependent.
  const TensorInfo& x = c.in(0);
  if (c.Ints("stopwords").empty() && c.attr("stopwords") == nullptr) {
    SameShape(c);
  } else {
    c.out(0) =
        TensorInfo::OfShape(kString, x.rank_known && x.rank() == 2 ? std::vector<int64_t>{1, -1}
                                                                   : std::vector<int64_t>{-1});
  }
}

void TfIdfInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  std::vector<int64_t> idx = c.Ints("ngram_indexes");
  int64_t width = idx.empty() ? 0 : *std::max_element(idx.begin(), idx.end()) + 1;
  if (!x.rank_known) {
    c.out(0) = TensorInfo{};
    c.out(0).elem = kFloat;
    return;
  }
  c.out(0) = TensorInfo::OfShape(
      kFloat, x.rank() == 1 ? std::vector<int64_t>{width} : std::vector<int64_t>{x.dims[0], width});
}

void BernoulliInfer(OpContext& c) {
  SameShape(c, 0, 0, static_cast<int32_t>(c.Int("dtype", c.in(0).elem)));
}

constexpr OnnxOp kOps[] = {
    {"", "NegativeLogLikelihoodLoss", LossInfer, NotCosted, "input target weight?"},
    {"", "SoftmaxCrossEntropyLoss", LossInfer, LowerSoftmaxCrossEntropy, "scores labels weights?"},
    {kTraining, "Adagrad", OptimizerInfer, NotCosted, "R T inputs..."},
    {kTraining, "Adam", OptimizerInfer, NotCosted, "R T inputs..."},
    {kTraining, "Momentum", OptimizerInfer, NotCosted, "R T inputs..."},
    {"", "RandomUniform", RandomInfer, nullptr, ""},
    {"", "RandomNormal", RandomInfer, nullptr, ""},
    {"", "RandomUniformLike", RandomLikeInfer, nullptr, "input"},
    {"", "RandomNormalLike", RandomLikeInfer, nullptr, "input"},
    {"", "Bernoulli", BernoulliInfer, nullptr, "input"},
    {"", "Multinomial", MultinomialInfer, NotCosted, "input"},
    {"", "NonMaxSuppression", NmsInfer, NotCosted,
     "boxes scores max_output_boxes_per_class? iou_threshold? score_threshold?"},
    {"", "StringNormalizer", StringNormalizerInfer, nullptr, "X"},
    {"", "TfIdfVectorizer", TfIdfInfer, NotCosted, "X"},
};

}  // namespace

std::span<const OnnxOp> MiscOnnxOps() { return kOps; }

}  // namespace calflops::onnx
