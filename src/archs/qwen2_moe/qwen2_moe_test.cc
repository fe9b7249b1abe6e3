#include <nlohmann/json.hpp>

#include "zoo_util.h"

namespace calflops::testing {
namespace {

// Qwen1.5-MoE-A2.7B: 60 experts of 1408, top-4, a shared expert of 5632 with a 2048 -> 1 gate.
constexpr uint64_t kExpert = 3 * 2048ull * 1408;

TEST(Qwen2Moe, PublishedTotalAndActiveParameters) {
  uint64_t attn = 3 * (2048ull * 2048 + 2048) + 2048ull * 2048;  // q, k, v with bias; o
  uint64_t moe = 2048 * 60 + 60 * kExpert + 3 * 2048ull * 5632 + 2048;
  uint64_t layer = attn + moe + 2 * 2048;
  uint64_t total = 2 * 151936ull * 2048 + 24 * layer + 2048;
  EXPECT_EQ(total, 14'315'784'192u);
  EXPECT_EQ(ZooParams("qwen1.5-moe-a2.7b"), total);
  // "A2.7B": 4 of 60 experts active.
  uint64_t active = total - 24 * 56 * kExpert;
  EXPECT_EQ(active, 2'689'173'504u);
  EXPECT_EQ(ZooActiveParams("qwen1.5-moe-a2.7b"), active);
}

TEST(Qwen2Moe, SharedExpertAndRouting) {
  auto arch = ZooArch("qwen1.5-moe-a2.7b");
  EXPECT_EQ(Children(arch->tree(), "model.layers.0.mlp"),
            "gate,experts,shared_expert,shared_expert_gate");
  EXPECT_EQ(Describe(arch->tree(), "model.layers.0.mlp"), "Qwen2MoeSparseMoeBlock | ");
  // 10 tokens x 4 picks = 40 over 60 experts: experts 0..39 one token each, 40..59 none.
  Profile p = ZooForward("qwen1.5-moe-a2.7b", 10);
  const std::string moe = "model.layers.2.mlp";
  EXPECT_EQ(StatsAt(p, moe + ".experts.39").macs, Count(kExpert));
  EXPECT_EQ(StatsAt(p, moe + ".experts.40").macs, Count(0));
  EXPECT_EQ(StatsAt(p, moe + ".shared_expert").macs, Count(10 * 3 * 2048ull * 5632));
  EXPECT_EQ(StatsAt(p, moe + ".shared_expert_gate").macs, Count(10 * 2048));
}

TEST(Qwen2Moe, DenseLayersFromMlpOnlyLayers) {
  Config c =
      LoadModelConfig("qwen1.5-moe-a2.7b").With("mlp_only_layers", nlohmann::json::array({0, 5}));
  auto arch = BuildArchitecture(c, BuildOptions{});
  EXPECT_EQ(Describe(arch->tree(), "model.layers.0.mlp"), "Qwen2MoeMLP | ");
  EXPECT_EQ(Describe(arch->tree(), "model.layers.1.mlp"), "Qwen2MoeSparseMoeBlock | ");
  EXPECT_EQ(Describe(arch->tree(), "model.layers.5.mlp.up_proj"),
            "Linear | in_features=2048, out_features=5632, bias=False");
}

}  // namespace
}  // namespace calflops::testing
