// The sweep's per-op quadratics against a full analysis (Analyze + Estimate) of every point:
// params, MACs, FLOPs, peak memory and roofline latency equal, the latency to the last bit, over
// many points of dense, encoder, MoE and sliding-window models, both axes, both conventions.
#include "analysis/sweep_polynomial.h"

#include <gtest/gtest.h>

#include "archs/arch_registry.h"
#include "load/model_source.h"
#include "model/tracer.h"
#include "readers/hardware/hardware_reader.h"

namespace calflops {
namespace {

std::unique_ptr<Architecture> Arch(const char* name) {
  return BuildArchitecture(LoadModelConfig(name), BuildOptions{});
}

/// Sweeps `values` both ways and compares every point; returns whether the quadratics applied.
bool SameAsFull(const char* model, SweepAxis axis, const std::vector<int64_t>& values,
                Convention c = Convention::kAnalytic, Workload base = {}) {
  auto arch = Arch(model);
  const Hardware& hw = FindHardware("h100-sxm");
  auto full = Sweep(*arch, base, axis, values, c, &hw, TrainingOptions{}, SweepPath::kFull);
  int checked = 0;
  auto fast = SweepByPolynomials(
      *arch, base, axis, values, c, &hw,
      [&](int64_t v) {
        return Sweep(*arch, base, axis, {v}, c, &hw, TrainingOptions{}, SweepPath::kFull)[0];
      },
      &checked);
  // What the CLI runs: the quadratics when they apply, else the full path; equal either way.
  auto chosen = Sweep(*arch, base, axis, values, c, &hw, TrainingOptions{});
  EXPECT_EQ(chosen.size(), values.size());
  const std::vector<SweepPoint>& got = fast ? *fast : chosen;
  EXPECT_EQ(got.size(), full.size()) << model;
  for (size_t i = 0; i < full.size() && i < got.size(); ++i) {
    const SweepPoint &a = got[i], &b = full[i];
    SCOPED_TRACE(std::string(model) + " at " + std::to_string(b.value));
    EXPECT_EQ(a.value, b.value);
    EXPECT_EQ(a.params, b.params);
    EXPECT_EQ(a.macs, b.macs);
    EXPECT_EQ(a.flops, b.flops);
    EXPECT_EQ(a.memory_peak, b.memory_peak);
    if (!a.latency_s || !b.latency_s) {
      ADD_FAILURE() << "no latency";
      continue;
    }
    EXPECT_EQ(*a.latency_s, *b.latency_s);  // the same doubles added in the same order
    EXPECT_EQ(chosen[i].flops, b.flops);
    EXPECT_EQ(chosen[i].memory_peak, b.memory_peak);
    EXPECT_EQ(chosen[i].latency_s, b.latency_s);
  }
  if (fast) {
    EXPECT_GE(checked, 3) << model;
  }
  return fast.has_value();
}

TEST(SweepPolynomial, DecodersOverSequenceLength) {
  // Llama-3-8B from s = 1 (the one-token forward analysed in full) through 2,000, 81 points.
  EXPECT_TRUE(SameAsFull("llama-3-8b", SweepAxis::kSeqLen, ParseSweepRange("s", "1:2001:+25")));
  EXPECT_TRUE(SameAsFull("qwen2.5-7b", SweepAxis::kSeqLen, ParseSweepRange("s", "3:600:+13")));
  EXPECT_TRUE(SameAsFull("gpt2", SweepAxis::kSeqLen, ParseSweepRange("s", "1:1024:+11")));
  // 9 geometric points under calflops' convention (the CLI analyses so few in full).
  EXPECT_TRUE(SameAsFull("llama-3-8b", SweepAxis::kSeqLen, ParseSweepRange("s", "16:4096:x2"),
                         Convention::kCalflops));
}

TEST(SweepPolynomial, BatchAxisAndConventions) {
  Workload base;
  base.seq_len = 300;
  EXPECT_TRUE(SameAsFull("llama-3-8b", SweepAxis::kBatch, ParseSweepRange("b", "1:64:+1"),
                         Convention::kAnalytic, base));
  EXPECT_TRUE(SameAsFull("tinyllama-1.1b", SweepAxis::kBatch, ParseSweepRange("b", "1:90:+3"),
                         Convention::kCalflops, base));
}

TEST(SweepPolynomial, EncodersAndModelLimits) {
  EXPECT_TRUE(
      SameAsFull("bert-base-uncased", SweepAxis::kSeqLen, ParseSweepRange("s", "1:512:+9")));
  // Past the position table (512) the full path reports the error; the quadratics decline.
  auto arch = Arch("bert-base-uncased");
  auto never = [](int64_t) -> SweepPoint { throw std::logic_error("not reached"); };
  EXPECT_FALSE(SweepByPolynomials(*arch, Workload{}, SweepAxis::kSeqLen,
                                  ParseSweepRange("s", "2:600:+2"), Convention::kAnalytic, nullptr,
                                  never));
}

TEST(SweepPolynomial, MoeAndSlidingWindowsEqualFullEitherWay) {
  // Expert loads are floors of tokens x k / experts: the checks decide; whatever path is taken,
  // every point equals the full analysis.
  SameAsFull("mixtral-8x7b", SweepAxis::kSeqLen, ParseSweepRange("s", "1:300:+7"));
  SameAsFull("qwen1.5-moe-a2.7b", SweepAxis::kSeqLen, ParseSweepRange("s", "2:200:+5"));
  // Gemma-2's sliding window (4,096) bends the local layers' attention cost past it.
  SameAsFull("gemma-2-9b", SweepAxis::kSeqLen, ParseSweepRange("s", "3000:6000:+100"));
}

TEST(SweepPolynomial, NotForOtherWorkloads) {
  auto arch = Arch("tinyllama-1.1b");
  auto never = [](int64_t) -> SweepPoint { throw std::logic_error("not reached"); };
  Workload gen;
  gen.mode = Mode::kGenerate;
  EXPECT_FALSE(SweepByPolynomials(*arch, gen, SweepAxis::kPromptTokens,
                                  ParseSweepRange("p", "1:100:+1"), Convention::kAnalytic, nullptr,
                                  never));
  Workload train;
  train.train = true;
  EXPECT_FALSE(SweepByPolynomials(*arch, train, SweepAxis::kSeqLen,
                                  ParseSweepRange("s", "2:100:+1"), Convention::kAnalytic, nullptr,
                                  never));
}

/// n x n times n x n over the n tokens of a call: n^3 MACs, no quadratic.
class CubicArch : public Architecture {
 public:
  CubicArch() : Architecture(DType::kF32) { m_ = tree_.Add(tree_.root(), "m", "M"); }
  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t n = c.batch * c.new_tokens;
    t.MatMul(m_, Shape{n, n}, Shape{n, n}, CallForm::kTorch);
  }

