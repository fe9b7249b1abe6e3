#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Qwen3, PublishedParameterCount) {
  // Qwen3-8B: head_dim 128 from the config; q 4096 x 4096, k and v 4096 x 1024, o 4096 x 4096,
  // q_norm and k_norm of 128; MLP 3 x 4096 x 12288; two norms; untied 151936-row vocab.
  uint64_t layer =
      2 * 4096ull * 4096 + 2 * 4096ull * 1024 + 2 * 128 + 3 * 4096ull * 12288 + 2 * 4096;
  uint64_t total = 2 * 151936ull * 4096 + 36 * layer + 4096;
  EXPECT_EQ(total, 8'190'735'360u);
  EXPECT_EQ(ZooParams("qwen3-8b"), total);
}

TEST(Qwen3, UpstreamLayout) {
  auto arch = ZooArch("qwen3-8b", AttnImpl::kFlashAttention2);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn"), "Qwen3Attention | ");  // one class
  EXPECT_EQ(Children(t, "model.layers.0.self_attn"), "q_proj,k_proj,v_proj,o_proj,q_norm,k_norm");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn.q_norm"), "Qwen3RMSNorm | (128,), eps=1e-06");
  EXPECT_EQ(Children(t, "model"), "embed_tokens,layers,norm,rotary_emb");
}

TEST(Qwen3, QkNormPerHead) {
  // q_norm normalises each of 32 heads x S tokens over 128: (4 x 128 + 2) per row.
  Profile p = ZooForward("qwen3-8b", 9);
  EXPECT_EQ(StatsAt(p, "model.layers.0.self_attn.q_norm").flops, Count(9 * 32 * (4 * 128 + 2)));
  EXPECT_EQ(StatsAt(p, "model.layers.0.self_attn.k_norm").flops, Count(9 * 8 * (4 * 128 + 2)));
}

}  // namespace
}  // namespace calflops::testing
