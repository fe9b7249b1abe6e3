#include "readers/gguf/ggml_types.h"

namespace calflops {
namespace ggml_types {
namespace {

// QK_K = 256 elements per k-quant / i-quant super-block; the legacy quants use 32.
constexpr GgmlType kTypes[] = {
    {0, "F32", 1, 4, false},
    {1, "F16", 1, 2, false},
    {2, "Q4_0", 32, 18, true},       // f16 scale + 16 bytes of nibbles
    {3, "Q4_1", 32, 20, true},       // f16 scale, f16 min + 16
    {6, "Q5_0", 32, 22, true},       // f16 scale + 4 bytes high bits + 16
    {7, "Q5_1", 32, 24, true},       // f16 scale, f16 min + 4 + 16
    {8, "Q8_0", 32, 34, true},       // f16 scale + 32 bytes
    {9, "Q8_1", 32, 36, true},       // f16 scale, f16 sum + 32
    {10, "Q2_K", 256, 84, true},     // 16 scales + 64 quants + 2 x f16
    {11, "Q3_K", 256, 110, true},    // 32 hmask + 64 quants + 12 scales + f16
    {12, "Q4_K", 256, 144, true},    // 2 x f16 + 12 scales + 128 quants
    {13, "Q5_K", 256, 176, true},    // 2 x f16 + 12 scales + 32 high bits + 128 quants
    {14, "Q6_K", 256, 210, true},    // 128 low + 64 high + 16 scales + f16
    {15, "Q8_K", 256, 292, true},    // f32 scale + 256 quants + 16 x i16 sums
    {16, "IQ2_XXS", 256, 66, true},  // f16 + 32 x u16
    {17, "IQ2_XS", 256, 74, true},   // f16 + 32 x u16 + 8 scales
    {18, "IQ3_XXS", 256, 98, true},  // f16 + 96
    {19, "IQ1_S", 256, 50, true},    // f16 + 32 + 8 x u16
    {20, "IQ4_NL", 32, 18, true},    // f16 + 16
    {21, "IQ3_S", 256, 110, true},   // f16 + 64 + 8 + 32 signs + 4 scales
    {22, "IQ2_S", 256, 82, true},    // f16 + 64 + 8 + 8 scales
    {23, "IQ4_XS", 256, 136, true},  // f16 + u16 + 4 + 128
    {24, "I8", 1, 1, false},
    {25, "I16", 1, 2, false},
    {26, "I32", 1, 4, false},
    {27, "I64", 1, 8, false},
    {28, "F64", 1, 8, false},
    {29, "IQ1_M", 256, 56, true},  // 32 + 16 + 8 scales (no separate f16)
    {30, "BF16", 1, 2, false},
    {34, "TQ1_0", 256, 54, true},  // 48 base-3 bytes + 4 + f16
    {35, "TQ2_0", 256, 66, true},  // 64 + f16
    {39, "MXFP4", 32, 17, true},   // e8m0 shared exponent + 16 bytes of fp4 pairs
};

}  // namespace
}  // namespace ggml_types

const GgmlType* FindGgmlType(uint32_t id) {
  for (const auto& t : ggml_types::kTypes)
    if (t.id == id) return &t;
  return nullptr;
}

std::span<const GgmlType> AllGgmlTypes() { return ggml_types::kTypes; }

}  // namespace calflops
