#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Olmo3, ParameterCountFromTheArithmetic) {
  // olmo3-190m-zh-continue: 12 layers of q, k, v, o 768 x 768, q_norm and k_norm over the
  // whole 768-wide projections, MLP 3 x 768 x 3072, post_attention_ and post_feedforward_layernorm;
  // a final norm; the 48000-row embedding and an untied head.
  uint64_t layer = 4 * 768ull * 768 + 2 * 768 + 3 * 768ull * 3072 + 2 * 768;
  uint64_t total = 2 * 48000ull * 768 + 12 * layer + 768;
  EXPECT_EQ(total, 187'011'840u);
  EXPECT_EQ(ZooParams("olmo3-190m-zh-continue"), total);
}

TEST(Olmo3, SlidingLayersCacheWindowMinusOne) {
  // layer_types: layers 3, 7, 11 full attention, the other nine slide over 4096 tokens.
  auto arch = ZooArch("olmo3-190m-zh-continue");
  auto specs = arch->KvCache();
  ASSERT_EQ(specs.size(), 12u);
  for (size_t i = 0; i < specs.size(); ++i) {
    EXPECT_EQ(specs[i].elements_per_token, 2 * 768) << i;
    EXPECT_EQ(specs[i].window, (i + 1) % 4 == 0 ? 0 : 4095) << i;
  }
}

TEST(Olmo3, DecodeAttentionStopsGrowingAtTheWindow) {
  // One decode step with 5000 tokens cached: a sliding layer attends to 4095 + 1 keys, a full
  // layer to 5001. Scores and weighted values: 12 heads x keys x 64 MACs each.
  auto arch = ZooArch("olmo3-190m-zh-continue");
  auto attn_macs = [&](int64_t past, const std::string& layer) {
    Workload w;
    w.mode = Mode::kGenerate;
    w.prompt_tokens = past;
    w.max_new_tokens = 2;
    Profile whole = Analyze(*arch, w, Convention::kAnalytic);
    w.max_new_tokens = 1;
    Profile prefill = Analyze(*arch, w, Convention::kAnalytic);
    auto path = "model.layers." + layer + ".self_attn";
    return StatsAt(whole, path).macs - StatsAt(prefill, path).macs;
  };
  auto proj = Count(4 * 768ull * 768);
  EXPECT_EQ(attn_macs(5000, "0"), proj + Count(2 * 12 * 4096 * 64));
  EXPECT_EQ(attn_macs(5000, "3"), proj + Count(2 * 12 * 5001 * 64));
}

TEST(Olmo3, Layout) {
  auto arch = ZooArch("olmo3-190m-zh-continue", AttnImpl::kSdpa);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "model"), "embed_tokens,layers,norm,rotary_emb");
  EXPECT_EQ(Children(t, "model.layers.0"),
            "self_attn,mlp,post_attention_layernorm,post_feedforward_layernorm");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn"), "Olmo3Attention | ");
  EXPECT_EQ(Children(t, "model.layers.0.self_attn"), "q_proj,k_proj,v_proj,o_proj,q_norm,k_norm");
}

}  // namespace
}  // namespace calflops::testing
