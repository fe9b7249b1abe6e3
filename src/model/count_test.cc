#include "model/count.h"

#include <gtest/gtest.h>

namespace calflops {
namespace {

TEST(Count, ExactBeyond64Bits) {
  Count a = Count(UINT64_MAX) * Count(4);
  EXPECT_EQ(a.ToString(), "73786976294838206460");  // 4 x (2^64 - 1)
}

TEST(Count, OverflowIsAnErrorNotAWrap) {
  Count big = Count::FromU128(~static_cast<u128>(0) / 3);
  EXPECT_THROW(big * Count(4), Error);
  EXPECT_THROW(Count::FromU128(~static_cast<u128>(0)) + Count(1), Error);
  try {
    (void)(big * Count(4));
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kOverflow);
  }
}

TEST(Count, NegativeIsRejected) { EXPECT_THROW(Count::FromSigned(-1), Error); }

TEST(DivideToDouble, CorrectlyRounded) {
  EXPECT_EQ(DivideToDouble(1, 3), 1.0 / 3.0);
  EXPECT_EQ(DivideToDouble(2, 3), 2.0 / 3.0);
  EXPECT_EQ(DivideToDouble(100, 7), 100.0 / 7.0);
  // 2^53 + 1 is not a double; the quotient by 1 must round to even (2^53).
  EXPECT_EQ(DivideToDouble(Count((1ull << 53) + 1), 1), 9007199254740992.0);
  EXPECT_EQ(DivideToDouble(Count((1ull << 53) + 3), 1), 9007199254740996.0);
}

}  // namespace
}  // namespace calflops
