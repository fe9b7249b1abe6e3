// nn.LayerNorm and nn.Dropout print as PyTorch prints them, and LayerNorm emits F.layer_norm with
// weight and bias.
#include "archs/nn/layer_norm.h"

#include <gtest/gtest.h>

#include "archs/nn/dropout.h"
#include "model/error.h"

namespace calflops {
namespace {

struct Recorder : OpSink {
  std::vector<Op> ops;
  void Emit(ModuleId, const Op& op) override { ops.push_back(op); }
};

TEST(LayerNorm, ReprParamsAndOp) {
  ModuleTree tree;
  // torch: repr(nn.LayerNorm(768, eps=1e-12)) == "LayerNorm((768,), eps=1e-12, elementwise_affine=True)"
  LayerNorm n = LayerNorm::Build(tree, tree.root(), "LayerNorm", 768, 1e-12, DType::kF32);
  EXPECT_EQ(tree[n.id].class_name, "LayerNorm");
  EXPECT_EQ(tree[n.id].extra_repr, "(768,), eps=1e-12, elementwise_affine=True");
  EXPECT_EQ(tree.SubtreeParams()[0], Count(2 * 768));  // weight and bias
  LayerNorm m = LayerNorm::Build(tree, tree.root(), "ln", 2048, 1e-5, DType::kF32);
  EXPECT_EQ(tree[m.id].extra_repr, "(2048,), eps=1e-05, elementwise_affine=True");

  Recorder r;
  Tracer t(r, DType::kF32);
  n(t, Shape{2, 3, 768});
  ASSERT_EQ(r.ops.size(), 1u);
  EXPECT_EQ(r.ops[0].kind, OpKind::kLayerNorm);
  EXPECT_EQ(r.ops[0].form, CallForm::kFunctional);
  EXPECT_EQ(r.ops[0].attr, 768);
  EXPECT_EQ(r.ops[0].attr2, 3);  // weight and bias
}

TEST(Dropout, Repr) {
  ModuleTree tree;
  EXPECT_EQ(tree[Dropout::Build(tree, tree.root(), "d", 0.1).id].extra_repr, "p=0.1, inplace=False");
  EXPECT_EQ(tree[Dropout::Build(tree, tree.root(), "e", 0.0).id].extra_repr, "p=0.0, inplace=False");
}

}  // namespace
}  // namespace calflops
