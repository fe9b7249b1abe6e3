// calflops-spec.md sections 2.1 and 2.2, every example.
#include "report/number_format.h"

#include <gtest/gtest.h>

#include <cmath>

namespace calflops {
namespace {

const std::nullopt_t kAuto = std::nullopt;

TEST(NumberFormat, SpecTableFlops) {
  EXPECT_EQ(FlopsToString(0, kAuto, 2), "0 FLOPS");
  EXPECT_EQ(FlopsToString(0.5, kAuto, 2), "500 mFLOPS");
  EXPECT_EQ(FlopsToString(999, kAuto, 2), "999 FLOPS");
  EXPECT_EQ(FlopsToString(1234567, kAuto, 2), "1.23 MFLOPS");
  EXPECT_EQ(FlopsToString(4089184256, kAuto, 2), "4.09 GFLOPS");
  EXPECT_EQ(FlopsToString(1.7e12, kAuto, 2), "1.7 TFLOPS");
}

TEST(NumberFormat, SpecTableParams) {
  EXPECT_EQ(ParamsToString(0, kAuto, 2), "0");
  EXPECT_EQ(ParamsToString(0.5, kAuto, 2), "500 m");
  EXPECT_EQ(ParamsToString(999, kAuto, 2), "999");
  EXPECT_EQ(ParamsToString(1234567, kAuto, 2), "1.23 M");
  EXPECT_EQ(ParamsToString(4089184256, kAuto, 2), "4.09 B");
  EXPECT_EQ(ParamsToString(1.7e12, kAuto, 2), "1.7 T");
  EXPECT_EQ(ParamsToString(25557032, kAuto, 2), "25.56 M");
  EXPECT_EQ(ParamsToString(676, kAuto, 2), "676");
  EXPECT_EQ(ParamsToString(6738415616, std::string("B"), 2), "6.74 B");
}

TEST(NumberFormat, PrecisionAndForcedUnit) {
  EXPECT_EQ(FlopsToString(1234567, kAuto, 4), "1.2346 MFLOPS");
  EXPECT_EQ(FlopsToString(25557032, std::string("G"), 2), "0.03 GFLOPS");
  // An unknown unit uses magnitude 1 but is still printed.
  EXPECT_EQ(FlopsToString(8211108352, std::string("X"), 2), "8.21111e+09 XFLOPS");
  EXPECT_EQ(MacsToString(4089184256, kAuto, 2), "4.09 GMACs");
  EXPECT_EQ(MacsToString(0, kAuto, 2), "0 MACs");
}

TEST(NumberFormat, RoundHalfEvenOnTheBinaryValue) {
  EXPECT_EQ(FlopsToString(4.005e9, kAuto, 2), "4 GFLOPS");
  EXPECT_EQ(FlopsToString(4.015e9, kAuto, 2), "4.01 GFLOPS");
}

TEST(NumberFormat, UnitChosenBeforeRounding) {
  EXPECT_EQ(NumberToString(999999, kAuto, 2), "1000 K");
  EXPECT_EQ(NumberToString(1.23456789e18, kAuto, 2), "1.23457e+06 T");
}

TEST(NumberFormat, SeedValues) {
  // Lines of the seed report, from its raw totals (seed-decoded.md).
  EXPECT_EQ(MacsToString(977124387383680.0, kAuto, 4), "977.124 TMACs");
  EXPECT_EQ(FlopsToString(1958976725962303.0, kAuto, 4), "1958.98 TFLOPS");
  EXPECT_EQ(MacsToString(977124387383680.0 * 3, kAuto, 4), "2931.37 TMACs");
  EXPECT_EQ(FlopsToString(1958976725962303.0 * 3, kAuto, 4), "5876.93 TFLOPS");
  EXPECT_EQ(ParamsToString(8355276800, kAuto, 2), "8.36 B");
}

TEST(Percentage, SpecExamples) {
  EXPECT_EQ(Percentage(100, 100, 2), "100");
  EXPECT_EQ(Percentage(4995, 10000, 2), "49.95");
  EXPECT_EQ(Percentage(4, 10000, 2), "0.04");
  EXPECT_EQ(Percentage(4, 100000, 2), "0");  // below 0.005 % rounds to 0
  EXPECT_EQ(Percentage(5, 0, 2), "0");       // zero total
  // Seed: CLIP vision tower params 303,507,456 of 8,355,276,800 at precision 4.
  EXPECT_EQ(Percentage(303507456, 8355276800, 4), "3.6325");
}

TEST(PyRound, MatchesPython) {
  EXPECT_EQ(PyRound(2.675, 2), 2.67);  // 2.675 is 2.67499999... in binary
  EXPECT_EQ(PyRound(0.125, 2), 0.12);  // exact tie, to even
  EXPECT_EQ(PyRound(0.375, 2), 0.38);
  EXPECT_EQ(PyFormatG(1958.98), "1958.98");
  EXPECT_EQ(PyFormatG(100.0), "100");
}

TEST(PyRound, HugeAndNegativeDigitCountsAsPython) {
  // Campaign 3: the Python API passed output_precision=10**9 to here; printf computed a billion
  // digits (5 GB). Python: round(x, n) is x for n > 323 and 0.0 (signed as x) for n < -308;
  // values from CPython 3.11's round().
  EXPECT_EQ(PyRound(2.675, 1000000000), 2.675);
  EXPECT_EQ(PyRound(2.675, 324), 2.675);
  EXPECT_EQ(PyRound(1e308, 323), 1e308);  // 633 characters printed: the buffer holds them
  EXPECT_EQ(PyRound(-1.7976931348623157e308, 320), -1.7976931348623157e308);
  EXPECT_EQ(PyRound(123.0, -1000000000), 0.0);
  EXPECT_TRUE(std::signbit(PyRound(-123.0, -309)));
  EXPECT_EQ(NumberToString(5, std::nullopt, 2000000000), "5 ");
}

}  // namespace
}  // namespace calflops
