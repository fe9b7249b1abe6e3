#include <nlohmann/json.hpp>

#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(DeepseekV2, ParameterCountFromTheArithmetic) {
  // DeepSeek-V2-Lite: q_proj 2048 x 16 x (128 + 64); kv_a_proj_with_mqa 2048 x (512 + 64);
  // kv_a_layernorm 512; kv_b_proj 512 x 16 x (128 + 128); o_proj 16 x 128 x 2048; two norms.
  // Layer 0 is dense (3 x 2048 x 10944); the other 26 hold 64 experts of 3 x 2048 x 1408, the
  // gate 64 x 2048 and 2 shared experts (3 x 2048 x 2816). Untied 102400-row embedding and head.
  // The checkpoint index says total_size 31,412,968,448 bytes of bfloat16.
  uint64_t attn = 2048ull * 3072 + 2048ull * 576 + 512 + 512ull * 4096 + 2048ull * 2048;
  uint64_t dense = attn + 2 * 2048 + 3 * 2048ull * 10944;
  uint64_t moe = attn + 2 * 2048 + 64 * 3 * 2048ull * 1408 + 64 * 2048 + 3 * 2048ull * 2816;
  uint64_t total = dense + 26 * moe + 2 * 102400ull * 2048 + 2048;
  EXPECT_EQ(total, 31'412'968'448u / 2);
  EXPECT_EQ(ZooParams("deepseek-v2-lite"), total);
}

TEST(DeepseekV2, ModuleTree) {
  auto arch = ZooArch("deepseek-v2-lite");
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "model.layers.1"), "self_attn,mlp,input_layernorm,post_attention_layernorm");
  EXPECT_EQ(Children(t, "model.layers.1.self_attn"),
            "q_proj,kv_a_proj_with_mqa,kv_a_layernorm,kv_b_proj,o_proj");
  EXPECT_EQ(Describe(t, "model.layers.1.mlp"), "DeepseekV2MoE | ");
  EXPECT_EQ(Children(t, "model.layers.1.mlp").substr(0, 8), "experts,");
  EXPECT_EQ(Describe(t, "model.layers.1.mlp.gate"), "DeepseekV2MoEGate | ");
  EXPECT_EQ(Describe(t, "model.layers.0.mlp"), "DeepseekV2MLP | ");
}

TEST(DeepseekV2, ComplexRotaryTables) {
  // 32 complex frequencies for 5 positions: inv_freq (32) @ positions (5) = 160 MACs; polar:
  // cos, sin and two products by abs (4 x 160); * attention_scaling on both parts (2 x 160).
  Profile p = ZooForward("deepseek-v2-lite", 5);
  EXPECT_EQ(StatsAt(p, "model.rotary_emb").macs, Count(160));
  EXPECT_EQ(StatsAt(p, "model.rotary_emb").flops, Count(2 * 160 + 6 * 160));
}

TEST(DeepseekV2, BadRoutingIsRefused) {
  Config c = LoadModelConfig("deepseek-v2-lite");
  EXPECT_THROW(BuildArchitecture(c.With("topk_method", "noaux_tc"), {}), Error);
  Config g = c.With("topk_method", "group_limited_greedy").With("n_group", 5).With("topk_group", 1);
  EXPECT_THROW(BuildArchitecture(g, {}), Error);  // 5 does not divide 64
}

}  // namespace
}  // namespace calflops::testing
