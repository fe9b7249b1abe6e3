// Every op kind has exactly one definition with a formula, and the formulas price hand-made
// ops as the arithmetic written here says.
#include <gtest/gtest.h>

#include <vector>

#include "analysis/convention.h"
#include "ops/op_def.h"

namespace calflops {
namespace {

TEST(OpRegistry, EveryKindDefinedWithFormula) {
  auto defs = AllOpDefs();
  ASSERT_EQ(defs.size(), static_cast<size_t>(kNumOpKinds));
  for (size_t i = 0; i < defs.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(defs[i].kind), i);
    EXPECT_FALSE(defs[i].formula.empty()) << defs[i].name;
    EXPECT_NE(defs[i].analytic, nullptr) << defs[i].name;
  }
}

OpCost NoCost(const Op&) { return {}; }
OpTraffic NoTraffic(const Op&) { return {}; }
OpCost NoGrad(const Op&, const GradNeeds&) { return {}; }
SavedSet NoSaved(const Op&, const GradNeeds&) { return {}; }

OpDef Def(OpKind k, std::string_view name) {
  return {k, name, "f", NoCost, {"t", NoTraffic}, {"b", NoGrad, "s", NoSaved}, {"c", NoCost}};
}

TEST(OpRegistry, CheckFindsRepeatsGapsAndMissingStrings) {
  // The check the registry runs at start-up, on tables with a defect: it must name it.
  std::vector<OpDef> all(AllOpDefs().begin(), AllOpDefs().end());
  EXPECT_EQ(CheckOpDefs(all), "");
  std::vector<OpDef> twice = all;
  twice.push_back(Def(OpKind::kRelu, "Relu2"));
  EXPECT_EQ(CheckOpDefs(twice), "Relu2: defined twice");
  std::vector<OpDef> gap(all.begin() + 1, all.end());  // kLinear (kind 0) left out
  EXPECT_EQ(CheckOpDefs(gap), "op kind 0 has no definition");
  std::vector<OpDef> undocumented = all;
  undocumented[static_cast<size_t>(OpKind::kAdd)].calflops.formula = "";
  EXPECT_EQ(CheckOpDefs(undocumented), "Add: a doc string is missing");
  std::vector<OpDef> no_backward = all;
  no_backward[static_cast<size_t>(OpKind::kMul)].grad.backward_cost = nullptr;
  EXPECT_EQ(CheckOpDefs(no_backward), "Mul: a formula is missing");
}

Op Make(OpKind k, std::initializer_list<Shape> in, Shape out, int64_t attr = 0, int64_t attr2 = 0) {
  Op op;
  op.kind = k;
  op.n_in = static_cast<uint8_t>(in.size());
  int i = 0;
  for (const auto& s : in) op.in[static_cast<size_t>(i++)] = s;
  op.out = out;
  op.attr = attr;
  op.attr2 = attr2;
  return op;
}

TEST(OpCosts, Analytic) {
  auto cost = [](const Op& op) { return CostOf(op, Convention::kAnalytic); };
  // Linear (2, 3, 8) -> 16 with bias: MACs 6 x 8 x 16, FLOPs 2 MACs + 6 x 16.
  auto c = cost(Make(OpKind::kLinear, {Shape{2, 3, 8}, Shape{16, 8}}, Shape{2, 3, 16}, 1));
  EXPECT_EQ(c.macs, Count(768));
  EXPECT_EQ(c.flops, Count(2 * 768 + 96));
  // MatMul (4, 1, 5, 6) @ (3, 6, 7): batch 4 x 3, MACs 12 x 5 x 6 x 7.
  c = cost(Make(OpKind::kMatMul, {Shape{4, 1, 5, 6}, Shape{3, 6, 7}}, Shape{4, 3, 5, 7}));
  EXPECT_EQ(c.macs, Count(12 * 5 * 6 * 7));
  // Vector @ matrix (16,) @ (16, 8): 128 MACs (calflops says 2048 for (8,16)@(16,)).
  EXPECT_EQ(MatMulMacs(Shape{16}, Shape{16, 8}), Count(128));
  EXPECT_EQ(MatMulMacs(Shape{8, 16}, Shape{16}), Count(128));
  // Conv 3 -> 64, 7x7 kernel, output (1, 64, 112, 112), bias: per output 3 x 49 MACs.
  c = cost(
      Make(OpKind::kConv, {Shape{1, 3, 224, 224}, Shape{64, 3, 7, 7}}, Shape{1, 64, 112, 112}, 1));
  EXPECT_EQ(c.macs, Count(64ull * 112 * 112 * 147));
  EXPECT_EQ(c.flops, Count(2 * 64ull * 112 * 112 * 147 + 64ull * 112 * 112));
  // Broadcast add (1, 3, 224, 224) + (224,): one FLOP per output element.
  c = cost(Make(OpKind::kAdd, {Shape{1, 3, 224, 224}, Shape{224}}, Shape{1, 3, 224, 224}));
  EXPECT_EQ(c.flops, Count(150'528));
  // Softmax over rows of 10: 5 x 10 - 2 per row, 6 rows.
  EXPECT_EQ(cost(Make(OpKind::kSoftmax, {Shape{6, 10}}, Shape{6, 10}, 10)).flops, Count(6 * 48));
  // TopK, k = 3 of n = 10 over 6 rows: passes compare 9 + 8 + 7 values = 24 per row.
  EXPECT_EQ(cost(Make(OpKind::kTopK, {Shape{6, 10}}, Shape{6, 3}, 3)).flops, Count(6 * 24));
  // LayerNorm n = 8 with weight and bias over 3 rows: 7n + 2 per row.
  EXPECT_EQ(cost(Make(OpKind::kLayerNorm, {Shape{3, 8}}, Shape{3, 8}, 8, 3)).flops, Count(3 * 58));
  // Attention B=1, H=2, Sq=3, Sk=5, D=4, masked.
  c = cost(Make(OpKind::kAttention, {Shape{1, 2, 3, 4}, Shape{1, 1, 5, 4}, Shape{1, 1, 5, 4}},
                Shape{1, 2, 3, 4}, 1));
  EXPECT_EQ(c.macs, Count(2 * 30 * 4));
  EXPECT_EQ(c.flops, Count(2 * 240 + 30 + 30 + 6 * 23));
}

TEST(OpCosts, CalflopsRules) {
  auto cost = [](Op op, CallForm f) {
    op.form = f;
    return CostOf(op, Convention::kCalflops);
  };
  // F.linear ignores the bias.
  auto c = cost(Make(OpKind::kLinear, {Shape{2, 8}, Shape{16, 8}}, Shape{2, 16}, 1),
                CallForm::kFunctional);
  EXPECT_EQ(c.flops, Count(2 * 2 * 8 * 16));
  // Left-aligned broadcasting for Python *: (5,) * (4, 5) counts 25.
  c = cost(Make(OpKind::kMul, {Shape{5}, Shape{4, 5}}, Shape{4, 5}), CallForm::kPyOperator);
  EXPECT_EQ(c.flops, Count(25));
  // Python - and / are not seen; neither are SDPA, unary math or a captured GELU.
  EXPECT_EQ(cost(Make(OpKind::kSub, {Shape{4}, Shape{4}}, Shape{4}), CallForm::kPyOperator).flops,
            Count(0));
  EXPECT_EQ(cost(Make(OpKind::kGelu, {Shape{4}}, Shape{4}), CallForm::kUnhooked).flops, Count(0));
  EXPECT_EQ(cost(Make(OpKind::kRsqrt, {Shape{4}}, Shape{4}), CallForm::kTorch).flops, Count(0));
  // F.silu and F.softmax: one per element; F.layer_norm with weight: five.
  EXPECT_EQ(cost(Make(OpKind::kSilu, {Shape{4, 3}}, Shape{4, 3}), CallForm::kFunctional).flops,
            Count(12));
  EXPECT_EQ(
      cost(Make(OpKind::kLayerNorm, {Shape{2, 8}}, Shape{2, 8}, 8, 3), CallForm::kFunctional).flops,
      Count(80));
  // torch.matmul: MACs = elements of a x last dim of b, even for a 1-D b ((8,16)@(16,) -> 2048).
  c = cost(Make(OpKind::kMatMul, {Shape{8, 16}, Shape{16}}, Shape{8}), CallForm::kTorch);
  EXPECT_EQ(c.macs, Count(2048));
  EXPECT_EQ(c.flops, Count(4096));
}

}  // namespace
}  // namespace calflops
