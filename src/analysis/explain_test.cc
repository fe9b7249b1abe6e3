// --explain on Llama-3-8B: q_proj's one op per call with its shapes and the matmul arithmetic
// written out here; a decoder layer's and a generation's explained totals equal the profile's.
#include "analysis/explain.h"

#include <gtest/gtest.h>

#include "archs/arch_registry.h"
#include "load/model_source.h"

namespace calflops {
namespace {

std::unique_ptr<Architecture> Llama() {
  return BuildArchitecture(LoadModelConfig("llama-3-8b"), BuildOptions{});
}

TEST(Explain, QProjIsOneLinearPerCall) {
  auto arch = Llama();
  ModuleId q = arch->tree().Find("model.layers.0.self_attn.q_proj");
  ASSERT_NE(q, kNoModule);
  Workload w;
  w.seq_len = 2982;
  Explanation e = Explain(*arch, w, Convention::kAnalytic, q);
  ASSERT_EQ(e.calls.size(), 1u);
  const ExplainedCall& c = e.calls[0];
  EXPECT_EQ(c.label, "forward");
  EXPECT_EQ(c.tokens, 2982);
  ASSERT_EQ(c.ops.size(), 1u);
  const ExplainedOp& op = c.ops[0];
  EXPECT_EQ(OpName(op.op), "Linear");
  EXPECT_EQ(op.module, q);
  EXPECT_EQ(OpShapes(op.op),
            "(1, 2982, 4096) x (4096, 4096) -> (1, 2982, 4096); 2982 rows x 4096 in x 4096 out");
  EXPECT_EQ(op.cost.macs, Count(2982ull * 4096 * 4096));
  EXPECT_EQ(op.cost.flops, Count(2ull * 2982 * 4096 * 4096));
  EXPECT_FALSE(OpFormula(op.op, Convention::kAnalytic).empty());
  EXPECT_EQ(e.total.macs, Count(2982ull * 4096 * 4096));
}

TEST(Explain, TotalsEqualTheProfile) {
  auto arch = Llama();
  ModuleId layer = arch->tree().Find("model.layers.3");
  ASSERT_NE(layer, kNoModule);
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 100;
  w.max_new_tokens = 40;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  Explanation e = Explain(*arch, w, Convention::kAnalytic, layer);
  // Prefill, then the decode run's first and last calls.
  ASSERT_EQ(e.calls.size(), 3u);
  EXPECT_EQ(e.calls[0].label, "prefill");
  EXPECT_EQ(e.calls[0].context, 100);
  EXPECT_EQ(e.calls[1].index, 1);
  EXPECT_EQ(e.calls[1].context, 101);
  EXPECT_EQ(e.calls[2].index, 39);
  EXPECT_EQ(e.calls[2].context, 139);
  EXPECT_EQ(e.total.macs, p.stats[static_cast<size_t>(layer)].macs);
  EXPECT_EQ(e.total.flops, p.stats[static_cast<size_t>(layer)].flops);
  // Every op listed: the call totals are the sums of the listed ops.
  for (const ExplainedCall& c : e.calls) {
    EXPECT_EQ(c.ops_left_out, 0u);
    OpCost sum;
    for (const ExplainedOp& op : c.ops) {
      Count n = Count::FromSigned(op.times);
      sum += OpCost{op.cost.macs * n, op.cost.flops * n};
    }
    EXPECT_EQ(sum.flops, c.total.flops);
  }
  // Under calflops' convention the same layer explains calflops' numbers.
  Profile pc = Analyze(*arch, w, Convention::kCalflops);
  Explanation ec = Explain(*arch, w, Convention::kCalflops, layer);
  EXPECT_EQ(ec.total.flops, pc.stats[static_cast<size_t>(layer)].flops);
}

}  // namespace
}  // namespace calflops
