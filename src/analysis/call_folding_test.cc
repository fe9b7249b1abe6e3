// Folding a generation's decode steps into arithmetic series gives, bit for bit, what tracing
// every step gives: totals, every module, and every call's own counts. Also for architectures
// whose costs change slope (a sliding window), declared or not, and for a cost that is not
// piecewise affine at all.
#include "analysis/call_folding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "analysis/analyze.h"
#include "analysis/latency.h"
#include "analysis/memory.h"
#include "archs/arch_registry.h"
#include "archs/nn/linear.h"
#include "readers/hardware/hardware_reader.h"
#include "load/model_source.h"
#include "readers/zoo/zoo.h"

namespace calflops {
namespace {

bool Near(double a, double b) { return std::fabs(a - b) <= 1e-6 * std::max(std::fabs(a), std::fabs(b)); }

void ExpectSameProfile(const Profile& folded, const Profile& replayed, const std::string& what) {
  ASSERT_EQ(folded.stats.size(), replayed.stats.size()) << what;
  for (size_t i = 0; i < folded.stats.size(); ++i) {
    std::string at = what + " module " + folded.tree.Path(static_cast<ModuleId>(i));
    ASSERT_EQ(folded.stats[i].macs, replayed.stats[i].macs) << at;
    ASSERT_EQ(folded.stats[i].flops, replayed.stats[i].flops) << at;
    const ModulePerf &f = folded.perf.modules[i], &r = replayed.perf.modules[i];
    ASSERT_EQ(f.traffic.total(), r.traffic.total()) << at;
    ASSERT_EQ(f.traffic.kv_read, r.traffic.kv_read) << at;
    ASSERT_EQ(f.flops, r.flops) << at;
    ASSERT_EQ(f.activation_peak, r.activation_peak) << at;
    ASSERT_TRUE(Near(f.roofline.time_s, r.roofline.time_s)) << at;
    ASSERT_TRUE(Near(f.roofline.compute_bound_s, r.roofline.compute_bound_s)) << at;
  }
  ASSERT_EQ(folded.CallCount(), replayed.CallCount()) << what;
  for (int64_t i = 0; i < replayed.CallCount(); ++i) {
    CallStats f = folded.Call(i), r = replayed.Call(i);
    ASSERT_EQ(f.label, r.label) << what << " call " << i;
    ASSERT_EQ(f.tokens, r.tokens) << what << " call " << i;
    ASSERT_EQ(f.context, r.context) << what << " call " << i;
    ASSERT_EQ(f.images, r.images) << what << " call " << i;
    ASSERT_EQ(f.macs, r.macs) << what << " call " << i;
    ASSERT_EQ(f.flops, r.flops) << what << " call " << i;
  }
}

/// Memory and latency estimates, which read the per-run figures, agree as well.
void ExpectSameEstimates(const Profile& folded, const Profile& replayed, const Workload& w,
                         const Hardware& hw, const std::string& what) {
  MemoryEstimate mf = EstimateMemory(folded, w, TrainingOptions{});
  MemoryEstimate mr = EstimateMemory(replayed, w, TrainingOptions{});
  EXPECT_EQ(mf.peak, mr.peak) << what;
  EXPECT_EQ(mf.peak_at, mr.peak_at) << what;
  EXPECT_EQ(mf.kv_cache, mr.kv_cache) << what;
  EXPECT_EQ(mf.activations, mr.activations) << what;
  LatencyEstimate lf = EstimateLatency(folded, w, hw, mf), lr = EstimateLatency(replayed, w, hw, mr);
  EXPECT_EQ(lf.decode_steps, lr.decode_steps) << what;
  EXPECT_TRUE(Near(lf.total_s, lr.total_s)) << what << " " << lf.total_s << " vs " << lr.total_s;
  EXPECT_TRUE(Near(lf.decode.compute_bound_s, lr.decode.compute_bound_s)) << what;
}

TEST(CallFolding, LlamaFoldedEqualsReplayedForManyWorkloads) {
  struct Case {
    int64_t batch, prompt, new_tokens;
  };
  const Case cases[] = {{1, 1, 1}, {1, 1, 2}, {2, 5, 2}, {1, 7, 3}, {3, 3, 4},
                        {1, 4, 5}, {2, 128, 100}, {1, 1000, 257}};
  for (const char* model : {"tinyllama-1.1b", "llama-3-8b"}) {
    for (AttnImpl impl : {AttnImpl::kEager, AttnImpl::kSdpa, AttnImpl::kFlashAttention2}) {
      BuildOptions o;
      o.attn = impl;
      auto arch = BuildArchitecture(LoadModelConfig(model), o);
      for (Convention c : {Convention::kAnalytic, Convention::kCalflops}) {
        for (const Case& k : cases) {
          Workload w{.mode = Mode::kGenerate,
                     .batch = k.batch,
                     .prompt_tokens = k.prompt,
                     .max_new_tokens = k.new_tokens};
          std::string what = std::string(model) + " attn " + std::to_string(static_cast<int>(impl)) +
                             " " + std::string(ConventionName(c)) + " prompt " +
                             std::to_string(k.prompt) + " steps " + std::to_string(k.new_tokens);
          ExpectSameProfile(Analyze(*arch, w, c),
                            Analyze(*arch, w, c, nullptr, RunCosting::kReplay), what);
        }
      }
    }
  }
}

// Every zoo model that generates, with a device (roofline times, whose per-op max can bend), in
// a workload that crosses Mistral's sliding window and GPT-2's batch/position shapes.
TEST(CallFolding, ZooFoldedEqualsReplayedWithEstimates) {
  const Hardware& hw = FindHardware("h100-sxm");
  int generated = 0;
  for (const ZooEntry& z : ZooEntries()) {
    Config config = LoadModelConfig(std::string(z.name));
    std::unique_ptr<Architecture> arch;
    try {
      arch = BuildArchitecture(config, BuildOptions{});
    } catch (const Error&) {
      continue;  // not built by this version
    }
    bool mistral = config.String("model_type", "") == "mistral";
    for (int64_t batch : {1, 64}) {
      // Batch 64 moves decode attention towards compute-bound; DeepSeek-V3's 75,000 modules make
      // its replay the slow part of this test, so it runs at batch 1 only.
      if (batch > 1 && arch->tree().size() > 20000) continue;
      Workload w{.mode = Mode::kGenerate,
                 .batch = batch,
                 .prompt_tokens = mistral ? 4090 : 100,
                 .max_new_tokens = 13};
      Profile folded, replayed;
      try {
        replayed = Analyze(*arch, w, Convention::kAnalytic, &hw, RunCosting::kReplay);
      } catch (const Error& e) {
        // An encoder cannot generate: then folding must refuse it the same way.
        EXPECT_THROW(Analyze(*arch, w, Convention::kAnalytic, &hw), Error) << z.name;
        continue;
      }
      folded = Analyze(*arch, w, Convention::kAnalytic, &hw);
      std::string what = std::string(z.name) + " batch " + std::to_string(batch);
      ExpectSameProfile(folded, replayed, what);
      ExpectSameEstimates(folded, replayed, w, hw, what);
      generated += batch == 1;
    }
  }
  EXPECT_GE(generated, 15);  // the decoders and LLaVA; encoders refuse to generate
}

TEST(CallFolding, MillionStepsAreOneFoldedRun) {
  auto arch = BuildArchitecture(LoadModelConfig("llama-3-8b"), BuildOptions{});
  Workload w{.mode = Mode::kGenerate, .prompt_tokens = 128, .max_new_tokens = 1'000'000};
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  ASSERT_EQ(p.calls.size(), 2u);  // the prefill, and the decode steps as one affine run
  EXPECT_EQ(p.calls[1].repeat, 999'999);
  EXPECT_EQ(p.CallCount(), 1'000'000);
  EXPECT_EQ(p.Call(1).context, 129);
  EXPECT_EQ(p.Call(999'999).context, 128 + 1'000'000 - 1);
  // q_proj: one token per call after the 128-token prefill: 128 + 999,999 tokens x 4096 x 4096.
  ModuleId q = p.tree.Find("model.layers.0.self_attn.q_proj");
  EXPECT_EQ(p.stats[static_cast<size_t>(q)].macs, Count(1'000'127ull * 4096 * 4096));
}

// A toy architecture whose attention reads at most `window` cached tokens: its cost is affine in
// the cache length up to the window, then constant. With `declare`, it says so.
class WindowArch : public Architecture {
 public:
  WindowArch(int64_t window, bool declare) : Architecture(DType::kF32), window_(window), declare_(declare) {
    attn_ = tree_.Add(tree_.root(), "attn", "Attention");
    proj_ = Linear::Build(tree_, tree_.root(), "proj", 8, 8, true, DType::kF32);
  }
  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t keys = std::min(c.past_tokens + c.new_tokens, window_);
    Shape q{c.batch, 2, c.new_tokens, 4}, kv{c.batch, 2, keys, 4};
    t.Attention(attn_, q, kv, kv, c.new_tokens > 1, CallForm::kUnhooked);
    proj_(t, Shape{c.batch, c.new_tokens, 8});
  }
  std::vector<int64_t> CostBreakpoints(const ForwardCall&) const override {
    if (!declare_) return {};
    return {window_ - 1};  // from this cache length on, keys = window
  }

 private:
  int64_t window_;
  bool declare_;
  ModuleId attn_;
  Linear proj_;
};

TEST(CallFolding, SlidingWindowDeclaredOrNotMatchesReplay) {
  for (bool declare : {true, false}) {
    for (int64_t window : {2, 5, 37, 100, 1000}) {
      WindowArch arch(window, declare);
      for (int64_t prompt : {1, 3, 50}) {
        for (int64_t steps : {1, 2, 3, 10, 60, 301}) {
          Workload w{.mode = Mode::kGenerate, .prompt_tokens = prompt, .max_new_tokens = steps};
          std::string what = "window " + std::to_string(window) + (declare ? " declared" : " found") +
                             " prompt " + std::to_string(prompt) + " steps " + std::to_string(steps);
          ExpectSameProfile(Analyze(arch, w, Convention::kAnalytic),
                            Analyze(arch, w, Convention::kAnalytic, nullptr, RunCosting::kReplay), what);
        }
      }
    }
  }
}

TEST(CallFolding, DeclaredBreakpointSplitsTheRunOnce) {
  WindowArch arch(100, true);
  Workload w{.mode = Mode::kGenerate, .prompt_tokens = 10, .max_new_tokens = 1000};
  Profile p = Analyze(arch, w, Convention::kAnalytic);
  ASSERT_EQ(p.calls.size(), 3u);  // prefill, decode below the window, decode at the window
  EXPECT_EQ(p.calls[1].repeat + p.calls[2].repeat, 999);
}

// Cost quadratic in the cache length: no run of more than three calls is affine, so the
// analysis halves runs down to replay, and must still be exact.
class QuadraticArch : public Architecture {
 public:
  QuadraticArch() : Architecture(DType::kF32) { m_ = tree_.Add(tree_.root(), "m", "M"); }
  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t n = c.past_tokens + c.new_tokens;
    t.MatMul(m_, Shape{n, n}, Shape{n, 1}, CallForm::kTorch);
  }

 private:
  ModuleId m_;
};

TEST(CallFolding, NonAffineCostFallsBackToExactReplay) {
  QuadraticArch arch;
  Workload w{.mode = Mode::kGenerate, .prompt_tokens = 4, .max_new_tokens = 77};
  Profile p = Analyze(arch, w, Convention::kAnalytic);
  // Sum over calls of n^2 MACs, n = 4 (prefill), then 5 .. 80.
  uint64_t expected = 16;
  for (uint64_t n = 5; n <= 80; ++n) expected += n * n;
  EXPECT_EQ(p.total().macs, Count(expected));
  ExpectSameProfile(p, Analyze(arch, w, Convention::kAnalytic, nullptr, RunCosting::kReplay), "quadratic");
}

TEST(CallFolding, SumAffineRunArithmetic) {
  // Module 1: 10, 13, ..., 10 + 3 x 99 MACs (twice that in FLOPs); module 2: 7 FLOPs each call.
  CallCosts first{{1, {10, 20}}, {2, {0, 7}}}, second{{1, {13, 26}}, {2, {0, 7}}},
      last{{1, {10 + 3 * 99, 20 + 6 * 99}}, {2, {0, 7}}};
  auto sum = SumAffineRun(first, second, last, 100);
  ASSERT_TRUE(sum);
  ASSERT_EQ(sum->size(), 2u);
  EXPECT_EQ((*sum)[0].second.macs, Count(100 * 10 + 3 * 4950));
  EXPECT_EQ((*sum)[0].second.flops, Count(100 * 20 + 6 * 4950));
  EXPECT_EQ((*sum)[1].second.flops, Count(700));
  // Decreasing series: 100, 98, ..., 100 - 2 x 49 over 50 calls.
  CallCosts d0{{4, {100, 0}}}, d1{{4, {98, 0}}}, dl{{4, {2, 0}}};
  auto dsum = SumAffineRun(d0, d1, dl, 50);
  ASSERT_TRUE(dsum);
  EXPECT_EQ((*dsum)[0].second.macs, Count(50 * 100 - 2 * 1225));
  // A module that stops in the last call is off the line.
  CallCosts gone{{1, {10 + 3 * 99, 20 + 6 * 99}}};
  EXPECT_FALSE(SumAffineRun(first, second, gone, 100));
  // Off by one at the end.
  CallCosts off{{1, {10 + 3 * 99 + 1, 20 + 6 * 99}}, {2, {0, 7}}};
  EXPECT_FALSE(SumAffineRun(first, second, off, 100));
}

TEST(CallFolding, SeriesSumOverflowIsAnErrorNotAWrap) {
  u128 big = ~u128{0} / 4;
  CallCosts a{{1, {Count::FromU128(big), 0}}};
  EXPECT_THROW(
      {
        try {
          SumAffineRun(a, a, a, 5);
        } catch (const Error& e) {
          EXPECT_EQ(e.code(), ExitCode::kOverflow);
          throw;
        }
      },
      Error);
}

}  // namespace
}  // namespace calflops
