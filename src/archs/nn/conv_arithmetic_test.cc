#include "archs/nn/conv_arithmetic.h"

#include <gtest/gtest.h>

#include "model/error.h"

namespace calflops {
namespace {

TEST(ConvArithmetic, ReprListsOnlyWhatDiffersFromTheDefaults) {
  EXPECT_EQ(ConvRepr(3, 1024, 2, 14, 14, "", 1, false),
            "3, 1024, kernel_size=(14, 14), stride=(14, 14), bias=False");
  EXPECT_EQ(ConvRepr(80, 768, 1, 3, 2, "(1,)", 1, true),
            "80, 768, kernel_size=(3,), stride=(2,), padding=(1,)");
  EXPECT_EQ(ConvRepr(8, 8, 2, 3, 1, "valid", 4, true),
            "8, 8, kernel_size=(3, 3), stride=(1, 1), padding=valid, groups=4");
}

TEST(ConvArithmetic, OutSizeIsPaddedSpanOverStridePlusOne) {
  EXPECT_EQ(ConvOutSize(3000, 3, 2, 1, "conv1d", "steps", "shorter"), 1500);  // (3000+2-3)/2+1
  EXPECT_EQ(ConvOutSize(224, 16, 16, 0, "conv2d", "pixels", "smaller"), 14);
  EXPECT_EQ(ConvOutSize(1, 3, 1, 1, "conv1d", "steps", "shorter"), 1);  // (1+2-3)/1+1
  try {
    ConvOutSize(5, 7, 1, 0, "conv2d", "pixels", "smaller");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("conv2d input of 5 pixels is smaller than its kernel 7"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace calflops
