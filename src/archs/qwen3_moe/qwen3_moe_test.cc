#include "zoo_util.h"

namespace calflops::testing {
namespace {

// Qwen3-30B-A3B: 128 experts of 768, top-8; head_dim 128 with 32 query and 4 KV heads.
constexpr uint64_t kExpert = 3 * 2048ull * 768;

TEST(Qwen3Moe, PublishedTotalAndActiveParameters) {
  uint64_t attn = 2048ull * 4096 + 2 * 2048ull * 512 + 4096ull * 2048 + 2 * 128;
  uint64_t layer = attn + 2048 * 128 + 128 * kExpert + 2 * 2048;
  uint64_t total = 2 * 151936ull * 2048 + 48 * layer + 2048;
  EXPECT_EQ(total, 30'532'122'624u);
  EXPECT_EQ(ZooParams("qwen3-30b-a3b"), total);
  uint64_t active = total - 48 * 120 * kExpert;  // "A3B": 3.3B active
  EXPECT_EQ(active, 3'353'032'704u);
  EXPECT_EQ(ZooActiveParams("qwen3-30b-a3b"), active);
}

TEST(Qwen3Moe, Qwen3_235B_A22B_PublishedTotalAndActiveParameters) {
  // 94 layers, hidden 4096, 64 query and 4 KV heads of 128, 128 experts of 1536, top-8.
  constexpr uint64_t expert = 3 * 4096ull * 1536;
  uint64_t attn = 4096ull * 8192 + 2 * 4096ull * 512 + 8192ull * 4096 + 2 * 128;
  uint64_t layer = attn + 4096 * 128 + 128 * expert + 2 * 4096;
  uint64_t total = 2 * 151936ull * 4096 + 94 * layer + 4096;
  EXPECT_EQ(total, 235'093'634'560u);  // keras-hub's qwen3_moe_235b_a22b_en preset
  EXPECT_EQ(ZooParams("qwen3-235b-a22b"), total);
  uint64_t active = total - 94 * 120 * expert;  // "A22B"
  EXPECT_EQ(active, 22'190'763'520u);
  EXPECT_EQ(ZooActiveParams("qwen3-235b-a22b"), active);
}

TEST(Qwen3Moe, UpstreamLayoutAndRouting) {
  auto arch = ZooArch("qwen3-30b-a3b");
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn"), "Qwen3MoeAttention | ");
  EXPECT_EQ(Children(t, "model.layers.0.mlp"), "gate,experts");
  EXPECT_EQ(Describe(t, "model.layers.0.mlp.experts.127"), "Qwen3MoeMLP | ");
  // 32 tokens x 8 picks over 128 experts: 2 tokens each; norm_topk_prob renormalises.
  Profile p = ZooForward("qwen3-30b-a3b", 32);
  EXPECT_EQ(StatsAt(p, "model.layers.0.mlp.experts.100").macs, Count(2 * kExpert));
  const std::string moe = "model.layers.0.mlp";
  Count own =
      StatsAt(p, moe).flops - StatsAt(p, moe + ".gate").flops - StatsAt(p, moe + ".experts").flops;
  // softmax 5 x 128 - 2, top-8 8 x (256 - 9) / 2 = 988, sum 7 + divide 8, per token; per pick
  // weighting and index_add_ over 2048.
  EXPECT_EQ(own, Count(32 * (638 + 988 + 15) + 2 * 256 * 2048));
}

}  // namespace
}  // namespace calflops::testing
