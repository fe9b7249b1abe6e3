#include "model/active_params.h"

#include <gtest/gtest.h>

namespace calflops {
namespace {

TEST(ActiveParams, OnlyTopKRoutedChildrenCount) {
  ModuleTree t;
  ModuleId gate = t.Add(t.root(), "gate", "Linear");
  t.AddParam(gate, "weight", Shape{4, 10}, DType::kF32);  // 40
  ModuleId list = t.Add(t.root(), "experts", "ModuleList");
  for (int i = 0; i < 4; ++i) {
    ModuleId e = t.Add(list, std::to_string(i), "MLP");
    t.AddParam(e, "weight", Shape{10, 10}, DType::kF32);  // 100 each
  }
  EXPECT_EQ(ActiveParams(t), Count(440));  // no routing mark: everything is active
  t[list].active_children = 2;
  EXPECT_EQ(ActiveParams(t), Count(40 + 2 * 100));
  EXPECT_EQ(t.SubtreeParams()[0], Count(440));
}

}  // namespace
}  // namespace calflops
