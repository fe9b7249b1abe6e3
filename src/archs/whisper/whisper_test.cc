// Whisper: the parameter counts with the arithmetic written out (whisper-small, and whisper-base
// from the same file with base's shapes), module names and reprs, the audio front end's MACs,
// the encoder run once and cross-attention K/V projected once in generate, the declared caches,
// and bad inputs. Forward and generate agree with the brute-force reference module by module
// through the registry walk (tests/reference/tiny_whisper.cc).
#include <gtest/gtest.h>

#include "build_architecture.h"
#include "profile_lookup.h"

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "analysis/memory.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"

namespace calflops {
namespace {

/// The count of a Whisper checkpoint: d model width, L layers each side, f FFN width, 80 mel
/// bins, 51865 vocabulary rows, 1500 encoder and 448 decoder positions, proj_out tied.
uint64_t WhisperParams(uint64_t d, uint64_t layers, uint64_t f) {
  uint64_t attn = 4 * d * d + 3 * d;  // k_proj has no bias
  uint64_t ffn = (d * f + f) + (f * d + d);
  uint64_t enc_layer = attn + ffn + 2 * 2 * d;          // + self_attn / final LayerNorms
  uint64_t dec_layer = enc_layer + attn + 2 * d;        // + encoder_attn and its LayerNorm
  uint64_t front = (80 * d * 3 + d) + (d * d * 3 + d);  // conv1, conv2
  uint64_t encoder = front + 1500 * d + layers * enc_layer + 2 * d;
  uint64_t decoder = 51865 * d + 448 * d + layers * dec_layer + 2 * d;
  return encoder + decoder;
}

TEST(Whisper, ParameterCounts) {
  // keras-hub's whisper presets: whisper_small_multi 241,734,912, whisper_base_multi 72,593,920.
  EXPECT_EQ(WhisperParams(768, 12, 3072), 241'734'912u);
  EXPECT_EQ(WhisperParams(512, 6, 2048), 72'593'920u);
  Config small = LoadModelConfig("whisper-small");
  EXPECT_EQ(Build(small)->tree().SubtreeParams()[0], Count(241'734'912u));
  EXPECT_EQ(Build(small, "WhisperModel")->tree().SubtreeParams()[0], Count(241'734'912u));
  EXPECT_EQ(Build(small.With("tie_word_embeddings", false))->tree().SubtreeParams()[0],
            Count(241'734'912ull + 51865ull * 768));
  Config base = small.With("d_model", 512)
                    .With("encoder_layers", 6)
                    .With("decoder_layers", 6)
                    .With("encoder_attention_heads", 8)
                    .With("decoder_attention_heads", 8)
                    .With("encoder_ffn_dim", 2048)
                    .With("decoder_ffn_dim", 2048);
  auto arch = Build(base);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t.SubtreeParams()[0], Count(72'593'920u));
  // The split printed for whisper-small in public fine-tuning logs: encoder 88,154,112.
  auto s = Build(small);
  EXPECT_EQ(s->tree().SubtreeParams()[static_cast<size_t>(s->tree().Find("model.encoder"))],
            Count(88'154'112u));
}

TEST(Whisper, ModulesAsTransformersNamesThem) {
  auto arch = Build(LoadModelConfig("whisper-small"), "", AttnImpl::kEager);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t[t.root()].class_name, "WhisperForConditionalGeneration");
  EXPECT_EQ(t[t.Find("model.encoder.conv1")].extra_repr,
            "80, 768, kernel_size=(3,), stride=(1,), padding=(1,)");
  EXPECT_EQ(t[t.Find("model.encoder.conv2")].extra_repr,
            "768, 768, kernel_size=(3,), stride=(2,), padding=(1,)");
  EXPECT_EQ(t[t.Find("model.encoder.embed_positions")].extra_repr, "1500, 768");
  EXPECT_EQ(t[t.Find("model.decoder.embed_tokens")].extra_repr, "51865, 768, padding_idx=50257");
  EXPECT_EQ(t[t.Find("model.decoder.embed_positions")].class_name, "WhisperPositionalEmbedding");
  EXPECT_EQ(t[t.Find("model.decoder.layers.11.encoder_attn")].class_name, "WhisperAttention");
  EXPECT_EQ(t[t.Find("model.encoder.layers.0.self_attn.k_proj")].extra_repr,
            "in_features=768, out_features=768, bias=False");
  EXPECT_EQ(t[t.Find("model.encoder.layers.0.activation_fn")].class_name, "GELUActivation");
  EXPECT_NE(t.Find("proj_out"), kNoModule);
  auto sdpa = Build(LoadModelConfig("whisper-small"), "WhisperModel");
  EXPECT_EQ(sdpa->tree()[sdpa->tree().Find("decoder.layers.0.self_attn")].class_name,
            "WhisperSdpaAttention");
}

