// Sweep ranges parsed as written out here, and swept points equal single analyses: q_proj-style
// arithmetic on Llama-3-8B's totals (linear parts scale with tokens, attention quadratically).
#include "analysis/sweep.h"

#include <gtest/gtest.h>

#include <chrono>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "model/error.h"
#include "load/model_source.h"

namespace calflops {
namespace {

TEST(Sweep, Ranges) {
  using V = std::vector<int64_t>;
  EXPECT_EQ(ParseSweepRange("--seq-len", "128:2048:x2"), (V{128, 256, 512, 1024, 2048}));
  EXPECT_EQ(ParseSweepRange("--seq-len", "100:1000:x3"), (V{100, 300, 900, 1000}));
  EXPECT_EQ(ParseSweepRange("--seq-len", "1:10:+4"), (V{1, 5, 9, 10}));
  EXPECT_EQ(ParseSweepRange("--seq-len", "5:5:+1"), (V{5}));
  EXPECT_EQ(ParseSweepRange("--seq-len", "64"), (V{64}));
  EXPECT_EQ(ParseSweepRange("--seq-len", "1:1000:+1").size(), 1000u);
  // No overflow near the top of int64.
  EXPECT_EQ(ParseSweepRange("--seq-len", "4611686018427387904:9223372036854775807:x2").size(), 2u);
  for (const char* bad : {"", "0:10:+1", "10:5:+1", "1:10", "1:10:*2", "1:10:x1", "1:10:+0",
                          "a:10:+1", "1:10:+", "1:1000000:+1", "-1:5:+1"}) {
    try {
      ParseSweepRange("--seq-len", bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage) << bad;
      EXPECT_NE(std::string(e.what()).find("--seq-len"), std::string::npos) << e.what();
    }
  }
}

TEST(Sweep, PointsEqualSingleAnalyses) {
  auto arch = BuildArchitecture(LoadModelConfig("llama-3-8b"), BuildOptions{});
  Workload base;
  auto pts = Sweep(*arch, base, SweepAxis::kSeqLen, {128, 256, 512}, Convention::kAnalytic,
                   nullptr, TrainingOptions{});
  ASSERT_EQ(pts.size(), 3u);
  for (const SweepPoint& pt : pts) {
    Workload w = base;
    w.seq_len = pt.value;
    Profile p = Analyze(*arch, w, Convention::kAnalytic);
    EXPECT_EQ(pt.flops, p.total().flops) << pt.value;
    EXPECT_EQ(pt.params, Count(8030261248ull));
  }
  // FLOPs are quadratic in the sequence length: the second difference of equally spaced points
  // is constant (128, 256, 384, 512).
  auto q = Sweep(*arch, base, SweepAxis::kSeqLen, {128, 256, 384, 512}, Convention::kAnalytic,
                 nullptr, TrainingOptions{});
  Count d1 = q[1].flops - q[0].flops, d2 = q[2].flops - q[1].flops, d3 = q[3].flops - q[2].flops;
  EXPECT_EQ(d2 - d1, d3 - d2);
  EXPECT_GT(d2, d1);  // attention grows faster than linearly
}

TEST(Sweep, CountsFromThePolynomialEqualFullAnalyses) {
  auto arch = BuildArchitecture(LoadModelConfig("llama-3-8b"), BuildOptions{});
  Workload base;
  base.batch = 2;
  auto values = ParseSweepRange("--seq-len", "1:4001:+100");  // 1, 101, ..., 4001: 41 points
  ASSERT_EQ(values.size(), 41u);
  auto fast = SweepCounts(*arch, base, SweepAxis::kSeqLen, values, Convention::kAnalytic);
  ASSERT_EQ(fast.size(), values.size());
  // Every 5th point (and s = 1, below the polynomial's range) against a full analysis.
  for (size_t i = 0; i < values.size(); i += 5) {
    Workload w = base;
    w.seq_len = values[i];
    Profile p = Analyze(*arch, w, Convention::kAnalytic);
    EXPECT_EQ(fast[i].flops, p.total().flops) << values[i];
    EXPECT_EQ(fast[i].macs, p.total().macs) << values[i];
    EXPECT_EQ(fast[i].params, Count(8030261248ull));
  }
  // Batch swept at 128 tokens (not quite b x one sequence: the rotary tables are computed once
  // per call, whatever the batch).
  auto batches = SweepCounts(*arch, Workload{}, SweepAxis::kBatch,
                             ParseSweepRange("--batch-size", "1:30:+1"), Convention::kAnalytic);
  ASSERT_EQ(batches.size(), 30u);
  for (int64_t b : {17, 30}) {
    Workload w;
    w.batch = b;
    EXPECT_EQ(batches[b - 1].flops, Analyze(*arch, w, Convention::kAnalytic).total().flops) << b;
  }
  EXPECT_LT(batches[29].flops, batches[0].flops * Count(30));
  // Past the position table: the same error as a single run.
  auto bert = BuildArchitecture(LoadModelConfig("bert-base-uncased"), BuildOptions{});
  EXPECT_THROW(SweepCounts(*bert, Workload{}, SweepAxis::kSeqLen,
                           ParseSweepRange("--seq-len", "8:1024:+8"), Convention::kAnalytic),
               Error);
}

}  // namespace
}  // namespace calflops