 private:
  ModuleId m_;
};

/// n x n times n x 1 for n tokens up to a window of 700, then 700 (a quadratic that bends).
class WindowArch : public Architecture {
 public:
  WindowArch() : Architecture(DType::kF32) { m_ = tree_.Add(tree_.root(), "m", "M"); }
  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t n = std::min<int64_t>(c.new_tokens, 700);
    t.MatMul(m_, Shape{n, n}, Shape{n, 1}, CallForm::kTorch);
  }

 private:
  ModuleId m_;
};

TEST(SweepPolynomial, ChecksRefuseWhatIsNoQuadratic) {
  auto never = [](int64_t) -> SweepPoint { throw std::logic_error("not reached"); };
  const std::vector<int64_t> values = ParseSweepRange("s", "2:1000:+1");
  CubicArch cubic;
  EXPECT_FALSE(SweepByPolynomials(cubic, Workload{}, SweepAxis::kSeqLen, values,
                                  Convention::kAnalytic, nullptr, never));
  auto pts = Sweep(cubic, Workload{}, SweepAxis::kSeqLen, values, Convention::kAnalytic, nullptr,
                   TrainingOptions{});
  ASSERT_EQ(pts.size(), values.size());
  for (const SweepPoint& p : pts) {
    uint64_t n = static_cast<uint64_t>(p.value);
    EXPECT_EQ(p.macs, Count(n * n * n)) << n;
  }
  WindowArch window;
  EXPECT_FALSE(SweepByPolynomials(window, Workload{}, SweepAxis::kSeqLen, values,
                                  Convention::kAnalytic, nullptr, never));
  pts = Sweep(window, Workload{}, SweepAxis::kSeqLen, values, Convention::kAnalytic, nullptr,
              TrainingOptions{});
  for (const SweepPoint& p : pts) {
    uint64_t n = std::min<uint64_t>(static_cast<uint64_t>(p.value), 700);
    EXPECT_EQ(p.macs, Count(n * n)) << p.value;
  }
  // Below the window the same arithmetic is a quadratic, and the shortcut takes it.
  auto below =
      SweepByPolynomials(window, Workload{}, SweepAxis::kSeqLen, ParseSweepRange("s", "2:700:+1"),
                         Convention::kAnalytic, nullptr, never);
  ASSERT_TRUE(below);
  for (const SweepPoint& p : *below) {
    uint64_t n = static_cast<uint64_t>(p.value);
    EXPECT_EQ(p.macs, Count(n * n)) << n;
  }
}

}  // namespace
}  // namespace calflops
