// T5: parameter counts (arithmetic written out, and the published flan-t5-base figure), the
// module tree, cross-attention K/V projected once in generate, the decoder's growing bias, and
// bad inputs. Module-by-module agreement with the brute-force reference (tiny_t5) runs in the
// registry walk (tests/families_test.cc).
#include <gtest/gtest.h>

#include "profile_lookup.h"

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "analysis/memory.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"

namespace calflops {
namespace {

std::unique_ptr<Architecture> Build(const Config& c, const std::string& cls = "",
                                    AttnImpl impl = AttnImpl::kEager) {
  BuildOptions o;
  o.model_class = cls;
  o.attn = impl;
  return BuildArchitecture(c, o);
}

uint64_t Params(const Config& c, const std::string& cls = "") {
  return static_cast<uint64_t>(Build(c, cls)->tree().SubtreeParams()[0].value());
}

TEST(T5, ParameterCountGatedUntied) {
  // InstructABSA / tk-instruct-base (T5 v1.1 base shape): d_model 768, 12 heads x d_kv 64,
  // d_ff 2048 gated (wi_0, wi_1, wo), 12 + 12 blocks, vocabulary 32100, lm_head untied, no biases.
  // Encoder block: q, k, v, o (768 x 768 each), FFN 3 x 768 x 2048, 2 T5LayerNorms (768); the
  // decoder block adds EncDecAttention and a third norm. Block 0 of each stack: a 32 x 12
  // relative_attention_bias table. Each stack: final_layer_norm.
  uint64_t attn = 4ull * 768 * 768, ffn = 3ull * 768 * 2048;
  uint64_t enc = attn + ffn + 2 * 768, dec = 2 * attn + ffn + 3 * 768;
  auto total = [&](uint64_t vocab) {
    return 2 * vocab * 768 + 12 * enc + 12 * dec + 2 * 32 * 12 + 2 * 768;
  };
  EXPECT_EQ(total(32100), 247'534'848u);
  Config c = LoadModelConfig("instructabsa-tk-instruct-base");
  EXPECT_EQ(Params(c), total(32100));
  EXPECT_EQ(Params(c, "T5Model"), total(32100) - 32100ull * 768);
  // T5EncoderModel: shared + the encoder stack (its bias table and final_layer_norm).
  EXPECT_EQ(Params(c, "T5EncoderModel"), 32100ull * 768 + 12 * enc + 32 * 12 + 768);
  // google/flan-t5-base: the same shape with 32128 rows; published 247,577,856 (keras-hub
  // preset t5_1.1_base, and num_parameters() printed for flan-t5-base).
  EXPECT_EQ(Params(c.With("vocab_size", 32128)), 247'577'856u);
}

TEST(T5, ParameterCountReluTied) {
  // t5-small: d_model 512, 8 heads x 64, d_ff 2048 (wi, wo, ReLU), 6 + 6 blocks, tied head.
  // 32128 x 512 + 6 x (4 x 512^2 + 2 x 512 x 2048 + 2 x 512)
  //   + 6 x (8 x 512^2 + 2 x 512 x 2048 + 3 x 512) + 2 x 32 x 8 + 2 x 512 = 60,506,624.
  Config c = LoadModelConfig("instructabsa-tk-instruct-base")
                 .With("d_model", 512)
                 .With("num_heads", 8)
                 .With("num_layers", 6)
                 .With("num_decoder_layers", 6)
                 .With("vocab_size", 32128)
                 .With("feed_forward_proj", "relu")
                 .With("dense_act_fn", "relu")
                 .With("is_gated_act", false)
                 .With("tie_word_embeddings", true);
  EXPECT_EQ(Params(c), 60'506'624u);
  auto arch = Build(c);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t[t.Find("decoder.block.0.layer.1.EncDecAttention")].class_name, "T5Attention");
  EXPECT_EQ(t[t.Find("decoder.block.5.layer.2.DenseReluDense")].class_name, "T5DenseActDense");
  EXPECT_EQ(t[t.Find("encoder.block.1.layer.1.DenseReluDense.act")].class_name, "ReLU");
  EXPECT_EQ(t[t.Find("encoder.block.0.layer.0.SelfAttention.relative_attention_bias")].extra_repr,
            "32, 8");
  EXPECT_EQ(t.Find("encoder.block.1.layer.0.SelfAttention.relative_attention_bias"), kNoModule);
  EXPECT_EQ(t[t.Find("encoder.final_layer_norm")].class_name, "T5LayerNorm");
}

TEST(T5, CrossAttentionProjectedOnceAndBiasRecomputed) {
  Config c = LoadModelConfig("instructabsa-tk-instruct-base");
  auto arch = Build(c);
  Workload one, two;
  one.mode = two.mode = Mode::kGenerate;
  one.prompt_tokens = two.prompt_tokens = 100;
  one.max_new_tokens = 1;
  two.max_new_tokens = 2;
  Profile p1 = Analyze(*arch, one, Convention::kAnalytic);
  Profile p2 = Analyze(*arch, two, Convention::kAnalytic);
  std::string cross = "decoder.block.0.layer.1.EncDecAttention";
  EXPECT_EQ(At(p1, cross + ".k").macs, Count(100ull * 768 * 768));
  EXPECT_EQ(At(p2, cross + ".k").macs, Count(100ull * 768 * 768));  // not again at step 2
  EXPECT_EQ(At(p2, "decoder.block.0.layer.0.SelfAttention.k").macs, Count(2ull * 768 * 768));
  EXPECT_EQ(At(p2, "encoder").flops, At(p1, "encoder").flops);  // encoded once
  // Decoder block 0 self-attention own FLOPs at step 2 (past 1, 2 keys): bias over the 2 x 2
  // positions (/ max_exact, log, / log(...), * (buckets - max_exact): 4 x 4), + mask (12 x 2),
  // scores += bias (12 x 2), softmax; block 1 has no bias and no mask add.
  std::string self0 = "decoder.block.0.layer.0.SelfAttention";
  std::string self1 = "decoder.block.1.layer.0.SelfAttention";
  Count step2_0 = At(p2, self0).flops - At(p1, self0).flops;
  Count step2_1 = At(p2, self1).flops - At(p1, self1).flops;
  EXPECT_EQ(step2_0 - step2_1, Count(uint64_t{4 * 4 + 12 * 2}));
}

TEST(T5, GenerateCachesTheEncoderTokensCrossKeysAndValues) {
  // tk-instruct-base: 12 decoder blocks, 12 heads x d_kv 64 = 768, float32. Prompt 50 (encoder
  // tokens), 4 new tokens, batch 1: per block 2 x 768 per decoder token (4 at the last step)
  // and 2 x 768 per encoder token.
  Config c = LoadModelConfig("instructabsa-tk-instruct-base");
  auto arch = Build(c);
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 50;
  w.max_new_tokens = 4;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  MemoryEstimate m = EstimateMemory(p, w, TrainingOptions{});
  EXPECT_EQ(m.kv_encoder_tokens, 50);
  EXPECT_EQ(m.kv_cross, Count(12ull * 2 * 768 * 50 * 4));  // 3,686,400 bytes
  EXPECT_EQ(KvCacheBytes(p.kv_cache, 4, 1, 4), Count(12ull * 2 * 768 * (4 + 50) * 4));
  ModuleId cross = p.tree.Find("decoder.block.0.layer.1.EncDecAttention");
  ASSERT_NE(cross, kNoModule);
  EXPECT_EQ(m.modules[static_cast<size_t>(cross)].kv_cache, Count(2ull * 768 * 50 * 4));
}

TEST(T5, BadInputs) {
  Config c = LoadModelConfig("instructabsa-tk-instruct-base");
  EXPECT_THROW(Build(c.With("feed_forward_proj", "gated-gelu-x")), Error);
  EXPECT_THROW(Build(c.With("dense_act_fn", "nope")), Error);
  EXPECT_THROW(Build(c.With("num_heads", 0)), Error);
  EXPECT_THROW(Build(c.With("relative_attention_num_buckets", 1)), Error);
  EXPECT_THROW(Build(c, "", AttnImpl::kFlashAttention2), Error);
  EXPECT_THROW(Build(c, "T5ForSequenceClassification"), Error);
  auto encoder = Build(c, "T5EncoderModel");
  Workload g;
  g.mode = Mode::kGenerate;
  EXPECT_THROW(Analyze(*encoder, g, Convention::kAnalytic), Error);
}

}  // namespace
}  // namespace calflops
