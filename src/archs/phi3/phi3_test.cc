#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Phi3, PublishedParameterCount) {
  // Phi-3-mini-4k: qkv_proj 3072 x (3 x 3072), o_proj 3072^2, gate_up_proj 3072 x 16384,
  // down_proj 8192 x 3072, two norms; untied 32064 x 3072 embedding and head.
  uint64_t layer = 3072ull * 9216 + 3072ull * 3072 + 3072ull * 16384 + 8192ull * 3072 + 2 * 3072;
  uint64_t total = 2 * 32064ull * 3072 + 32 * layer + 3072;
  EXPECT_EQ(total, 3'821'079'552u);
  EXPECT_EQ(ZooParams("phi-3-mini"), total);
}

TEST(Phi3, FusedProjectionsAndDropouts) {
  auto arch = ZooArch("phi-3-mini");
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "model"), "embed_tokens,embed_dropout,layers,norm");
  EXPECT_EQ(Children(t, "model.layers.0"),
            "self_attn,mlp,input_layernorm,resid_attn_dropout,resid_mlp_dropout,"
            "post_attention_layernorm");
  EXPECT_EQ(Children(t, "model.layers.0.self_attn"), "o_proj,qkv_proj,rotary_emb");
  EXPECT_EQ(Children(t, "model.layers.0.mlp"), "gate_up_proj,down_proj,activation_fn");
  EXPECT_EQ(Describe(t, "model.layers.0.resid_attn_dropout"), "Dropout | p=0.0, inplace=False");
  EXPECT_EQ(Describe(t, "model.layers.0.mlp.gate_up_proj"),
            "Linear | in_features=3072, out_features=16384, bias=False");
}

TEST(Phi3, FusedMlpArithmetic) {
  // 4 tokens: gate_up 4 x 3072 x 16384 MACs, SiLU on half (4 FLOPs x 4 x 8192), the product
  // (4 x 8192), down 4 x 8192 x 3072 MACs.
  Profile p = ZooForward("phi-3-mini", 4);
  uint64_t macs = 4ull * 3072 * 16384 + 4ull * 8192 * 3072;
  EXPECT_EQ(StatsAt(p, "model.layers.0.mlp").macs, Count(macs));
  EXPECT_EQ(StatsAt(p, "model.layers.0.mlp").flops, Count(2 * macs + 4 * 4 * 8192 + 4 * 8192));
}

}  // namespace
}  // namespace calflops::testing
