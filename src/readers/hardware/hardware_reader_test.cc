#include "readers/hardware/hardware_reader.h"

#include <gtest/gtest.h>

#include "model/error.h"

namespace calflops {
namespace {

TEST(hardware_reader_test, bundled_profiles_parse_and_cite_sources) {
  const auto& all = BuiltinHardware();
  for (const char* name :
       {"h100-sxm", "h200", "a100-40gb", "a100-80gb", "l4", "rtx-4090", "mi300x", "cpu-generic"}) {
    const Hardware& h = FindHardware(name);
    EXPECT_EQ(h.name, name);
    EXPECT_FALSE(h.source.empty());
    EXPECT_TRUE(h.PeakFlops(DType::kBF16).has_value()) << name;
  }
  EXPECT_EQ(all.size(), 8u);
  // H100 SXM datasheet: 3.35 TB/s, 80 GB, 1,979 TFLOPS bf16 with sparsity = 989.5 dense.
  const Hardware& h100 = FindHardware("h100-sxm");
  EXPECT_DOUBLE_EQ(h100.bandwidth, 3350e9);
  EXPECT_DOUBLE_EQ(h100.memory_bytes, 80.0 * 1073741824);
  EXPECT_DOUBLE_EQ(*h100.PeakFlops(DType::kBF16), 989.5e12);
  EXPECT_DOUBLE_EQ(*h100.PeakFlops(DType::kF32), 67e12);
}

std::string Error(std::string_view text) {
  try {
    ParseHardware(text, "my.json");
  } catch (const calflops::Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    return e.what();
  }
  return "no error";
}

constexpr const char* kGood = R"({"name": "x", "memory_gib": 16, "memory_bandwidth_gb_s": 500,
  "peak_tflops": {"float32": 10, "bfloat16": 100}, "source": "test"})";

TEST(hardware_reader_test, a_good_file) {
  Hardware h = ParseHardware(kGood, "my.json");
  EXPECT_DOUBLE_EQ(h.bandwidth, 500e9);
  EXPECT_DOUBLE_EQ(*h.PeakFlops(DType::kF16), 100e12);  // falls back to bfloat16
  EXPECT_DOUBLE_EQ(*h.PeakFlops(DType::kF8E4M3), 100e12);
}

TEST(hardware_reader_test, a_float32_only_profile_prices_every_dtype_at_float32) {
  // float32 is the one required rate: bfloat16, float16, fp8 and int8 fall back to it.
  Hardware h = ParseHardware(R"({"name": "cpu", "memory_gib": 16, "memory_bandwidth_gb_s": 50,
    "peak_tflops": {"float32": 2}, "source": "test"})", "cpu.json");
  for (DType t : {DType::kBF16, DType::kF16, DType::kF8E4M3, DType::kI8, DType::kF32}) {
    ASSERT_TRUE(h.PeakFlops(t).has_value());
    EXPECT_DOUBLE_EQ(*h.PeakFlops(t), 2e12);
  }
}

TEST(hardware_reader_test, errors_name_the_file_and_the_place) {
  EXPECT_EQ(Error("{\"name\": \"x\",\n  \"memory_gib\": }"),
            "my.json: invalid JSON at line 2, column 17: syntax error while parsing value - "
            "unexpected '}'; expected '[', '{', or a literal");
  EXPECT_EQ(Error(R"({"name": "x", "memory_bandwidth_gb_s": 1, "peak_tflops": {"float32": 1},
                     "source": "s"})"),
            "my.json: key 'memory_gib': is missing (required)");
  EXPECT_EQ(Error(R"({"name": "x", "memory_gib": 1, "memory_bandwidth_gb_s": "fast",
                     "peak_tflops": {"float32": 1}, "source": "s"})"),
            "my.json: key 'memory_bandwidth_gb_s': is a string, expected a number");
  // The lower bound is one byte: 2^-30 GiB = 9.31323e-10 (printed with %g).
  EXPECT_EQ(Error(R"({"name": "x", "memory_gib": -1, "memory_bandwidth_gb_s": 1,
                     "peak_tflops": {"float32": 1}, "source": "s"})"),
            "my.json: key 'memory_gib': is -1, expected a number in [9.31323e-10, 1e+06]");
  EXPECT_EQ(Error(R"({"name": "x", "memory_gib": 1, "memory_bandwidth_gb_s": 1,
                     "peak_tflops": {"float32": 1, "bf16": 2}, "source": "s"})"),
            "my.json: key 'peak_tflops.bf16': is not a dtype (expected float32, tf32, bfloat16, "
            "float16, float8, int8)");
  EXPECT_EQ(Error(R"({"name": "x", "memory_gib": 1, "memory_bandwidth_gb_s": 1,
                     "peak_tflops": {"bfloat16": 2}, "source": "s"})"),
            "my.json: key 'peak_tflops.float32': is missing (required: the fallback peak)");
  EXPECT_EQ(Error(R"({"name": "x", "memory_gb": 1})"),
            "my.json: key 'memory_gb': is not a hardware key (expected name, description, "
            "memory_gib, memory_bandwidth_gb_s, peak_tflops, source)");
  EXPECT_EQ(Error(R"({"name": "My GPU"})"),
            "my.json: key 'name': 'My GPU' may hold only a-z 0-9 . _ -");
  EXPECT_EQ(Error("[1, 2]"), "my.json: expected a JSON object, found an array");
}

TEST(hardware_reader_test, unknown_name_lists_the_bundled_ones) {
  try {
    FindHardware("h100");
    FAIL();
  } catch (const calflops::Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("h100-sxm"), std::string::npos);
  }
}

}  // namespace
}  // namespace calflops
