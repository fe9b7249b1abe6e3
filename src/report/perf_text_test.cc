// The human-readable units of the performance sections, and a device estimate beyond 2^64 bytes
// (found by the config fuzzer: the latency section cast a double byte count to uint64).
#include "report/perf_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "analysis/analyze.h"
#include "analysis/estimates.h"
#include "archs/arch_registry.h"
#include "readers/hardware/hardware_reader.h"
#include "readers/hf_config/config.h"
#include "report/report_model.h"
#include "report/text_report.h"

namespace calflops {
namespace {

TEST(PerfText, HumanBytesUsesBinaryPrefixes) {
  EXPECT_EQ(HumanBytes(Count(1023)), "1023 B");
  EXPECT_EQ(HumanBytes(Count(1536)), "1.50 KiB");
  EXPECT_EQ(HumanBytes(3.0 * 1024 * 1024 * 1024), "3.00 GiB");
  // Past PiB the number grows: 2^70 bytes = 2^20 PiB.
  EXPECT_EQ(HumanBytes(std::ldexp(1.0, 70)), "1048576.00 PiB");
}

TEST(PerfText, HumanSecondsPicksTheUnit) {
  EXPECT_EQ(HumanSeconds(2.5), "2.500 s");
  EXPECT_EQ(HumanSeconds(0.0123), "12.300 ms");
  EXPECT_EQ(HumanSeconds(4e-6), "4.000 us");
}

TEST(PerfText, LatencySectionPrintsMemoryBeyond64Bits) {
  // hidden = intermediate = 2^31, 32 heads: q, k, v, o are 4 h^2 weights, gate, up, down 3 h^2,
  // embedding and head 2 x 1000 x h; at 2 bytes each that is about 7 x 2^63 bytes, past 2^64.
  auto arch = BuildArchitecture(Config::Parse(R"({"model_type": "llama", "hidden_size": 2147483648,
                        "intermediate_size": 2147483648, "vocab_size": 1000,
                        "num_hidden_layers": 1, "torch_dtype": "bfloat16"})",
                                              "huge.json"),
                                BuildOptions{});
  const Hardware* hw = &FindHardware("h100-sxm");
  Workload w{.seq_len = 3};
  Profile p = Analyze(*arch, w, Convention::kAnalytic, hw);
  Estimates e = Estimate(p, w, TrainingOptions{}, hw, std::nullopt);
  ASSERT_TRUE(e.latency.has_value());
  double h = std::ldexp(1.0, 31);
  double weights = 2.0 * (7.0 * h * h + 2.0 * 1000.0 * h);
  EXPECT_GT(weights, std::ldexp(1.0, 64));
  EXPECT_GE(e.latency->memory_bytes, weights);
  ReportModel r{
      .model = "huge.json", .attn_impl = "sdpa", .workload = w, .profile = &p, .estimates = &e};
  std::ostringstream out;
  WriteTextReport(r, ReportOptions{}, out);
  // 7 x 2^63 bytes = 7 x 2^13 PiB = 57344 PiB, plus the small rest.
  EXPECT_NE(out.str().find("memory:"), std::string::npos);
  EXPECT_NE(out.str().find("5734"), std::string::npos) << out.str().substr(0, 4000);
  EXPECT_NE(out.str().find("does NOT fit"), std::string::npos);
}

}  // namespace
}  // namespace calflops
