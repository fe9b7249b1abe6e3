// nn.Conv1d: PyTorch's extra_repr, parameters, output length with padding and stride, and MACs
// (Whisper's front end: conv1 keeps the 3000 mel frames, conv2 halves them).
#include "archs/nn/conv1d.h"

#include <gtest/gtest.h>

#include "captured_ops.h"

#include "analysis/convention.h"
#include "model/error.h"

namespace calflops {
namespace {

TEST(Conv1d, WhisperSmallFrontEnd) {
  ModuleTree tree;
  Conv1d c1 = Conv1d::Build(tree, tree.root(), "conv1", 80, 768, 3, 1, 1, true, DType::kF32);
  Conv1d c2 = Conv1d::Build(tree, tree.root(), "conv2", 768, 768, 3, 2, 1, true, DType::kF32);
  EXPECT_EQ(tree[c1.id].extra_repr, "80, 768, kernel_size=(3,), stride=(1,), padding=(1,)");
  EXPECT_EQ(tree[c2.id].extra_repr, "768, 768, kernel_size=(3,), stride=(2,), padding=(1,)");
  // 80 x 768 x 3 + 768 and 768 x 768 x 3 + 768.
  EXPECT_EQ(tree.SubtreeParams()[0], Count(185'088ull + 1'770'240ull));
  CapturedOps sink;
  Tracer t(sink, DType::kF32);
  Shape y = c1(t, Shape{1, 80, 3000});
  EXPECT_EQ(y, (Shape{1, 768, 3000}));
  EXPECT_EQ(c2(t, y), (Shape{1, 768, 1500}));  // (3000 + 2 - 3) / 2 + 1
  // conv1: 3000 x 768 outputs x (80 x 3) weights each; FLOPs add the bias per output.
  Count macs(3000ull * 768 * 240);
  EXPECT_EQ(CostOf(sink.ops[0], Convention::kAnalytic).macs, macs);
  EXPECT_EQ(CostOf(sink.ops[0], Convention::kAnalytic).flops, 2 * macs + Count(3000ull * 768));
}

TEST(Conv1d, ReprWithoutPaddingOrBias) {
  ModuleTree tree;
  Conv1d c = Conv1d::Build(tree, tree.root(), "c", 4, 6, 2, 1, 0, false, DType::kF32);
  EXPECT_EQ(tree[c.id].extra_repr, "4, 6, kernel_size=(2,), stride=(1,), bias=False");
  CapturedOps sink;
  Tracer t(sink, DType::kF32);
  EXPECT_THROW(c(t, Shape{1, 4, 1}), Error);  // shorter than the kernel
  EXPECT_THROW(c(t, Shape{1, 5, 8}), Error);  // wrong channels
}

TEST(Conv1d, Groups) {
  ModuleTree tree;
  Conv1d c = Conv1d::Build(tree, tree.root(), "conv", 8, 8, 3, 1, 1, true, DType::kF32, 2);
  EXPECT_EQ(tree[c.id].extra_repr, "8, 8, kernel_size=(3,), stride=(1,), padding=(1,), groups=2");
  EXPECT_EQ(tree.SubtreeParams()[0], Count(8ull * 4 * 3 + 8));  // weight (8, 8 / 2, 3) + bias
  CapturedOps sink;
  Tracer t(sink, DType::kF32);
  EXPECT_EQ(c(t, Shape{2, 8, 5}), (Shape{2, 8, 5}));
  // 2 x 5 positions x 8 outputs, each over 4 input channels x 3 taps.
  EXPECT_EQ(CostOf(sink.ops[0], Convention::kAnalytic).macs, Count(2ull * 5 * 8 * 12));
}

}  // namespace
}  // namespace calflops
