#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(GptOss, PublishedParameterCount) {
  // gpt-oss-120b: 64 heads x 64 (4096 wide q), 8 KV heads (512), all projections biased, 64 sinks;
  // router 128 x 2880 + 128; 128 experts of gate_up 2880 x 5760 (+ 5760 bias) and down
  // 2880 x 2880 (+ 2880 bias); two norms per layer; 36 layers; untied 201088 x 2880 embedding
  // and head; final norm (the model card rounds to 117B).
  uint64_t attn =
      (2880ull * 4096 + 4096) + 2 * (2880ull * 512 + 512) + (4096ull * 2880 + 2880) + 64;
  uint64_t moe =
      (128ull * 2880 + 128) + 128ull * (2880ull * 5760 + 5760) + 128ull * (2880ull * 2880 + 2880);
  uint64_t total = 2 * 201088ull * 2880 + 36 * (attn + moe + 2 * 2880) + 2880;
  EXPECT_EQ(total, 116'829'156'672u);
  EXPECT_EQ(ZooParams("gpt-oss-120b"), total);
}

TEST(GptOss, ActiveParameters) {
  // A token uses 4 of the 128 experts: 124 idle experts per layer, each gate_up 2880 x 5760 +
  // 5760 and down 2880 x 2880 + 2880. With the embedding (579,133,440) left out, the model
  // card's "5.1B active" (5,132,849,472).
  uint64_t expert = 2880ull * 5760 + 5760 + 2880ull * 2880 + 2880;
  uint64_t active = 116'829'156'672u - 36 * 124 * expert;
  EXPECT_EQ(active, 5'711'982'912u);
  EXPECT_EQ(active - 201088ull * 2880, 5'132'849'472u);
  EXPECT_EQ(ZooActiveParams("gpt-oss-120b"), active);
}

TEST(GptOss, ModulesInRegistrationOrder) {
  auto arch = ZooArch("gpt-oss-120b");
  const auto& t = arch->tree();
  EXPECT_EQ(Children(t, "model"), "embed_tokens,layers,norm,rotary_emb");
  EXPECT_EQ(Children(t, "model.layers.0"),
            "self_attn,mlp,input_layernorm,post_attention_layernorm");
  EXPECT_EQ(Children(t, "model.layers.0.mlp"), "router,experts");
  EXPECT_EQ(Describe(t, "model.layers.0.mlp.experts"), "GptOssExperts | ");
}

TEST(GptOss, SlidingLayersAlternate) {
  auto specs = ZooArch("gpt-oss-120b")->KvCache();
  ASSERT_EQ(specs.size(), 36u);
  for (size_t i = 0; i < specs.size(); ++i) {
    EXPECT_EQ(specs[i].window, i % 2 == 0 ? 127 : 0) << i;
    EXPECT_EQ(specs[i].elements_per_token, 2 * 8 * 64) << i;
  }
}

TEST(GptOss, RoutedExpertMacsPerToken) {
  // One token picks 4 experts: 4 x (2880 x 5760 + 2880 x 2880) MACs in the experts module.
  Profile p = ZooForward("gpt-oss-120b", 1);
  EXPECT_EQ(StatsAt(p, "model.layers.0.mlp.experts").macs,
            Count(4ull * (2880ull * 5760 + 2880ull * 2880)));
  // The router: 2880 x 128 MACs.
  EXPECT_EQ(StatsAt(p, "model.layers.0.mlp.router").macs, Count(2880ull * 128));
}

}  // namespace
}  // namespace calflops::testing
