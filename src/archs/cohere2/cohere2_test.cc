#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Cohere2, ParameterCountFromTheArithmetic) {
  // Command R7B: q and o 4096 x 4096, k and v 4096 x 1024 (8 kv heads of 128); MLP
  // 3 x 4096 x 14336; one Cohere2LayerNorm (weight only) per layer and a final one; the head is
  // tied to the 256000-row embedding. The same shapes as Aya Expanse 8B, listed at 8,028,033,024.
  uint64_t layer = 2 * 4096ull * 4096 + 2 * 4096ull * 1024 + 3 * 4096ull * 14336 + 4096;
  uint64_t total = 256000ull * 4096 + 32 * layer + 4096;
  EXPECT_EQ(total, 8'028'033'024u);
  EXPECT_EQ(ZooParams("c4ai-command-r7b-12-2024"), total);
}

TEST(Cohere2, GlobalLayersSkipTheRotaryEmbedding) {
  // sliding_window_pattern 4: layers 0-2 sliding (RoPE), layer 3 global (none). 7 tokens: RoPE
  // costs q * cos, -half, rotate_half * sin and the sum on 32 query and 8 key heads of 128:
  // 3.5 FLOPs per element.
  Profile p = ZooForward("c4ai-command-r7b-12-2024", 7);
  Count rope(static_cast<int64_t>(3.5 * (32 + 8) * 7 * 128));
  EXPECT_EQ(StatsAt(p, "model.layers.0.self_attn").flops,
            StatsAt(p, "model.layers.3.self_attn").flops + rope);
  EXPECT_EQ(StatsAt(p, "model.layers.2.self_attn").flops,
            StatsAt(p, "model.layers.0.self_attn").flops);
  EXPECT_EQ(StatsAt(p, "model.layers.7.self_attn").flops,
            StatsAt(p, "model.layers.3.self_attn").flops);
  EXPECT_EQ(StatsAt(p, "lm_head").macs, Count(7ull * 4096 * 256000));
}

TEST(Cohere2, Layout) {
  auto arch = ZooArch("c4ai-command-r7b-12-2024", AttnImpl::kSdpa);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "model"), "embed_tokens,layers,norm,rotary_emb");
  EXPECT_EQ(Children(t, "model.layers.0"), "self_attn,mlp,input_layernorm");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn").substr(0, 16), "Cohere2Attention");
  EXPECT_EQ(Children(t, "model.layers.3.self_attn"), "q_proj,k_proj,v_proj,o_proj");
  EXPECT_EQ(Describe(t, "model.norm").substr(0, 16), "Cohere2LayerNorm");
}

}  // namespace
}  // namespace calflops::testing
