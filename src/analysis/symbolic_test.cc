// --symbolic: polynomials checked against full analyses at points the fit never saw, on a decoder
// (prefill and decode step) and an encoder (forward); the attention term written out by hand.
#include "analysis/symbolic.h"

#include <gtest/gtest.h>

#include "archs/arch_registry.h"
#include "archs/moe/expert_load.h"
#include "load/model_source.h"
#include "model/error.h"

namespace calflops {
namespace {

TEST(Symbolic, Llama3PrefillAndDecode) {
  auto arch = BuildArchitecture(LoadModelConfig("llama-3-8b"), BuildOptions{});
  auto costs = SymbolicCosts(*arch, Workload{}, Convention::kAnalytic);
  ASSERT_EQ(costs.size(), 2u);
  EXPECT_EQ(costs[0].name, "prefill");
  EXPECT_EQ(costs[1].name, "decode step");
  EXPECT_EQ(costs[0].checked_points, 18);
  EXPECT_EQ(costs[0].from, 2);
  // Prefill attention: QK^T and PV are 2 x b x 32 heads x 128 x s^2 MACs per layer over 32
  // layers, the only b·s² term (SDPA's causal mask is not discounted).
  EXPECT_EQ(costs[0].macs.coef[1][2] * 1, costs[0].macs.den * 2 * 32 * 128 * 32);
  EXPECT_EQ(costs[0].macs.coef[0][2], 0);  // nothing quadratic without the batch
  EXPECT_EQ(costs[0].macs.coef[2][0] + costs[0].macs.coef[2][1] + costs[0].macs.coef[2][2], 0);
  // Decode step: linear in the context (attention over c cached tokens), no c² term.
  EXPECT_EQ(costs[1].macs.coef[1][2], 0);
  EXPECT_EQ(costs[1].macs.coef[1][1], costs[1].macs.den * 2 * 32 * 128 * 32);
  // Evaluated far from every fitted or checked point, against a full analysis.
  Workload w;
  w.mode = Mode::kGenerate;
  w.batch = 3;
  w.prompt_tokens = 20000;
  w.max_new_tokens = 2;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  EXPECT_EQ(costs[0].flops.At(3, 20000), p.Call(0).flops);
  EXPECT_EQ(costs[1].flops.At(3, 20001), p.Call(1).flops);
  EXPECT_EQ(costs[1].macs.At(3, 20001), p.Call(1).macs);
  EXPECT_NE(costs[0].flops.ToString("b", "s").find("·b·s²"), std::string::npos)
      << costs[0].flops.ToString("b", "s");
}

TEST(Symbolic, EncoderForwardOnly) {
  auto arch = BuildArchitecture(LoadModelConfig("bert-base-uncased"), BuildOptions{});
  auto costs = SymbolicCosts(*arch, Workload{}, Convention::kAnalytic);
  ASSERT_EQ(costs.size(), 1u);
  EXPECT_EQ(costs[0].name, "forward");
  Workload w;
  w.batch = 2;
  w.seq_len = 300;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  EXPECT_EQ(costs[0].flops.At(2, 300), p.total().flops);
}

TEST(Symbolic, PolynomialPrinting) {
  Polynomial2 q;
  q.den = 2;
  q.coef[1][2] = 3;   // 3/2 b s²
  q.coef[0][1] = -4;  // -2 s
  q.coef[0][0] = 8;   // 4
  EXPECT_EQ(q.ToString("b", "s"), "3/2·b·s² - 2·s + 4");
  EXPECT_EQ(q.At(2, 2), Count(12 - 4 + 4));
  EXPECT_EQ(Polynomial2{}.ToString("b", "s"), "0");
}

TEST(Symbolic, MixtureOfExpertsFitsOnExpertsBuiltAsRuns) {
  // Every call the fits and checks trace is planned first; DeepSeek-V3's experts (top-8 of 256)
  // are built as runs of equal load in all of them: at most 32 a layer instead of 256 (3.5 CPU
  // s with every expert built). The polynomials equal full analyses of the model with every
  // expert on its own, at a point the fit never saw.
  const Config config = LoadModelConfig("deepseek-v3");
  auto one_run = BuildArchitecture(config, BuildOptions{.routed_tokens = std::vector<int64_t>{}});
  const std::vector<int64_t> tokens = SymbolicRoutedTokens(*one_run, Workload{});
  EXPECT_LE(ExpertRuns(tokens, 8, 256).size(), 32u);
  auto runs = BuildArchitecture(config, BuildOptions{.routed_tokens = tokens});
  auto every = BuildArchitecture(config, BuildOptions{});
  EXPECT_LE(runs->tree().size() * 5, every->tree().size());
  auto costs = SymbolicCosts(*runs, Workload{}, Convention::kAnalytic);
  ASSERT_EQ(costs.size(), 2u);
  Workload w;
  w.mode = Mode::kGenerate;
  w.batch = 3;
  w.prompt_tokens = 700;
  w.max_new_tokens = 2;
  Profile p = Analyze(*every, w, Convention::kAnalytic);
  EXPECT_EQ(costs[0].macs.At(3, 700), p.Call(0).macs);
  EXPECT_EQ(costs[0].flops.At(3, 700), p.Call(0).flops);
  EXPECT_EQ(costs[1].macs.At(3, 701), p.Call(1).macs);
  EXPECT_EQ(costs[1].flops.At(3, 701), p.Call(1).flops);
}

}  // namespace
}  // namespace calflops
