// BART: the parameter count with the arithmetic written out, module-by-module agreement with the
// brute-force reference in forward and in generate (encoder once, self-attention cache growing,
// cross-attention K/V projected once), names, and bad inputs.
#include <gtest/gtest.h>

#include "build_architecture.h"
#include "profile_lookup.h"

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "analysis/memory.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"
#include "reference/compare.h"
#include "reference/tiny_bart.h"

namespace calflops {
namespace {

TEST(Bart, ParameterCount) {
  // EbanLee/kobart-summary-v3 (KoBART-base: 6 + 6 layers, d_model 768, ffn 3072, vocabulary
  // 30000, 1026 positions + the offset of 2). Encoder layer: 4 projections (768^2 + 768), fc1
  // 768 x 3072 + 3072, fc2 3072 x 768 + 768, two LayerNorms; the decoder layer adds
  // encoder_attn and its LayerNorm. lm_head is tied to `shared`; final_logits_bias is a buffer.
  uint64_t attn = 4 * (768ull * 768 + 768);
  uint64_t enc_layer = attn + (768ull * 3072 + 3072) + (3072ull * 768 + 768) + 2 * 2 * 768;
  uint64_t dec_layer = enc_layer + attn + 2 * 768;
  uint64_t total =
      30000ull * 768 + 2 * (1028ull * 768) + 6 * enc_layer + 6 * dec_layer + 2 * 2 * 768;
  EXPECT_EQ(total, 123'859'968u);  // KoBART-base, model card: 124M
  Config c = LoadModelConfig("kobart-summary-v3");
  EXPECT_EQ(Build(c)->tree().SubtreeParams()[0], Count(total));
  EXPECT_EQ(Build(c, "BartModel")->tree().SubtreeParams()[0], Count(total));
  EXPECT_EQ(Build(c.With("tie_word_embeddings", false))->tree().SubtreeParams()[0],
            Count(total + 30000ull * 768));
  auto arch = Build(c, "", AttnImpl::kEager);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t[t.Find("model.decoder.layers.5.encoder_attn")].class_name, "BartAttention");
  EXPECT_EQ(t[t.Find("model.encoder.embed_positions")].extra_repr, "1028, 768");
  EXPECT_EQ(t[t.Find("model.encoder.embed_tokens")].extra_repr, "30000, 768, padding_idx=3");
  EXPECT_EQ(t[t.Find("model.encoder.layers.0.activation_fn")].class_name, "GELUActivation");
}

class ReferenceBart : public ::testing::TestWithParam<std::tuple<const char*, AttnImpl>> {
 protected:
  reference::TinyBartConfig Tiny() const {
    reference::TinyBartConfig c;
    c.cls = std::get<0>(GetParam());
    return c;
  }
  Profile Analyzed(const reference::TinyBartConfig& c, const Workload& w) const {
    auto arch = Build(Config::Parse(c.ToJson(), "tiny.json"), "", std::get<1>(GetParam()));
    return Analyze(*arch, w, Convention::kAnalytic);
  }
  bool eager() const { return std::get<1>(GetParam()) == AttnImpl::kEager; }
};

TEST_P(ReferenceBart, ForwardMatchesModuleByModule) {
  auto c = Tiny();
  Workload w;
  w.batch = 2;
  w.seq_len = 5;
  Profile p = Analyzed(c, w);
  reference::Counter::Get().Reset();
  reference::TinyBart model(c, eager());
  model.Forward(2, 5);
  reference::ExpectModulesMatch(p);
  EXPECT_GT(p.total().flops, Count(0));
}

TEST_P(ReferenceBart, GenerateEncodesOnceAndCachesMatch) {
  auto c = Tiny();
  Workload w;
  w.mode = Mode::kGenerate;
  w.batch = 2;
  w.prompt_tokens = 6;
  w.max_new_tokens = 4;
  Profile p = Analyzed(c, w);
  reference::Counter::Get().Reset();
  reference::TinyBart model(c, eager());
  model.Generate(2, 6, 4);
  reference::ExpectModulesMatch(p);
}

INSTANTIATE_TEST_SUITE_P(Classes, ReferenceBart,
                         ::testing::Combine(::testing::Values("BartForConditionalGeneration",
                                                              "BartModel"),
                                            ::testing::Values(AttnImpl::kSdpa, AttnImpl::kEager)),
                         [](const auto& i) {
                           return std::string(std::get<0>(i.param)) +
                                  (std::get<1>(i.param) == AttnImpl::kEager ? "_eager" : "_sdpa");
                         });

TEST(Bart, CrossAttentionProjectedOnce) {
  // Each decoder step after the first projects K/V for its one new token only; the encoder
  // output is projected once: 6 layers x 2 (k, v) x prompt x 768^2 MACs at the first step.
  Config c = LoadModelConfig("kobart-summary-v3");
  auto arch = Build(c);
  Workload one, two;
  one.mode = two.mode = Mode::kGenerate;
  one.prompt_tokens = two.prompt_tokens = 100;
  one.max_new_tokens = 1;
  two.max_new_tokens = 2;
  Profile p1 = Analyze(*arch, one, Convention::kAnalytic);
  Profile p2 = Analyze(*arch, two, Convention::kAnalytic);
  std::string cross = "model.decoder.layers.0.encoder_attn";
  EXPECT_EQ(At(p1, cross + ".k_proj").macs, Count(100ull * 768 * 768));
  EXPECT_EQ(At(p2, cross + ".k_proj").macs, Count(100ull * 768 * 768));  // not again at step 2
  EXPECT_EQ(At(p2, "model.decoder.layers.0.self_attn.k_proj").macs, Count(2ull * 768 * 768));
  EXPECT_EQ(At(p2, "model.encoder").macs, At(p1, "model.encoder").macs);  // encoded once
}

TEST(Bart, GenerateCachesTheEncoderTokensCrossKeysAndValues) {
  // kobart: 6 decoder layers, d_model 768, float32 (4 bytes). Generate with a 100-token prompt
  // (the encoder's input), 3 new tokens, batch 2. Per layer, the self cache holds 2 (K, V) x 768
  // per decoder token (3 at the last step: the start token and 2 steps), the cross cache
  // 2 x 768 per encoder token, whatever the step.
  Config c = LoadModelConfig("kobart-summary-v3");
  auto arch = Build(c);
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 100;
  w.max_new_tokens = 3;
  w.batch = 2;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  MemoryEstimate m = EstimateMemory(p, w, TrainingOptions{});
  EXPECT_EQ(m.kv_encoder_tokens, 100);
  EXPECT_EQ(m.kv_cross, Count(6ull * 2 * 768 * 100 * 2 * 4));  // 7,372,800 bytes
  EXPECT_EQ(KvCacheBytes(p.kv_cache, 3, 2, 4), Count(6ull * 2 * 768 * (3 + 100) * 2 * 4));
  // At the peak call (prefill or the last step), the self cache's tokens plus the cross cache.
  EXPECT_EQ(m.kv_cache, Count(6ull * 2 * 768 * 2 * 4) * Count(m.kv_tokens + 100));
  auto at = [&](const std::string& path) {
    return m.modules[static_cast<size_t>(p.tree.Find(path))].kv_cache;
  };
  EXPECT_EQ(at("model.decoder.layers.0.encoder_attn"), Count(2ull * 768 * 100 * 2 * 4));
  EXPECT_EQ(at("model.decoder.layers.0.self_attn"), Count(2ull * 768 * 3 * 2 * 4));
  EXPECT_EQ(at("model.encoder"), Count(0));  // the encoder keeps no cache
}

TEST(Bart, BadInputs) {
  Config c = LoadModelConfig("kobart-summary-v3");
  EXPECT_THROW(Build(c.With("encoder_attention_heads", 7)), Error);
  EXPECT_THROW(Build(c.With("activation_function", "nope")), Error);
  EXPECT_THROW(Build(c.With("scale_embedding", true)), Error);
  EXPECT_THROW(Build(c, "", AttnImpl::kFlashAttention2), Error);
  EXPECT_THROW(Build(c, "BartForSequenceClassification"), Error);
  auto arch = Build(c);
  Workload w;
  w.seq_len = 1027;
  EXPECT_THROW(Analyze(*arch, w, Convention::kAnalytic), Error);
  w.seq_len = 1026;
  EXPECT_NO_THROW(Analyze(*arch, w, Convention::kAnalytic));
}

}  // namespace
}  // namespace calflops
