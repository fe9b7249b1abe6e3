#include <nlohmann/json.hpp>

#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Olmo, ParameterCountFromTheArithmetic) {
  // OLMo-1B: q, k, v, o 2048 x 2048; MLP 3 x 2048 x 8192; no norm parameters; the head is tied
  // to the 50304-row embedding. OLMo's own 1B model counts 1,176,764,416.
  uint64_t layer = 4 * 2048ull * 2048 + 3 * 2048ull * 8192;
  uint64_t total = 16 * layer + 50304ull * 2048;
  EXPECT_EQ(total, 1'176'764'416u);
  EXPECT_EQ(ZooParams("olmo-1b"), total);
}

TEST(Olmo, LayoutOfV445) {
  auto arch = ZooArch("olmo-1b", AttnImpl::kSdpa);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "model"), "embed_tokens,layers,norm");  // no model-level rotary_emb
  EXPECT_EQ(Children(t, "model.layers.0"),
            "self_attn,mlp,input_layernorm,post_attention_layernorm");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn"), "OlmoSdpaAttention | ");
  EXPECT_EQ(Children(t, "model.layers.0.self_attn"), "q_proj,k_proj,v_proj,o_proj,rotary_emb");
  EXPECT_EQ(Describe(t, "model.layers.0.input_layernorm"), "OlmoLayerNorm | ");
  EXPECT_EQ(Describe(t, "model.norm"), "OlmoLayerNorm | ");
}

TEST(Olmo, NormsWithoutParametersAndTheClamp) {
  // F.layer_norm without weight or bias: mean, centre, variance (2n), + eps, rsqrt, scale:
  // 5 x 2048 + 2 per token.
  Profile p = ZooForward("olmo-1b", 9);
  EXPECT_EQ(StatsAt(p, "model.layers.0.input_layernorm").flops, Count(9 * (5 * 2048 + 2)));
  // clip_qkv: q, k, v each clamped (max then min, 2 FLOPs per element) in the attention.
  Config c = LoadModelConfig("olmo-1b").With("clip_qkv", 8.0);
  Workload w;
  w.seq_len = 9;
  BuildOptions o;
  o.attn = AttnImpl::kSdpa;
  Profile clipped = Analyze(*BuildArchitecture(c, o), w, Convention::kAnalytic);
  EXPECT_EQ(StatsAt(clipped, "model.layers.0.self_attn").flops,
            StatsAt(p, "model.layers.0.self_attn").flops + Count(3 * 9 * 2048 * 2));
}

}  // namespace
}  // namespace calflops::testing
