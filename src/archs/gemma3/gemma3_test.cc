#include <nlohmann/json.hpp>

#include "model/error.h"
#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Gemma3, PublishedParameterCount) {
  // gemma-3-12b-it, text: 16 heads x 256 (4096 wide q), 8 KV heads (2048), MLP 3 x 3840 x 15360,
  // four 3840-wide norms and the 256-wide q/k norms per layer, 48 layers, tied 262208-row
  // embedding (Gemma3TextConfig's default vocabulary), final norm.
  uint64_t layer = 3840ull * 4096 + 2 * 3840ull * 2048 + 4096ull * 3840 + 3 * 3840ull * 15360 +
                   4 * 3840 + 2 * 256;
  uint64_t text = 262208ull * 3840 + 48 * layer + 3840;
  // SigLIP so400m at 896 / 14 (64 x 64 = 4096 patches), no pooling head: patch conv, positions,
  // 27 layers of q/k/v/out (with biases), fc1/fc2 (with biases), two LayerNorms; post_layernorm.
  uint64_t vlayer =
      4 * (1152ull * 1152 + 1152) + (1152ull * 4304 + 4304) + (4304ull * 1152 + 1152) + 4 * 1152;
  uint64_t vision = (3ull * 14 * 14 * 1152 + 1152) + 4096ull * 1152 + 27 * vlayer + 2 * 1152;
  // Projector: mm_input_projection_weight 1152 x 3840 and the 1152-wide mm_soft_emb_norm.
  uint64_t projector = 1152ull * 3840 + 1152;
  // keras-hub publishes gemma3_12b = 12,187,079,280 and gemma3_12b_text = 11,765,788,416 with a
  // 262,144-row vocabulary; the HF checkpoint has 64 more rows of 3840.
  EXPECT_EQ(text, 11'765'788'416u + 64 * 3840);
  EXPECT_EQ(text + vision + projector, 12'187'079'280u + 64 * 3840);
  EXPECT_EQ(ZooParams("gemma-3-12b-it"), text + vision + projector);
}

TEST(Gemma3, ModulesInRegistrationOrder) {
  auto arch = ZooArch("gemma-3-12b-it");
  const auto& t = arch->tree();
  EXPECT_EQ(Children(t, ""), "model,lm_head");
  EXPECT_EQ(Children(t, "model"), "vision_tower,multi_modal_projector,language_model");
  EXPECT_EQ(Children(t, "model.multi_modal_projector"), "mm_soft_emb_norm,avg_pool");
  EXPECT_EQ(Describe(t, "model.multi_modal_projector.avg_pool"),
            "AvgPool2d | kernel_size=4, stride=4, padding=0");
  EXPECT_EQ(Describe(t, "model.language_model"), "Gemma3TextModel | ");
  EXPECT_EQ(Describe(t, "model.vision_tower.vision_model.encoder.layers.0.self_attn"),
            "SiglipAttention | ");
}

TEST(Gemma3, ImageCostsOnceAtPrefill) {
  // One image: 4096 patches through the tower; the projector pools 4 x 4 windows (16 FLOPs per
  // output: 15 adds, one divide) to 256 tokens and multiplies by 1152 x 3840.
  auto arch = ZooArch("gemma-3-12b-it");
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 10;
  w.images = 1;
  w.max_new_tokens = 4;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  EXPECT_EQ(StatsAt(p, "model.multi_modal_projector.avg_pool").flops, Count(256ull * 1152 * 16));
  EXPECT_EQ(StatsAt(p, "model.multi_modal_projector").macs, Count(256ull * 1152 * 3840));
  // The conv: 4096 patches x 1152 outputs x 3 x 14 x 14 MACs, once.
  EXPECT_EQ(StatsAt(p, "model.vision_tower.vision_model.embeddings.patch_embedding").macs,
            Count(4096ull * 1152 * 3 * 14 * 14));
}

TEST(Gemma3, BadConfigsNameTheKey) {
  Config base = LoadModelConfig("gemma-3-12b-it");
  auto expect_error = [](const Config& c, const std::string& where, ExitCode code) {
    try {
      BuildArchitecture(c, BuildOptions{});
      ADD_FAILURE() << "no error for " << where;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
      EXPECT_EQ(e.code(), code) << e.what();
    }
  };
  expect_error(base.With("mm_tokens_per_image", 200), "key 'mm_tokens_per_image'",
               ExitCode::kBadInput);  // 64 x 64 patches do not pool to 200 tokens
  expect_error(base.With("text_config", nlohmann::json{{"model_type", "llama"}}),
               "key 'text_config.model_type'", ExitCode::kUnsupported);
  expect_error(base.With("vision_config", nlohmann::json{{"model_type", "clip_vision_model"}}),
               "key 'vision_config.model_type'", ExitCode::kUnsupported);
  Config text = LoadModelConfig("gemma-3-1b-it");
  expect_error(text.With("layer_types", nlohmann::json::array({"sliding_attention"})),
               "key 'layer_types'", ExitCode::kBadInput);  // 1 entry for 26 layers
  expect_error(text.With("layer_types", nlohmann::json::array({"local"})), "key 'layer_types'",
               ExitCode::kBadInput);
  Config oss = LoadModelConfig("gpt-oss-120b");
  expect_error(oss.With("num_experts_per_tok", 200), "key 'num_experts_per_tok'",
               ExitCode::kBadInput);
  expect_error(oss.With("layer_types", nlohmann::json::array({"full_attention"})),
               "key 'layer_types'", ExitCode::kBadInput);
}

TEST(Gemma3, ImageSizeIsNotModelled) {
  auto arch = ZooArch("gemma-3-12b-it");
  Workload w;
  w.images = 1;
  w.seq_len = 10;
  w.image_height = w.image_width = 448;
  EXPECT_THROW(Analyze(*arch, w, Convention::kAnalytic), Error);
  w.image_height = w.image_width = 0;
  w.images = 11;  // more placeholders than prompt tokens
  EXPECT_THROW(Analyze(*arch, w, Convention::kAnalytic), Error);
}

}  // namespace
}  // namespace calflops::testing
