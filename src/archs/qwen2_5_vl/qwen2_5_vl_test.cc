#include <nlohmann/json.hpp>

#include "archs/qwen2_vl/qwen2_vl_vision.h"
#include "model/error.h"
#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Qwen25Vl, PublishedParameterCount) {
  // Qwen2.5-VL-3B-Instruct, text: 16 heads x 128 (q 2048 wide), 2 KV heads (256), q/k/v biased,
  // o not, MLP 3 x 2048 x 11008, two norms; 36 layers, a tied 151,936-row embedding, final norm.
  uint64_t layer = (2048ull * 2048 + 2048) + 2 * (2048ull * 256 + 256) + 2048ull * 2048 +
                   3 * 2048ull * 11008 + 2 * 2048;
  EXPECT_EQ(layer, 77'076'992u);  // torchinfo's Qwen2_5_VLDecoderLayer
  uint64_t text = 151936ull * 2048 + 36 * layer + 2048;
  // Vision: Conv3d 3 x 2 x 14 x 14 -> 1280 without bias; 32 blocks of two RMSNorm weights, qkv
  // and proj with biases, a biased SwiGLU 1280 -> 3420 -> 1280.
  uint64_t block = 2 * 1280ull + (1280ull * 3840 + 3840) + (1280ull * 1280 + 1280) +
                   2 * (1280ull * 3420 + 3420) + (3420ull * 1280 + 1280);
  EXPECT_EQ(block, 19'702'200u);  // torchinfo's Qwen2_5_VLVisionBlock
  uint64_t tower = 3ull * 2 * 14 * 14 * 1280 + 32 * block;
  // Merger: ln_q (RMSNorm weight), 5120 -> 5120 and 5120 -> 2048 with biases.
  uint64_t sequential = (5120ull * 5120 + 5120) + (5120ull * 2048 + 2048);
  EXPECT_EQ(sequential, 36'707'328u);  // torchinfo's merger Sequential
  uint64_t merger = 1280 + sequential;
  EXPECT_EQ(ZooParams("qwen2.5-vl-3b-instruct"), text + tower + merger);
  EXPECT_EQ(text + tower + merger, 3'754'622'976u);  // the Hub's "3.75B"
}

