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

// The allenai Olmo 3 shapes (model card: 7B 32 layers, hidden 4096, 32 query / 32 KV heads;
// 32B 64 layers, hidden 5120, 40 / 8 heads; the released configs' MLP widths 11008 / 27648 and
// 100,278-token vocabulary, untied head). No complete allenai config.json was found to bundle;
// these shape keys are enough for the count.
uint64_t AllenaiShapeParams(int layers, int hidden, int heads, int kv_heads, int mlp) {
  std::string j = R"({"architectures": ["Olmo3ForCausalLM"], "model_type": "olmo3",)"
                  R"( "vocab_size": 100278, "num_hidden_layers": )" +
                  std::to_string(layers) + R"(, "hidden_size": )" + std::to_string(hidden) +
                  R"(, "num_attention_heads": )" + std::to_string(heads) +
                  R"(, "num_key_value_heads": )" + std::to_string(kv_heads) +
                  R"(, "intermediate_size": )" + std::to_string(mlp) + "}";
  auto arch = BuildArchitecture(Config::Parse(j, "olmo3.json"), BuildOptions{});
  return static_cast<uint64_t>(arch->tree().SubtreeParams()[0].value());
}

TEST(Olmo3, AllenaiShapesGiveThePublishedCounts) {
  // 7B: 100278 x 4096 twice (embedding, untied head); per layer q, k, v, o 4096 x 4096, q_norm
  // and k_norm 4096 each, MLP 3 x 4096 x 11008, two norms; a final norm. A public MFU log and a
  // safetensors shape check both state 7,298,011,136 for Olmo 3 7B.
  uint64_t l7 = 4 * 4096ull * 4096 + 2 * 4096 + 3 * 4096ull * 11008 + 2 * 4096;
  uint64_t b7 = 2 * 100278ull * 4096 + 32 * l7 + 4096;
  EXPECT_EQ(b7, 7'298'011'136u);
  EXPECT_EQ(AllenaiShapeParams(32, 4096, 32, 32, 11008), b7);
  // 32B: q and o 5120 x 5120, k and v 5120 x 1024 (8 KV heads of 128), q_norm 5120, k_norm 1024,
  // MLP 3 x 5120 x 27648. The same sources state 32,233,522,176 for Olmo 3 32B.
  uint64_t l32 =
      2 * 5120ull * 5120 + 2 * 5120ull * 1024 + 5120 + 1024 + 3 * 5120ull * 27648 + 2 * 5120;
  uint64_t b32 = 2 * 100278ull * 5120 + 64 * l32 + 5120;
  EXPECT_EQ(b32, 32'233'522'176u);
  EXPECT_EQ(AllenaiShapeParams(64, 5120, 40, 8, 27648), b32);
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
