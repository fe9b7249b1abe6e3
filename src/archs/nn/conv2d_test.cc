// nn.Conv2d prints as PyTorch prints it and computes PyTorch's output size; transformers' Conv1D
// prints its own __repr__.
#include "archs/nn/conv2d.h"

#include <gtest/gtest.h>

#include "archs/nn/hf_conv1d.h"
#include "model/error.h"

namespace calflops {
namespace {

struct Recorder : OpSink {
  std::vector<Op> ops;
  void Emit(ModuleId, const Op& op) override { ops.push_back(op); }
};

TEST(Conv2d, ReprAndShape) {
  ModuleTree tree;
  // torch: nn.Conv2d(3, 768, kernel_size=16, stride=16) prints
  // "Conv2d(3, 768, kernel_size=(16, 16), stride=(16, 16))".
  Conv2d c = Conv2d::Build(tree, tree.root(), "projection", 3, 768, {16, 16}, {16, 16}, {0, 0},
                           false, true, DType::kF32);
  EXPECT_EQ(tree[c.id].extra_repr, "3, 768, kernel_size=(16, 16), stride=(16, 16)");
  EXPECT_EQ(tree.SubtreeParams()[0], Count(768ull * 3 * 16 * 16 + 768));
  // padding="valid" is kept as the string; bias=False and integer padding are printed.
  Conv2d v = Conv2d::Build(tree, tree.root(), "v", 3, 1152, {14, 14}, {14, 14}, {0, 0}, true,
                           true, DType::kF32);
  EXPECT_EQ(tree[v.id].extra_repr, "3, 1152, kernel_size=(14, 14), stride=(14, 14), padding=valid");
  Conv2d r = Conv2d::Build(tree, tree.root(), "r", 3, 64, {7, 7}, {2, 2}, {3, 3}, false, false,
                           DType::kF32);
  EXPECT_EQ(tree[r.id].extra_repr,
            "3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=False");

  Recorder rec;
  Tracer t(rec, DType::kF32);
  // (224 - 16) / 16 + 1 = 14; resnet stem (224 + 6 - 7) / 2 + 1 = 112; 230 -> 14 (floor).
  EXPECT_EQ(c(t, Shape{2, 3, 224, 224}), (Shape{2, 768, 14, 14}));
  EXPECT_EQ(r(t, Shape{1, 3, 224, 224}), (Shape{1, 64, 112, 112}));
  EXPECT_EQ(c(t, Shape{1, 3, 230, 239}), (Shape{1, 768, 14, 14}));
  EXPECT_EQ(rec.ops[0].kind, OpKind::kConv);
  EXPECT_THROW(c(t, Shape{1, 3, 8, 224}), Error);  // smaller than the kernel
}

TEST(HfConv1D, ReprOverrideAndAddmm) {
  ModuleTree tree;
  HfConv1D c = HfConv1D::Build(tree, tree.root(), "c_attn", 2304, 768, DType::kF32);
  EXPECT_EQ(tree[c.id].class_name, "Conv1D");
  EXPECT_EQ(tree[c.id].extra_repr, "nf=2304, nx=768");
  EXPECT_TRUE(tree[c.id].custom_repr);
  EXPECT_EQ(tree[c.id].params[0].shape, (Shape{768, 2304}));  // stored transposed
  Recorder rec;
  Tracer t(rec, DType::kF32);
  EXPECT_EQ(c(t, Shape{1, 5, 768}), (Shape{1, 5, 2304}));
  EXPECT_EQ(rec.ops[0].kind, OpKind::kLinear);
  EXPECT_EQ(rec.ops[0].form, CallForm::kTorch);  // torch.addmm
  EXPECT_EQ(rec.ops[0].attr, 1);
}

}  // namespace
}  // namespace calflops
