#include "ops/autograd.h"

#include <gtest/gtest.h>

namespace calflops {
namespace {

TEST(autograd_test, every_kind_has_one_definition_with_doc_strings) {
  auto defs = AllOpDefs();
  ASSERT_EQ(defs.size(), static_cast<size_t>(kNumOpKinds));
  for (size_t i = 0; i < defs.size(); ++i) {
    EXPECT_FALSE(defs[i].grad.backward.empty()) << i;
    EXPECT_FALSE(defs[i].grad.saved.empty()) << i;
  }
}

Op LinearOp() {
  // x (5, 3) through Linear(3 -> 4, bias): forward 5*3*4 = 60 MACs.
  Op op;
  op.kind = OpKind::kLinear;
  op.n_in = 2;
  op.in[0] = Shape{5, 3};
  op.in[1] = Shape{4, 3};
  op.out = Shape{5, 4};
  op.attr = 1;
  return op;
}

TEST(autograd_test, linear_backward_is_one_contraction_per_gradient) {
  const OpGradDef& d = GetOpDef(OpKind::kLinear).grad;
  GradNeeds both{.input = {true, false, false}, .weight = true};
  OpCost c = d.backward_cost(LinearOp(), both);
  // dX 60 + dW 60 MACs; FLOPs 2 * 120 + db 5*4 = 260.
  EXPECT_EQ(c.macs, Count(120));
  EXPECT_EQ(c.flops, Count(260));
  GradNeeds weight_only{.weight = true};  // first layer: raw inputs need no gradient
  c = d.backward_cost(LinearOp(), weight_only);
  EXPECT_EQ(c.macs, Count(60));
  EXPECT_EQ(c.flops, Count(140));
  SavedSet s = d.saved_tensors(LinearOp(), weight_only);
  EXPECT_EQ(s.inputs, 1);  // X, for dW
}

TEST(autograd_test, mul_backward_sums_over_broadcast_dimensions) {
  // a (2, 3) * b (3,) -> (2, 3): da = dY * b (6); db = sum over rows of dY * a (6 + 6 - 3).
  Op op;
  op.kind = OpKind::kMul;
  op.n_in = 2;
  op.in[0] = Shape{2, 3};
  op.in[1] = Shape{3};
  op.out = Shape{2, 3};
  const OpGradDef& d = GetOpDef(OpKind::kMul).grad;
  OpCost c = d.backward_cost(op, GradNeeds{.input = {true, true, false}});
  EXPECT_EQ(c.flops, Count(6 + 6 + 3));
  c = d.backward_cost(op, GradNeeds{.input = {true, false, false}});
  EXPECT_EQ(c.flops, Count(6));
  SavedSet s = d.saved_tensors(op, GradNeeds{.input = {true, false, false}});
  EXPECT_EQ(s.inputs, 2);  // only b, for da
}

TEST(autograd_test, softmax_backward_per_row) {
  Op op;
  op.kind = OpKind::kSoftmax;
  op.n_in = 1;
  op.in[0] = Shape{3, 10};
  op.out = Shape{3, 10};
  op.attr = 10;
  // 3 rows x (4 * 10 - 1).
  EXPECT_EQ(GetOpDef(OpKind::kSoftmax).grad.backward_cost(op, GradNeeds{.input = {true}}).flops,
            Count(3 * 39));
  EXPECT_TRUE(GetOpDef(OpKind::kSoftmax).grad.saved_tensors(op, GradNeeds{.input = {true}}).output);
}

TEST(autograd_test, attention_backward_is_twice_the_forward_contractions) {
  // q (1, 2, 4, 8), K and V (1, 2, 6, 8): S = 1*2*4*6 = 48 scores; forward MACs 48*(8+8) = 768.
  Op op;
  op.kind = OpKind::kAttention;
  op.n_in = 3;
  op.in[0] = Shape{1, 2, 4, 8};
  op.in[1] = Shape{1, 2, 6, 8};
  op.in[2] = Shape{1, 2, 6, 8};
  op.out = Shape{1, 2, 4, 8};
  OpCost c =
      GetOpDef(OpKind::kAttention).grad.backward_cost(op, GradNeeds{.input = {true, true, true}});
  EXPECT_EQ(c.macs, Count(2 * 768));
  // 2 MACs + rowsum 2*1*2*4*8 + dS 2*48 + scale 48.
  EXPECT_EQ(c.flops, Count(2 * 1536 + 128 + 96 + 48));
  SavedSet s = GetOpDef(OpKind::kAttention).grad.saved_tensors(op, GradNeeds{.input = {true}});
  EXPECT_EQ(s.inputs, 7);
  EXPECT_TRUE(s.output);
  EXPECT_EQ(s.f32_extra, Count(1 * 2 * 4));  // log-sum-exp per query row
}

TEST(autograd_test, nothing_needed_means_nothing_saved) {
  Op op;
  op.kind = OpKind::kSilu;
  op.n_in = 1;
  op.in[0] = Shape{4};
  op.out = Shape{4};
  const OpGradDef& d = GetOpDef(OpKind::kSilu).grad;
  EXPECT_EQ(d.backward_cost(op, GradNeeds{}).flops, Count(0));
  EXPECT_EQ(d.saved_tensors(op, GradNeeds{}).inputs, 0);
  EXPECT_EQ(d.backward_cost(op, GradNeeds{.input = {true}}).flops, Count(9 * 4));
}

}  // namespace
}  // namespace calflops
