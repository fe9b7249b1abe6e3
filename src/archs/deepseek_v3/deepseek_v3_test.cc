#include "zoo_util.h"

namespace calflops::testing {
namespace {

// DeepSeek-V3: hidden 7168, 128 heads, q_lora 1536, kv_lora 512, nope 128 + rope 64, v 128.
constexpr uint64_t kH = 7168;
constexpr uint64_t kAttn = kH * 1536 + 1536 /*q_a_layernorm*/ + 1536ull * 128 * 192 +
                           kH * (512 + 64) + 512 /*kv_a_layernorm*/ + 512ull * 128 * (128 + 128) +
                           128ull * 128 * kH;
constexpr uint64_t kExpert = 3 * kH * 2048;

TEST(DeepseekV3, PublishedParameterCountWithoutMtp) {
  uint64_t dense_layer = kAttn + 3 * kH * 18432 + 2 * kH;
  // MoE layer: 256 routed experts, router weight 256 x 7168 and its 256 correction biases,
  // one shared expert of 2048.
  uint64_t moe_layer = kAttn + 256 * kExpert + 256 * kH + 256 + kExpert + 2 * kH;
  uint64_t total = 2 * 129280ull * kH + 3 * dense_layer + 58 * moe_layer + kH;
  EXPECT_EQ(total, 671'026'419'200u);
  EXPECT_EQ(ZooParams("deepseek-v3"), total);
  // 8 of 256 routed experts active: the "37B activated".
  EXPECT_EQ(ZooActiveParams("deepseek-v3"), total - 58 * 248 * kExpert);
}

TEST(DeepseekV3, UpstreamLayout) {
  auto arch = ZooArch("deepseek-v3");
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "model"), "embed_tokens,layers,norm,rotary_emb");
  EXPECT_EQ(t[t.Find("model.layers")].children.size(), 61u);  // no MTP layer 61
  EXPECT_EQ(Children(t, "model.layers.0.self_attn"),
            "q_a_proj,q_a_layernorm,q_b_proj,kv_a_proj_with_mqa,kv_a_layernorm,kv_b_proj,o_proj");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn.kv_a_proj_with_mqa"),
            "Linear | in_features=7168, out_features=576, bias=False");
  EXPECT_EQ(Describe(t, "model.layers.2.mlp"), "DeepseekV3MLP | ");
  EXPECT_EQ(Describe(t, "model.layers.3.mlp"), "DeepseekV3MoE | ");
  EXPECT_EQ(Children(t, "model.layers.3.mlp"), "experts,gate,shared_experts");
  EXPECT_EQ(Describe(t, "model.layers.3.mlp.gate"), "DeepseekV3TopkRouter | ");
  EXPECT_EQ(Describe(t, "model.layers.3.mlp.shared_experts.down_proj"),
            "Linear | in_features=2048, out_features=7168, bias=False");
}

TEST(DeepseekV3, LatentAttentionArithmetic) {
  int64_t s = 16;
  Profile p = ZooForward("deepseek-v3", s);
  // Projections per token: q_a 7168 x 1536, q_b 1536 x 24576, kv_a 7168 x 576,
  // kv_b 512 x 32768, o 16384 x 7168; the kernel: 128 heads x 16 x 16 scores x (192 + 128).
  uint64_t proj = kH * 1536 + 1536ull * 24576 + kH * 576 + 512ull * 32768 + 16384ull * kH;
  uint64_t kernel = 128ull * 16 * 16 * (192 + 128);
  EXPECT_EQ(StatsAt(p, "model.layers.0.self_attn").macs, Count(s * proj + kernel));
  // flash_attention_2 pads v to 192 wide (F.pad) before the kernel.
  Profile f = ZooForward("deepseek-v3", s, 1, AttnImpl::kFlashAttention2);
  EXPECT_EQ(StatsAt(f, "model.layers.0.self_attn").macs,
            Count(s * proj + 128ull * 16 * 16 * (192 + 192)));
}

TEST(DeepseekV3, SigmoidRouter) {
  // 16 tokens: F.linear 16 x 7168 x 256 MACs; per token sigmoid (4 x 256), + bias (256),
  // top-2 in each of 8 groups of 32 (8 x 61), the 8 sums (8), top-4 of 8 groups (22), top-8 of
  // 256 (8 x (512 - 9) / 2 = 2012), renormalisation (7 + 1 + 8) and the routed scaling (8).
  Profile p = ZooForward("deepseek-v3", 16);
  const auto& gate = StatsAt(p, "model.layers.3.mlp.gate");
  EXPECT_EQ(gate.macs, Count(16 * kH * 256));
  uint64_t per_token = 4 * 256 + 256 + 8 * 61 + 8 + 22 + 2012 + 16 + 8;
  EXPECT_EQ(gate.flops, Count(2 * 16 * kH * 256 + 16 * per_token));
  // 128 picks over 256 experts: experts 0..127 one token, the rest idle.
  EXPECT_EQ(StatsAt(p, "model.layers.3.mlp.experts.127").macs, Count(kExpert));
  EXPECT_EQ(StatsAt(p, "model.layers.3.mlp.experts.128").macs, Count(0));
}

}  // namespace
}  // namespace calflops::testing
