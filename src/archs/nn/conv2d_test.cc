// nn.Conv2d: PyTorch's extra_repr (padding / groups / bias shown only when not the default),
// parameters, output shape and MACs.
#include "archs/nn/conv2d.h"

#include <gtest/gtest.h>

#include "captured_ops.h"

#include "analysis/convention.h"

namespace calflops {
namespace {

TEST(Conv2d, ClipPatchEmbedding) {
  ModuleTree tree;
  Conv2d c = Conv2d::Build(tree, tree.root(), "patch_embedding", 3, 1024, 14, 14, 0, 1, false,
                           DType::kF16);
  EXPECT_EQ(tree[c.id].extra_repr, "3, 1024, kernel_size=(14, 14), stride=(14, 14), bias=False");
  EXPECT_EQ(tree.SubtreeParams()[0], Count(1024ull * 3 * 14 * 14));
  CapturedOps sink;
  Tracer t(sink, DType::kF16);
  EXPECT_EQ(c(t, Shape{5, 3, 336, 336}), (Shape{5, 1024, 24, 24}));
  // 5 images x 24 x 24 outputs x 1024 channels x (3 x 14 x 14) weights each.
  Count macs(5ull * 576 * 1024 * 588);
  EXPECT_EQ(CostOf(sink.ops[0], Convention::kCalflops).macs, macs);
  EXPECT_EQ(CostOf(sink.ops[0], Convention::kCalflops).flops, 2 * macs);
  EXPECT_EQ(CostOf(sink.ops[0], Convention::kAnalytic).flops, 2 * macs);
}

TEST(Conv2d, PaddingGroupsAndBias) {
  ModuleTree tree;
  Conv2d c = Conv2d::Build(tree, tree.root(), "conv", 4, 8, 3, 1, 1, 2, true, DType::kF32);
  EXPECT_EQ(tree[c.id].extra_repr,
            "4, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=2");
  EXPECT_EQ(tree.SubtreeParams()[0], Count(8 * 2 * 9 + 8));
  CapturedOps sink;
  Tracer t(sink, DType::kF32);
  EXPECT_EQ(c(t, Shape{1, 4, 5, 5}), (Shape{1, 8, 5, 5}));
  EXPECT_THROW(c(t, Shape{1, 3, 5, 5}), Error);
  Conv2d big = Conv2d::Build(tree, tree.root(), "big", 3, 4, 7, 7, 0, 1, false, DType::kF32);
  EXPECT_THROW(big(t, Shape{1, 3, 5, 5}), Error);  // smaller than the kernel
}

TEST(Conv2d, ViTAndSiglipPatchEmbeddings) {
  ModuleTree tree;
  // torch: nn.Conv2d(3, 768, kernel_size=16, stride=16) prints
  // "Conv2d(3, 768, kernel_size=(16, 16), stride=(16, 16))".
  Conv2d v =
      Conv2d::Build(tree, tree.root(), "projection", 3, 768, 16, 16, 0, 1, true, DType::kF32);
  EXPECT_EQ(tree[v.id].extra_repr, "3, 768, kernel_size=(16, 16), stride=(16, 16)");
  // padding="valid" (SigLIP) is kept as the string.
  Conv2d s = Conv2d::Build(tree, tree.root(), "patch_embedding", 3, 1152, 14, 14, 0, 1, true,
                           DType::kF32, /*padding_valid=*/true);
  EXPECT_EQ(tree[s.id].extra_repr, "3, 1152, kernel_size=(14, 14), stride=(14, 14), padding=valid");
  // Floor division: 384 / 14 -> 27 patches, 230 / 16 -> 14.
  EXPECT_EQ(s.OutSize(384), 27);
  EXPECT_EQ(v.OutSize(230), 14);
  EXPECT_THROW(v.OutSize(15), Error);
}

}  // namespace
}  // namespace calflops
