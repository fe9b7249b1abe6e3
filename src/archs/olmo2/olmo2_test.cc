#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Olmo2, ParameterCountFromTheArithmetic) {
  // OLMo-2-1124-7B: q, k, v, o 4096 x 4096 (32 kv heads); q_norm and k_norm over 4096; MLP
  // 3 x 4096 x 11008; two norms; untied 100352-row vocabulary. The Hub's safetensors metadata
  // says F32 7,298,617,344.
  uint64_t layer = 4 * 4096ull * 4096 + 2 * 4096 + 3 * 4096ull * 11008 + 2 * 4096;
  uint64_t total = 2 * 100352ull * 4096 + 32 * layer + 4096;
  EXPECT_EQ(total, 7'298'617'344u);
  EXPECT_EQ(ZooParams("olmo-2-7b"), total);
}

TEST(Olmo2, PostNormLayout) {
  auto arch = ZooArch("olmo-2-7b", AttnImpl::kEager);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "model.layers.0"),
            "self_attn,mlp,post_attention_layernorm,post_feedforward_layernorm");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn"), "Olmo2Attention | ");  // one class
  EXPECT_EQ(Children(t, "model.layers.0.self_attn"), "q_proj,k_proj,v_proj,o_proj,q_norm,k_norm");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn.k_norm"), "Olmo2RMSNorm | (4096,), eps=1e-06");
  EXPECT_EQ(Children(t, "model"), "embed_tokens,layers,norm,rotary_emb");
}

TEST(Olmo2, QkNormOverTheWholeProjection) {
  // RMSNorm over 4096 per token: pow, mean (4096 each), + eps, rsqrt, * rsqrt and * weight
  // (4096 each): 4 x 4096 + 2 per token.
  Profile p = ZooForward("olmo-2-7b", 9);
  EXPECT_EQ(StatsAt(p, "model.layers.0.self_attn.q_norm").flops, Count(9 * (4 * 4096 + 2)));
  EXPECT_EQ(StatsAt(p, "model.layers.0.post_feedforward_layernorm").flops,
            Count(9 * (4 * 4096 + 2)));
}

}  // namespace
}  // namespace calflops::testing
