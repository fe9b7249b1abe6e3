// Per-call roofline times: they add up to the latency estimate, and the folded decode run's
// interpolated times equal each call traced on its own (RunCosting::kReplay).
#include "analysis/call_latency.h"

#include <gtest/gtest.h>

#include <cmath>

#include "analysis/analyze.h"
#include "analysis/estimates.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"
#include "readers/hardware/hardware_reader.h"

namespace calflops {
namespace {

TEST(CallLatency, StepsAddUpAndMatchEveryCallTraced) {
  auto arch = BuildArchitecture(LoadModelConfig("tinyllama-1.1b"), BuildOptions{});
  const Hardware& hw = FindHardware("h100-sxm");
  Workload w{.mode = Mode::kGenerate, .prompt_tokens = 100, .max_new_tokens = 60};
  Profile folded = Analyze(*arch, w, Convention::kAnalytic, &hw);
  Profile replay = Analyze(*arch, w, Convention::kAnalytic, &hw, RunCosting::kReplay);
  Estimates e = Estimate(folded, w, TrainingOptions{}, &hw, std::nullopt);
  ASSERT_TRUE(e.latency);
  ASSERT_EQ(folded.CallCount(), 60);
  double sum = 0;
  for (int64_t i = 0; i < folded.CallCount(); ++i) {
    std::optional<double> t = CallRooflineTime(folded, i), exact = CallRooflineTime(replay, i);
    ASSERT_TRUE(t && exact) << i;
    // The fold keeps roofline times on the line within 1e-6 (call_folding.h).
    EXPECT_NEAR(*t, *exact, 1e-6 * *exact) << "call " << i;
    sum += *t;
  }
  EXPECT_NEAR(sum, e.latency->total_s, 1e-9 * e.latency->total_s);
  EXPECT_EQ(*CallRooflineTime(folded, 0), e.latency->first.time_s);        // the prefill
  EXPECT_GT(*CallRooflineTime(folded, 59), *CallRooflineTime(folded, 1));  // the cache grows
  EXPECT_FALSE(CallRooflineTime(folded, 60));
  EXPECT_FALSE(CallRooflineTime(Analyze(*arch, w, Convention::kAnalytic), 1));  // no hardware
}

}  // namespace
}  // namespace calflops
