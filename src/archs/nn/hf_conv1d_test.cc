// transformers' Conv1D: its own __repr__, the transposed weight, and torch.addmm, which calflops
// prices with the bias tensor's size (not the output's).
#include "archs/nn/hf_conv1d.h"

#include <gtest/gtest.h>

#include "captured_ops.h"

#include "analysis/convention.h"

namespace calflops {
namespace {

TEST(HfConv1D, ReprOverrideAndAddmm) {
  ModuleTree tree;
  HfConv1D c = HfConv1D::Build(tree, tree.root(), "c_attn", 2304, 768, DType::kF32);
  EXPECT_EQ(tree[c.id].class_name, "Conv1D");
  EXPECT_EQ(tree[c.id].extra_repr, "nf=2304, nx=768");
  EXPECT_TRUE(tree[c.id].custom_repr);
  EXPECT_EQ(tree[c.id].params[0].shape, (Shape{768, 2304}));  // stored (nx, nf)
  EXPECT_EQ(tree.SubtreeParams()[0], Count(768ull * 2304 + 2304));
  CapturedOps sink;
  Tracer t(sink, DType::kF32);
  EXPECT_EQ(c(t, Shape{1, 5, 768}), (Shape{1, 5, 2304}));
  ASSERT_EQ(sink.ops.size(), 1u);
  Count macs(5ull * 768 * 2304);
  // analytic: 2 MACs + one add per output element (5 x 2304).
  EXPECT_EQ(CostOf(sink.ops[0], Convention::kAnalytic).flops, 2 * macs + Count(5 * 2304));
  // calflops' torch.addmm: 2 MACs + numel(bias) = 2304.
  EXPECT_EQ(CostOf(sink.ops[0], Convention::kCalflops).macs, macs);
  EXPECT_EQ(CostOf(sink.ops[0], Convention::kCalflops).flops, 2 * macs + Count(2304));
}

}  // namespace
}  // namespace calflops
