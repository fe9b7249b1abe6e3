#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Qwen2, PublishedParameterCount) {
  // Qwen2.5-7B: q 3584^2 + bias, k and v 3584 x 512 + bias (4 KV heads of 128), o 3584^2 (no
  // bias); MLP 3 x 3584 x 18944; two norms. Untied 152064-row embedding and head.
  uint64_t attn = 3584ull * 3584 + 3584 + 2 * (3584ull * 512 + 512) + 3584ull * 3584;
  uint64_t layer = attn + 3 * 3584ull * 18944 + 2 * 3584;
  uint64_t total = 2 * 152064ull * 3584 + 28 * layer + 3584;
  EXPECT_EQ(total, 7'615'616'512u);
  EXPECT_EQ(ZooParams("qwen2.5-7b"), total);
}

TEST(Qwen2, QkvBiasOnlyAndModelLevelRotary) {
  auto arch = ZooArch("qwen2.5-7b");
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn.q_proj"),
            "Linear | in_features=3584, out_features=3584, bias=True");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn.o_proj"),
            "Linear | in_features=3584, out_features=3584, bias=False");
  EXPECT_EQ(Children(t, "model"), "embed_tokens,layers,norm,rotary_emb");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn"), "Qwen2SdpaAttention | ");
  // The bias adds one FLOP per output: q_proj at 7 tokens = 2 x 7 x 3584^2 + 7 x 3584.
  Profile p = ZooForward("qwen2.5-7b", 7);
  EXPECT_EQ(StatsAt(p, "model.layers.3.self_attn.q_proj").flops,
            Count(2 * 7ull * 3584 * 3584 + 7 * 3584));
}

}  // namespace
}  // namespace calflops::testing
