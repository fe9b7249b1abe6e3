#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Granite, ParameterCountFromTheArithmetic) {
  // Granite-3.3-8B: q and o 4096 x 4096, k and v 4096 x 1024 (8 kv heads of 128); MLP
  // 3 x 4096 x 12800; two norms; the head is tied to the 49159-row embedding. The Hub's
  // safetensors count is 8,170,864,640.
  uint64_t layer = 2 * 4096ull * 4096 + 2 * 4096ull * 1024 + 3 * 4096ull * 12800 + 2 * 4096;
  uint64_t total = 49159ull * 4096 + 40 * layer + 4096;
  EXPECT_EQ(total, 8'170'864'640u);
  EXPECT_EQ(ZooParams("granite-3.3-8b"), total);
}

TEST(Granite, MultipliersAreOneScalarOpEach) {
  // 7 tokens: embedding * 12.0 (7 x 4096), two residual multiplies per layer (7 x 4096 each)
  // charged to the layer, the head over all 7 positions and logits / 16.0 (7 x 49159).
  Profile p = ZooForward("granite-3.3-8b", 7);
  const ModuleStats& model = StatsAt(p, "model");
  const ModuleStats& embed = StatsAt(p, "model.embed_tokens");
  const ModuleStats& norm = StatsAt(p, "model.norm");
  Count layers(0);
  for (int i = 0; i < 40; ++i) layers += StatsAt(p, "model.layers." + std::to_string(i)).flops;
  EXPECT_EQ(model.flops, embed.flops + Count(7 * 4096) + layers + norm.flops +
                             StatsAt(p, "model.rotary_emb").flops);
  const ModuleStats& l0 = StatsAt(p, "model.layers.0");
  EXPECT_EQ(l0.flops, StatsAt(p, "model.layers.0.self_attn").flops +
                          StatsAt(p, "model.layers.0.mlp").flops +
                          StatsAt(p, "model.layers.0.input_layernorm").flops +
                          StatsAt(p, "model.layers.0.post_attention_layernorm").flops +
                          Count(2 * 7 * 4096) + Count(2 * 7 * 4096));  // 2 x (multiply + add)
  EXPECT_EQ(StatsAt(p, "lm_head").macs, Count(7ull * 4096 * 49159));
  EXPECT_EQ(p.total().flops, model.flops + StatsAt(p, "lm_head").flops + Count(7 * 49159));
}

TEST(Granite, LayoutOfV445) {
  auto arch = ZooArch("granite-3.3-8b", AttnImpl::kSdpa);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "model"), "embed_tokens,layers,norm,rotary_emb");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn"), "GraniteSdpaAttention | ");
  EXPECT_EQ(Children(t, "model.layers.0.self_attn"), "q_proj,k_proj,v_proj,o_proj");
}

}  // namespace
}  // namespace calflops::testing
