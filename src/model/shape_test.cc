#include "model/shape.h"

#include <gtest/gtest.h>

namespace calflops {
namespace {

TEST(Shape, Numel) {
  EXPECT_EQ(Shape({2, 3, 4}).numel(), Count(24));
  EXPECT_EQ(Shape().numel(), Count(1));
  EXPECT_EQ(Shape({2, 3, 4}).leading(1), Count(6));
}

TEST(Shape, RightAlignedBroadcast) {
  EXPECT_EQ(Broadcast(Shape({1, 3, 224, 224}), Shape({224})), Shape({1, 3, 224, 224}));
  EXPECT_EQ(Broadcast(Shape({5}), Shape({4, 5})), Shape({4, 5}));
  EXPECT_EQ(Broadcast(Shape({2, 1, 8}), Shape({3, 1})), Shape({2, 3, 8}));
  EXPECT_THROW(Broadcast(Shape({3}), Shape({4})), Error);
}

// calflops-spec.md 3.1: its left-aligned counts.
TEST(Shape, CalflopsLeftAlignedCount) {
  EXPECT_EQ(LeftAlignedBroadcastCount(Shape({1, 3, 224, 224}), Shape({224})), Count(33'718'272));
  EXPECT_EQ(LeftAlignedBroadcastCount(Shape({5}), Shape({4, 5})), Count(25));
  EXPECT_EQ(LeftAlignedBroadcastCount(Shape({4096}), Shape({1, 7, 4096})),
            Count(4096ull * 7 * 4096));
}

TEST(Shape, RankLimit) {
  Shape s;
  for (int i = 0; i < kMaxRank; ++i) s.push_back(1);
  EXPECT_THROW(s.push_back(1), Error);
}

TEST(Shape, ToStringLikePython) {
  EXPECT_EQ(Shape({4096}).ToString(), "(4096,)");
  EXPECT_EQ(Shape({1, 2}).ToString(), "(1, 2)");
}

}  // namespace
}  // namespace calflops
