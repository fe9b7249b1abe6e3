#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Gemma3Text, PublishedParameterCount) {
  // gemma-3-1b-it: 4 heads x 256 = 1024 wide q, 1 KV head (256); MLP 3 x 1152 x 6912; four
  // 1152-wide norms and the 256-wide q_norm / k_norm per layer; tied 262144 x 1152 embedding.
  uint64_t layer =
      1152ull * 1024 + 2 * 1152ull * 256 + 1024ull * 1152 + 3 * 1152ull * 6912 + 4 * 1152 + 2 * 256;
  uint64_t total = 262144ull * 1152 + 26 * layer + 1152;
  // keras-hub's gemma3_1b / gemma3_instruct_1b presets publish 999,885,952.
  EXPECT_EQ(total, 999'885'952u);
  EXPECT_EQ(ZooParams("gemma-3-1b-it"), total);
}

TEST(Gemma3Text, ModulesInRegistrationOrder) {
  auto arch = ZooArch("gemma-3-1b-it");
  const auto& t = arch->tree();
  EXPECT_EQ(t[t.root()].class_name, "Gemma3ForCausalLM");
  EXPECT_EQ(Describe(t, "model"), "Gemma3TextModel | ");
  EXPECT_EQ(Children(t, "model"), "embed_tokens,layers,norm,rotary_emb,rotary_emb_local");
  EXPECT_EQ(Describe(t, "model.embed_tokens"),
            "Gemma3TextScaledWordEmbedding | 262144, 1152, padding_idx=0");
  EXPECT_EQ(Children(t, "model.layers.0.self_attn"), "q_proj,k_proj,v_proj,o_proj,q_norm,k_norm");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn"), "Gemma3Attention | ");
  EXPECT_EQ(Children(t, "model.layers.0"),
            "self_attn,mlp,input_layernorm,pre_feedforward_layernorm,post_feedforward_layernorm,"
            "post_attention_layernorm");
}

TEST(Gemma3Text, SlidingLayersCacheWindowMinusOne) {
  // sliding_window_pattern 6: layers 5, 11, 17, 23 are global, the other 22 slide over 512.
  auto arch = ZooArch("gemma-3-1b-it");
  auto specs = arch->KvCache();
  ASSERT_EQ(specs.size(), 26u);
  int global = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    EXPECT_EQ(specs[i].elements_per_token, 2 * 256) << i;
    bool is_global = (i + 1) % 6 == 0;
    EXPECT_EQ(specs[i].window, is_global ? 0 : 511) << i;
    global += is_global;
  }
  EXPECT_EQ(global, 4);
}

TEST(Gemma3Text, DecodeAttentionStopsGrowingAtTheWindow) {
  // One decode step at context c: a sliding layer attends to min(c - 1, 511) + 1 keys, a global
  // layer to c. Scores and weighted values: 4 heads x keys x 256 MACs each.
  auto arch = ZooArch("gemma-3-1b-it");
  auto attn_macs = [&](int64_t past, const std::string& layer) {
    Workload w;
    w.mode = Mode::kGenerate;
    w.prompt_tokens = past;
    w.max_new_tokens = 2;  // prefill, then one decode step with `past` cached
    Profile whole = Analyze(*arch, w, Convention::kAnalytic);
    w.max_new_tokens = 1;
    Profile prefill = Analyze(*arch, w, Convention::kAnalytic);
    auto path = "model.layers." + layer + ".self_attn";
    return StatsAt(whole, path).macs - StatsAt(prefill, path).macs;
  };
  auto proj = Count(1152ull * 1024 + 2 * 1152ull * 256 + 1024ull * 1152);
  EXPECT_EQ(attn_macs(1000, "0"), proj + Count(2 * 4 * 512 * 256));
  EXPECT_EQ(attn_macs(1000, "5"), proj + Count(2 * 4 * 1001 * 256));
  EXPECT_EQ(attn_macs(300, "0"), proj + Count(2 * 4 * 301 * 256));
}

}  // namespace
}  // namespace calflops::testing
