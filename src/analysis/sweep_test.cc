// Sweep ranges parsed as written out here, and swept points equal single analyses: q_proj-style
// arithmetic on Llama-3-8B's totals (linear parts scale with tokens, attention quadratically).
#include "analysis/sweep.h"

#include <gtest/gtest.h>

#include <chrono>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "archs/moe/expert_load.h"
#include "load/model_source.h"
#include "model/error.h"

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
  auto pts = Sweep(*arch, base, SweepAxis::kSeqLen, {128, 256, 512}, Convention::kAnalytic, nullptr,
                   TrainingOptions{});
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

TEST(Sweep, RoutedExpertsAreBuiltAsRunsOfEqualLoadOverEveryPoint) {
  // DeepSeek-V3 routes top-8 of 256 experts: a call of T tokens cuts the experts' loads at
  // 8 T mod 256, a multiple of 8, so whatever the points there are at most 256 / 8 = 32 runs a
  // layer (a point took 0.1-0.17 CPU s with every expert built). The points equal those of the
  // model with every expert on its own.
  const Config config = LoadModelConfig("deepseek-v3");
  auto every = BuildArchitecture(config, BuildOptions{});
  auto one_run = BuildArchitecture(config, BuildOptions{.routed_tokens = std::vector<int64_t>{}});
  Workload base;
  base.train = true;
  std::vector<int64_t> values;
  for (int64_t v = 1; v <= 4096; ++v) values.push_back(v);
  const std::vector<int64_t> tokens = SweepRoutedTokens(*one_run, base, SweepAxis::kSeqLen, values);
  EXPECT_LE(ExpertRuns(tokens, 8, 256).size(), 32u);
  auto runs = BuildArchitecture(config, BuildOptions{.routed_tokens = tokens});
  // 58 MoE layers of 256 experts of 5 modules (the expert, 3 projections, the activation)
  // built as <= 32.
  EXPECT_LE(every->tree().size() - runs->tree().size(), 58u * (256 - 1) * 5);
  EXPECT_GE(every->tree().size() - runs->tree().size(), 58u * (256 - 32) * 5);
  const std::vector<int64_t> some{1, 77, 300};
  auto a = Sweep(*runs, base, SweepAxis::kSeqLen, some, Convention::kAnalytic, nullptr,
                 TrainingOptions{}, SweepPath::kFull);
  auto b = Sweep(*every, base, SweepAxis::kSeqLen, some, Convention::kAnalytic, nullptr,
                 TrainingOptions{}, SweepPath::kFull);
  ASSERT_EQ(a.size(), 3u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].params, b[i].params);
    EXPECT_EQ(a[i].macs, b[i].macs);
    EXPECT_EQ(a[i].flops, b[i].flops);
    EXPECT_EQ(a[i].memory_peak, b[i].memory_peak);
  }
}

TEST(Sweep, PointsAnalysedInFullAreBoundedInWork) {
  // A unit is one module in one traced call, x3 to train: a forward point of Llama-3-8B is one
  // trace, a generation of 8 new tokens a prefill and 3 traces of the decode run.
  auto arch = BuildArchitecture(LoadModelConfig("llama-3-8b"), BuildOptions{});
  const auto modules = static_cast<int64_t>(arch->tree().size());
  Workload fwd;
  EXPECT_EQ(AnalysisWork(*arch, fwd), modules);
  Workload train;
  train.train = true;
  EXPECT_EQ(AnalysisWork(*arch, train), 3 * modules);
  Workload gen;
  gen.mode = Mode::kGenerate;
  gen.max_new_tokens = 8;
  EXPECT_EQ(AnalysisWork(*arch, gen), 4 * modules);
  // A training sweep: as many points as fit in 2^20 units, and one more is refused before any
  // analysis, naming the option and the limit.
  const int64_t fit = kMaxSweepWork / (3 * modules);
  std::vector<int64_t> values;
  for (int64_t v = 1; v <= fit; ++v) values.push_back(v);
  int64_t left = kMaxSweepWork;
  ChargeSweepWork(*arch, train, SweepAxis::kSeqLen, values, &left);
  EXPECT_EQ(left, kMaxSweepWork - fit * 3 * modules);
  values.push_back(fit + 1);
  left = kMaxSweepWork;
  try {
    Sweep(*arch, train, SweepAxis::kSeqLen, values, Convention::kAnalytic, nullptr,
          TrainingOptions{}, SweepPath::kAuto, &left);
    ADD_FAILURE() << "a sweep past the work limit was analysed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("--seq-len"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("1048576"), std::string::npos) << e.what();
  }
  EXPECT_EQ(left, kMaxSweepWork);  // nothing charged
  // A forward sweep over --seq-len takes the quadratics (~12 traces), not a unit per point.
  values.clear();
  for (int64_t v = 1; v <= 4096; ++v) values.push_back(v);
  EXPECT_EQ(Sweep(*arch, fwd, SweepAxis::kSeqLen, values, Convention::kAnalytic, nullptr,
                  TrainingOptions{}, SweepPath::kAuto, &left)
                .size(),
            4096u);
  EXPECT_EQ(left, kMaxSweepWork);
}

}  // namespace
}  // namespace calflops
