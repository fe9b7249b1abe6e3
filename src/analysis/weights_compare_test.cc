#include "analysis/weights_compare.h"

#include <gtest/gtest.h>

namespace calflops {
namespace {

TensorInfo T(std::string name, Shape shape, std::string model_name = "", bool stacked = false) {
  TensorInfo t;
  t.name = std::move(name);
  t.shape = shape;
  t.elements = shape.numel();
  t.model_name = std::move(model_name);
  t.stacked = stacked;
  return t;
}

// a (Linear 3 -> 4 with bias), b (weight 2x2), experts {0, 1} (weight 2x2 each), head tied to a.
ModuleTree Model() {
  ModuleTree t;
  ModuleId a = t.Add(t.root(), "a", "Linear");
  int32_t a_w = t.AddParam(a, "weight", Shape{4, 3}, DType::kF32);
  t.AddParam(a, "bias", Shape{4}, DType::kF32);
  ModuleId b = t.Add(t.root(), "b", "Linear");
  t.AddParam(b, "weight", Shape{2, 2}, DType::kF32);
  ModuleId e = t.Add(t.root(), "experts", "ModuleList");
  for (const char* n : {"0", "1"})
    t.AddParam(t.Add(e, n, "Linear"), "weight", Shape{2, 2}, DType::kF32);
  ModuleId head = t.Add(t.root(), "head", "Linear");
  t.AddParam(head, "weight", Shape{4, 3}, DType::kF32, a_w);
  return t;
}

TEST(WeightsCompare, FindsEveryKindOfDifference) {
  TensorSet file;
  file.tensors = {
      T("a.weight", Shape{4, 3}),                              // match
      T("a.bias", Shape{5}),                                   // shape
      T("stored_as", Shape{8}, "experts.stack.weight", true),  // 8 = 2 x 2 x 2: module match
      T("x.weight", Shape{7}),                                 // extra
  };
  WeightsComparison c = CompareWeights(file, Model(), "cfg");
  EXPECT_EQ(c.against, "cfg");
  EXPECT_EQ(c.matched, 2u);  // a.weight and the stacked experts
  EXPECT_EQ(c.tied, 1u);     // head.weight shares a.weight's storage
  ASSERT_EQ(c.mismatches.size(), 3u);
  EXPECT_EQ(c.mismatches[0].kind, WeightMismatch::Kind::kShape);
  EXPECT_EQ(c.mismatches[0].name, "a.bias");
  EXPECT_EQ(c.mismatches[0].file_shape, Shape{5});
  EXPECT_EQ(c.mismatches[0].model_shape, Shape{4});
  EXPECT_EQ(c.mismatches[1].kind, WeightMismatch::Kind::kMissingInFile);
  EXPECT_EQ(c.mismatches[1].name, "b.weight");
  EXPECT_EQ(c.mismatches[2].kind, WeightMismatch::Kind::kExtraInFile);
  EXPECT_EQ(c.mismatches[2].name, "x.weight");
}

TEST(WeightsCompare, SizeOneDimsDoNotMakeAMismatch) {
  TensorSet file;
  file.tensors = {T("a.weight", Shape{4, 1, 3}), T("a.bias", Shape{1, 4}),
                  T("b.weight", Shape{2, 2}), T("s", Shape{8}, "experts.stack.weight", true)};
  WeightsComparison c = CompareWeights(file, Model(), "cfg");
  EXPECT_EQ(c.mismatches.size(), 0u);
  EXPECT_EQ(c.matched, 4u);
}

TEST(WeightsCompare, StackedModuleTotalsDiffer) {
  TensorSet file;
  file.tensors = {T("a.weight", Shape{4, 3}), T("a.bias", Shape{4}), T("b.weight", Shape{2, 2}),
                  T("s", Shape{12}, "experts.stack.weight", true)};
  WeightsComparison c = CompareWeights(file, Model(), "cfg");
  ASSERT_EQ(c.mismatches.size(), 1u);
  EXPECT_EQ(c.mismatches[0].kind, WeightMismatch::Kind::kModuleParams);
  EXPECT_EQ(c.mismatches[0].name, "experts");
  EXPECT_EQ(c.mismatches[0].file_params, Count(12));
  EXPECT_EQ(c.mismatches[0].model_params, Count(8));
}

}  // namespace
}  // namespace calflops
