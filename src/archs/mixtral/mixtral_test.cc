#include "zoo_util.h"

namespace calflops::testing {
namespace {

// Mixtral-8x7B: one expert = w1, w3 (4096 x 14336) and w2 (14336 x 4096).
constexpr uint64_t kExpert = 3 * 4096ull * 14336;

TEST(Mixtral, PublishedTotalAndActiveParameters) {
  // Per layer: attention 2 x 4096^2 + 2 x 4096 x 1024, router 4096 x 8, 8 experts, two norms.
  uint64_t layer = 2 * 4096ull * 4096 + 2 * 4096ull * 1024 + 4096 * 8 + 8 * kExpert + 2 * 4096;
  uint64_t total = 2 * 32000ull * 4096 + 32 * layer + 4096;
  EXPECT_EQ(total, 46'702'792'704u);
  EXPECT_EQ(ZooParams("mixtral-8x7b"), total);
  // Active per token: every parameter except the 6 experts a token does not use, per layer.
  uint64_t active = total - 32 * 6 * kExpert;
  EXPECT_EQ(active, 12'879'925'248u);
  EXPECT_EQ(ZooActiveParams("mixtral-8x7b"), active);
}

TEST(Mixtral, ModulesAsTransformers445) {
  auto arch = ZooArch("mixtral-8x7b");
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "model.layers.0"),
            "self_attn,block_sparse_moe,input_layernorm,post_attention_layernorm");
  EXPECT_EQ(Children(t, "model.layers.0.block_sparse_moe"), "gate,experts");
  EXPECT_EQ(Describe(t, "model.layers.0.block_sparse_moe.gate"),
            "Linear | in_features=4096, out_features=8, bias=False");
  EXPECT_EQ(Describe(t, "model.layers.0.block_sparse_moe.experts.7"),
            "MixtralBlockSparseTop2MLP | ");
  EXPECT_EQ(Children(t, "model.layers.0.block_sparse_moe.experts.7"), "w1,w2,w3,act_fn");
}

TEST(Mixtral, RoutedExpertsRunTopKTokensEach) {
  // 128 tokens x 2 picks over 8 experts: 32 tokens per expert.
  Profile p = ZooForward("mixtral-8x7b", 128);
  const std::string moe = "model.layers.0.block_sparse_moe";
  for (int e : {0, 3, 7}) {
    EXPECT_EQ(StatsAt(p, moe + ".experts." + std::to_string(e)).macs, Count(32 * kExpert));
  }
  EXPECT_EQ(StatsAt(p, moe + ".gate").macs, Count(128 * 4096 * 8));
  // The block's own work: softmax over 8 (5 x 8 - 2 per token), top-2 by selection (7 + 6
  // comparisons), renormalisation (1 add + 2 divides), and per pick the weighting and the
  // index_add_ over 4096.
  Count own =
      StatsAt(p, moe).flops - StatsAt(p, moe + ".gate").flops - StatsAt(p, moe + ".experts").flops;
  EXPECT_EQ(own, Count(128 * 38 + 128 * 13 + 128 * 3 + 2 * 256 * 4096));
  // A decode step: one token's two picks go to experts 0 and 1.
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 5;
  w.max_new_tokens = 2;
  Profile g = Analyze(*ZooArch("mixtral-8x7b"), w, Convention::kAnalytic);
  // Experts 0 and 1: 3 tokens of the 10 prefill picks + 1 decode token; expert 7: 1 + 0.
  EXPECT_EQ(StatsAt(g, moe + ".experts.1").macs, Count(3 * kExpert));
  EXPECT_EQ(StatsAt(g, moe + ".experts.7").macs, Count(1 * kExpert));
}

}  // namespace
}  // namespace calflops::testing
