// nn.LayerNorm: PyTorch's extra_repr, parameters, and the op it emits (F.layer_norm).
#include "archs/nn/layer_norm.h"

#include <gtest/gtest.h>

#include "captured_ops.h"

#include "analysis/convention.h"

namespace calflops {
namespace {

TEST(LayerNorm, ReprParamsAndCost) {
  ModuleTree tree;
  LayerNorm n = LayerNorm::Build(tree, tree.root(), "ln", 1024, 1e-5, DType::kF16);
  EXPECT_EQ(tree[n.id].class_name, "LayerNorm");
  EXPECT_EQ(tree[n.id].extra_repr, "(1024,), eps=1e-05, elementwise_affine=True");
  EXPECT_EQ(tree.SubtreeParams()[0], Count(2048));
  CapturedOps sink;
  Tracer t(sink, DType::kF16);
  n(t, Shape{5, 577, 1024});
  ASSERT_EQ(sink.ops.size(), 1u);
  // calflops: 5 FLOPs per element with an affine weight (5 x 577 x 1024 = 2,954,240 elements).
  EXPECT_EQ(CostOf(sink.ops[0], Convention::kCalflops).flops, Count(5ull * 2'954'240));
  // analytic: per row 5n + 2, + n weight, + n bias = 7 x 1024 + 2, over 2,885 rows.
  EXPECT_EQ(CostOf(sink.ops[0], Convention::kAnalytic).flops, Count(2885ull * (7 * 1024 + 2)));
}

TEST(LayerNorm, WithoutAffine) {
  ModuleTree tree;
  LayerNorm n = LayerNorm::Build(tree, tree.root(), "ln", 8, 1e-6, DType::kF32, false);
  EXPECT_EQ(tree[n.id].extra_repr, "(8,), eps=1e-06, elementwise_affine=False");
  EXPECT_EQ(tree.SubtreeParams()[0], Count(0));
  CapturedOps sink;
  Tracer t(sink, DType::kF32);
  n(t, Shape{2, 8});
  EXPECT_EQ(CostOf(sink.ops[0], Convention::kCalflops).flops, Count(4 * 16));
  EXPECT_THROW(n(t, Shape{2, 9}), Error);
}

}  // namespace
}  // namespace calflops
