#include "analysis/weights.h"

#include <gtest/gtest.h>

namespace calflops {
namespace {

TensorInfo T(std::string name, std::string dtype, uint64_t elements, uint64_t bytes) {
  TensorInfo t;
  t.name = std::move(name);
  t.dtype = std::move(dtype);
  t.elements = Count(elements);
  t.bytes = Count(bytes);
  return t;
}

TEST(Weights, NaturalOrder) {
  EXPECT_TRUE(NaturalLess("layers.2.w", "layers.10.w"));
  EXPECT_FALSE(NaturalLess("layers.10.w", "layers.2.w"));
  EXPECT_TRUE(NaturalLess("a.b", "a.b.c"));
  EXPECT_TRUE(NaturalLess("a.1", "a.x"));  // numbers before names
  EXPECT_FALSE(NaturalLess("a.x", "a.1"));
  EXPECT_FALSE(NaturalLess("a", "a"));
  EXPECT_TRUE(NaturalLess("a.99999999999999999999998", "a.99999999999999999999999"));
}

TEST(Weights, TotalsTypesAndModules) {
  TensorSet s;
  s.tensors = {T("model.layers.10.mlp.w", "Q4_K", 512, 288),
               T("model.layers.2.mlp.w", "Q4_K", 256, 144), T("model.layers.2.norm", "F32", 16, 64),
               T("head", "Q6_K", 256, 210), T("scalar", "F32", 1, 4)};
  WeightsProfile p = AnalyzeWeights(s);
  EXPECT_EQ(p.total.tensors, 5u);
  EXPECT_EQ(p.total.params, Count(512 + 256 + 16 + 256 + 1));
  EXPECT_EQ(p.total.bytes, Count(288 + 144 + 64 + 210 + 4));
  // Most bytes first: Q4_K 432, Q6_K 210, F32 68.
  ASSERT_EQ(p.by_dtype.size(), 3u);
  EXPECT_EQ(p.by_dtype[0].dtype, "Q4_K");
  EXPECT_EQ(p.by_dtype[0].stats.tensors, 2u);
  EXPECT_DOUBLE_EQ(p.by_dtype[0].stats.bits_per_weight(), 8.0 * 432 / 768);
  EXPECT_EQ(p.by_dtype[2].dtype, "F32");
  // Modules, depth-first, layer 2 before layer 10; "head" and "scalar" sit at the root.
  std::vector<std::string> paths;
  for (const auto& m : p.modules) paths.push_back(m.path + "@" + std::to_string(m.depth));
  EXPECT_EQ(paths, (std::vector<std::string>{"model@1", "model.layers@2", "model.layers.2@3",
                                             "model.layers.2.mlp@4", "model.layers.10@3",
                                             "model.layers.10.mlp@4"}));
  EXPECT_EQ(p.modules[2].stats.params, Count(256 + 16));
  EXPECT_EQ(p.modules[2].stats.bytes, Count(144 + 64));
}

TEST(Weights, EmptySetHasZeroBitsPerWeight) {
  WeightsProfile p = AnalyzeWeights(TensorSet{});
  EXPECT_EQ(p.total.bits_per_weight(), 0.0);
  EXPECT_TRUE(p.modules.empty());
}

}  // namespace
}  // namespace calflops
