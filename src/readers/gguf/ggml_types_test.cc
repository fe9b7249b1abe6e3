#include "readers/gguf/ggml_types.h"

#include <gtest/gtest.h>

namespace calflops {
namespace {

// Bits per weight of each type as the GGUF/ggml documentation and the quantisation literature
// state them (Q4_K 4.5, Q6_K 6.5625, IQ2_XXS 2.0625, ...): 8 x block bytes / block elements.
struct Expected {
  uint32_t id;
  const char* name;
  uint32_t block;
  uint32_t bytes;
  double bpw;
};
constexpr Expected kExpected[] = {
    {0, "F32", 1, 4, 32},
    {1, "F16", 1, 2, 16},
    {30, "BF16", 1, 2, 16},
    {24, "I8", 1, 1, 8},
    {25, "I16", 1, 2, 16},
    {26, "I32", 1, 4, 32},
    {27, "I64", 1, 8, 64},
    {28, "F64", 1, 8, 64},
    {2, "Q4_0", 32, 18, 4.5},
    {3, "Q4_1", 32, 20, 5.0},
    {6, "Q5_0", 32, 22, 5.5},
    {7, "Q5_1", 32, 24, 6.0},
    {8, "Q8_0", 32, 34, 8.5},
    {9, "Q8_1", 32, 36, 9.0},
    {10, "Q2_K", 256, 84, 2.625},
    {11, "Q3_K", 256, 110, 3.4375},
    {12, "Q4_K", 256, 144, 4.5},
    {13, "Q5_K", 256, 176, 5.5},
    {14, "Q6_K", 256, 210, 6.5625},
    {15, "Q8_K", 256, 292, 9.125},
    {16, "IQ2_XXS", 256, 66, 2.0625},
    {17, "IQ2_XS", 256, 74, 2.3125},
    {18, "IQ3_XXS", 256, 98, 3.0625},
    {19, "IQ1_S", 256, 50, 1.5625},
    {20, "IQ4_NL", 32, 18, 4.5},
    {21, "IQ3_S", 256, 110, 3.4375},
    {22, "IQ2_S", 256, 82, 2.5625},
    {23, "IQ4_XS", 256, 136, 4.25},
    {29, "IQ1_M", 256, 56, 1.75},
    {34, "TQ1_0", 256, 54, 1.6875},
    {35, "TQ2_0", 256, 66, 2.0625},
    {39, "MXFP4", 32, 17, 4.25},
};

TEST(GgmlTypes, EveryTypeHasItsBlockLayout) {
  for (const auto& e : kExpected) {
    const GgmlType* t = FindGgmlType(e.id);
    ASSERT_NE(t, nullptr) << e.name;
    EXPECT_EQ(t->name, e.name);
    EXPECT_EQ(t->block_elements, e.block) << e.name;
    EXPECT_EQ(t->block_bytes, e.bytes) << e.name;
    EXPECT_DOUBLE_EQ(t->bits_per_weight(), e.bpw) << e.name;
  }
  EXPECT_EQ(AllGgmlTypes().size(), std::size(kExpected));
}

TEST(GgmlTypes, RemovedAndUnknownIdsAreRejected) {
  for (uint32_t id : {4u, 5u, 31u, 32u, 33u, 36u, 37u, 38u, 40u, 1000u})
    EXPECT_EQ(FindGgmlType(id), nullptr) << id;
}

}  // namespace
}  // namespace calflops
