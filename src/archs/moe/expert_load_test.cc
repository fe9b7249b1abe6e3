#include "archs/moe/expert_load.h"

#include <gtest/gtest.h>

#include <numeric>

#include "model/error.h"

namespace calflops {
namespace {

TEST(ExpertLoad, EvenSpreadFirstExpertsTakeTheRemainder) {
  // 5 tokens x 2 picks = 10 over 4 experts: 3, 3, 2, 2.
  EXPECT_EQ(ExpertLoad(5, 2, 4), (std::vector<int64_t>{3, 3, 2, 2}));
  // One token, top-2 of 8: experts 0 and 1.
  EXPECT_EQ(ExpertLoad(1, 2, 8), (std::vector<int64_t>{1, 1, 0, 0, 0, 0, 0, 0}));
  // 128 x 8 over 256: 4 each.
  auto l = ExpertLoad(128, 8, 256);
  EXPECT_EQ(std::accumulate(l.begin(), l.end(), int64_t{0}), 128 * 8);
  EXPECT_EQ(l.front(), 4);
  EXPECT_EQ(l.back(), 4);
}

TEST(ExpertLoad, MatchesThePerTokenAssignment) {
  // Counting token t's picks (t k + j) mod E gives the same loads, and no token picks an expert
  // twice.
  for (int64_t tokens : {1, 3, 7, 20}) {
    for (auto [k, e] : {std::pair<int64_t, int64_t>{2, 8}, {4, 60}, {3, 3}, {8, 10}}) {
      std::vector<int64_t> count(static_cast<size_t>(e), 0);
      for (int64_t t = 0; t < tokens; ++t) {
        std::vector<bool> seen(static_cast<size_t>(e), false);
        for (int64_t j = 0; j < k; ++j) {
          int64_t x = AssignedExpert(t, j, k, e);
          EXPECT_FALSE(seen[static_cast<size_t>(x)]);
          seen[static_cast<size_t>(x)] = true;
          ++count[static_cast<size_t>(x)];
        }
      }
      EXPECT_EQ(count, ExpertLoad(tokens, k, e)) << tokens << " " << k << " " << e;
    }
  }
}

TEST(ExpertLoad, HugeTokenCountsDoNotOverflow) {
  int64_t tokens = int64_t{1} << 40;
  auto l = ExpertLoad(tokens, 2, 3);
  EXPECT_EQ(l[0] + l[1] + l[2], tokens * 2);
  EXPECT_THROW(ExpertLoad(4, 9, 8), Error);
}

}  // namespace
}  // namespace calflops