TEST(Qwen25Vl, SevenBShapeByArithmetic) {
  // Qwen2.5-VL-7B-Instruct: the Qwen2.5-7B decoder (untied, 152,064 rows) and a 3584-wide merger
  // output, the same tower.
  Config c = LoadModelConfig("qwen2.5-vl-3b-instruct")
                 .With("hidden_size", 3584)
                 .With("intermediate_size", 18944)
                 .With("num_hidden_layers", 28)
                 .With("num_attention_heads", 28)
                 .With("num_key_value_heads", 4)
                 .With("vocab_size", 152064)
                 .With("tie_word_embeddings", false);
  nlohmann::json vc = c.raw()["vision_config"];
  vc["out_hidden_size"] = 3584;
  c = c.With("vision_config", vc);
  uint64_t layer = (3584ull * 3584 + 3584) + 2 * (3584ull * 512 + 512) + 3584ull * 3584 +
                   3 * 3584ull * 18944 + 2 * 3584;
  uint64_t text = 2 * 152064ull * 3584 + 28 * layer + 3584;
  uint64_t vision = 3ull * 2 * 14 * 14 * 1280 + 32 * 19'702'200ull + 1280 +
                    (5120ull * 5120 + 5120) + (5120ull * 3584 + 3584);
  auto arch = BuildArchitecture(c, BuildOptions{});
  EXPECT_EQ(static_cast<uint64_t>(arch->tree().SubtreeParams()[0].value()), text + vision);
  EXPECT_EQ(text + vision, 8'292'166'656u);  // the commonly cited safetensors total
}

TEST(Qwen25Vl, ModulesInRegistrationOrder) {
  auto arch = ZooArch("qwen2.5-vl-3b-instruct");
  const auto& t = arch->tree();
  EXPECT_EQ(Children(t, ""), "model,lm_head");
  EXPECT_EQ(Describe(t, "model"), "Qwen2_5_VLModel | ");
  EXPECT_EQ(Children(t, "model"), "visual,language_model");
  EXPECT_EQ(Children(t, "model.visual"), "patch_embed,rotary_pos_emb,blocks,merger");
  EXPECT_EQ(Children(t, "model.visual.blocks.0"), "norm1,norm2,attn,mlp");
  EXPECT_EQ(Describe(t, "model.visual.blocks.0.norm1"), "Qwen2RMSNorm | (1280,), eps=1e-06");
  EXPECT_EQ(Describe(t, "model.visual.blocks.0.attn"), "Qwen2_5_VLVisionAttention | ");
  EXPECT_EQ(Children(t, "model.visual.blocks.0.mlp"), "gate_proj,up_proj,down_proj,act_fn");
  EXPECT_EQ(Describe(t, "model.language_model"), "Qwen2_5_VLTextModel | ");
  EXPECT_EQ(Describe(t, "model.language_model.layers.0.self_attn"), "Qwen2_5_VLAttention | ");
  EXPECT_EQ(Describe(t, "model.language_model.layers.0.self_attn.rotary_emb"),
            "Qwen2_5_VLRotaryEmbedding | ");
  EXPECT_EQ(Describe(t, "model.language_model.layers.0.mlp"), "Qwen2MLP | ");
}

TEST(Qwen25Vl, WindowsOfTheMergedGrid) {
  // window_size 112 pixels = 4 x 4 merged tokens = 8 x 8 patches.
  using Chunks = std::vector<std::pair<int64_t, int64_t>>;
  // 32 x 32 patches (448 x 448): 16 x 16 tokens, 16 full windows of 64 patches (the padded
  // fifth row and column of windows are empty and dropped).
  EXPECT_EQ(Qwen25WindowChunks(32, 32, 4, 2), (Chunks{{64, 16}}));
  // 36 x 26 patches (500 x 375 resized to 504 x 364): 18 x 13 tokens; rows of windows 4, 4, 4,
  // 4, 2 tokens high, columns 4, 4, 4, 1 wide.
  EXPECT_EQ(Qwen25WindowChunks(36, 26, 4, 2), (Chunks{{64, 12}, {16, 4}, {32, 3}, {8, 1}}));
}

TEST(Qwen25Vl, WindowedAndFullAttention) {
  auto arch = ZooArch("qwen2.5-vl-3b-instruct");
  Workload w;
  w.batch = 2;
  w.seq_len = 8;
  w.images = 1;  // 448 x 448: 1024 patches each
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  auto core = [&](int block) {
    std::string a = "model.visual.blocks." + std::to_string(block) + ".attn";
    return StatsAt(p, a).macs - StatsAt(p, a + ".qkv").macs - StatsAt(p, a + ".proj").macs;
  };
  // Scores and weighted sums, 16 heads of 80: block 0 within 16 windows of 64 patches per
  // image; block 7 (in fullatt_block_indexes) within each image, never across the batch.
  EXPECT_EQ(core(0), Count(2ull * 16 * (2 * 16 * 64 * 64 * 80)));
  EXPECT_EQ(core(7), Count(2ull * 2 * 16 * 1024 * 1024 * 80));
}

TEST(Qwen25Vl, BadConfigsNameTheKey) {
  Config base = LoadModelConfig("qwen2.5-vl-3b-instruct");
  nlohmann::json vc = base.raw()["vision_config"];
  vc["window_size"] = 20;  // below one 28-pixel merged token
  try {
    BuildArchitecture(base.With("vision_config", vc), BuildOptions{});
    ADD_FAILURE() << "no error for window_size 20";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("key 'vision_config.window_size'"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(BuildArchitecture(base.With("rope_scaling", nlohmann::json{{"type", "mrope"}}),
                                 BuildOptions{}),
               Error);  // no mrope_section
}

}  // namespace
}  // namespace calflops::testing