TEST(Whisper, AudioFrontEndAndForward) {
  // Any workload reads 3000 mel frames: conv1 3000 x 768 outputs x 80 x 3 taps, conv2 1500 x 768
  // outputs x 768 x 3 taps; each encoder projection is 1500 x 768^2.
  auto arch = Build(LoadModelConfig("whisper-small"));
  Workload w;
  w.batch = 2;
  w.seq_len = 10;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  EXPECT_EQ(At(p, "model.encoder.conv1").macs, Count(2ull * 3000 * 768 * 240));
  EXPECT_EQ(At(p, "model.encoder.conv2").macs, Count(2ull * 1500 * 768 * 2304));
  EXPECT_EQ(At(p, "model.encoder.layers.0.self_attn.q_proj").macs, Count(2ull * 1500 * 768 * 768));
  // The decoder over 10 tokens; cross-attention keys come from the 1500 encoder states.
  EXPECT_EQ(At(p, "model.decoder.layers.0.encoder_attn.q_proj").macs, Count(2ull * 10 * 768 * 768));
  EXPECT_EQ(At(p, "model.decoder.layers.0.encoder_attn.k_proj").macs,
            Count(2ull * 1500 * 768 * 768));
  EXPECT_EQ(At(p, "proj_out").macs, Count(2ull * 10 * 768 * 51865));
}

TEST(Whisper, GenerateEncodesOnceAndProjectsCrossKeysOnce) {
  auto arch = Build(LoadModelConfig("whisper-small"));
  Workload one, three;
  one.mode = three.mode = Mode::kGenerate;
  one.prompt_tokens = three.prompt_tokens = 4;
  one.max_new_tokens = 1;
  three.max_new_tokens = 3;
  Profile p1 = Analyze(*arch, one, Convention::kAnalytic);
  Profile p3 = Analyze(*arch, three, Convention::kAnalytic);
  std::string cross = "model.decoder.layers.0.encoder_attn";
  EXPECT_EQ(At(p1, cross + ".k_proj").macs, Count(1500ull * 768 * 768));
  EXPECT_EQ(At(p3, cross + ".k_proj").macs, Count(1500ull * 768 * 768));  // not again
  EXPECT_EQ(At(p3, "model.encoder").macs, At(p1, "model.encoder").macs);  // encoded once
  // The prompt's 4 tokens, then 2 one-token steps.
  EXPECT_EQ(At(p3, "model.decoder.layers.0.self_attn.k_proj").macs, Count(6ull * 768 * 768));
  EXPECT_EQ(At(p3, "proj_out").macs, Count(6ull * 768 * 51865));
  // Caches per decoder layer: K and V per token (2 x 768), and the cross K/V of 1500 states.
  // The cross caches keep the plan's 1,500 encoder positions.
  const auto& specs = p3.kv_cache;
  ASSERT_EQ(specs.size(), 24u);
  EXPECT_EQ(KvCrossBytes(specs, 1, 2), Count(12ull * 2 * 768 * 1500 * 2));
  // 6 cached tokens, batch 1, 2 bytes: 12 x (2 x 768 x 6 + 2 x 768 x 1500) x 2.
  EXPECT_EQ(KvCacheBytes(specs, 6, 1, 2), Count(12ull * (2 * 768 * 6 + 2 * 768 * 1500) * 2));
}

TEST(Whisper, AudioClassification) {
  // The encoder (88,154,112) + projector 768 x 256 + 256 + classifier 256 x 5 + 5.
  Config c = LoadModelConfig("whisper-small").With("num_labels", 5);
  auto arch = Build(c, "WhisperForAudioClassification");
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t.SubtreeParams()[0], Count(88'154'112ull + 768 * 256 + 256 + 256 * 5 + 5));
  EXPECT_NE(t.Find("encoder.conv1"), kNoModule);
  EXPECT_EQ(t.Find("decoder"), kNoModule);
  Workload w;
  w.batch = 2;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  EXPECT_EQ(At(p, "projector").macs, Count(2ull * 1500 * 768 * 256));
  EXPECT_EQ(At(p, "encoder.conv2").macs, Count(2ull * 1500 * 768 * 2304));
  Workload g;
  g.mode = Mode::kGenerate;
  EXPECT_THROW(Analyze(*arch, g, Convention::kAnalytic), Error);
  EXPECT_THROW(Build(c.With("use_weighted_layer_sum", true), "WhisperForAudioClassification"),
               Error);
}

TEST(Whisper, BadInputs) {
  Config c = LoadModelConfig("whisper-small");
  EXPECT_THROW(Build(c.With("encoder_attention_heads", 7)), Error);
  EXPECT_THROW(Build(c.With("activation_function", "nope")), Error);
  EXPECT_THROW(Build(c.With("pad_token_id", 51865)), Error);
  auto no_pad = Build(c.With("pad_token_id", nullptr));  // padding_idx=None
  EXPECT_EQ(no_pad->tree()[no_pad->tree().Find("model.decoder.embed_tokens")].extra_repr,
            "51865, 768");
  EXPECT_THROW(Build(c.With("num_mel_bins", 0)), Error);
  EXPECT_THROW(Build(c, "", AttnImpl::kFlashAttention2), Error);
  EXPECT_THROW(Build(c, "WhisperForCausalLM"), Error);
  auto arch = Build(c);
  Workload w;
  w.seq_len = 449;  // max_target_positions 448
  EXPECT_THROW(Analyze(*arch, w, Convention::kAnalytic), Error);
  w.seq_len = 448;
  EXPECT_NO_THROW(Analyze(*arch, w, Convention::kAnalytic));
  Workload g;
  g.mode = Mode::kGenerate;
  g.prompt_tokens = 440;
  g.max_new_tokens = 10;  // 449 positions by the last step
  EXPECT_THROW(Analyze(*arch, g, Convention::kAnalytic), Error);
}

}  // namespace
}  // namespace calflops
