#include <nlohmann/json.hpp>

#include "model/error.h"
#include "zoo_util.h"

namespace calflops::testing {
namespace {

constexpr const char* kZoo = "llama-3.2-11b-vision-instruct";

TEST(Mllama, PublishedParameterCount) {
  // Text (MllamaTextConfig of the 11B): 4096 wide, 32 heads of 128, 8 KV heads (1024 wide), MLP
  // 3 x 4096 x 14336, no biases. A self-attention layer: q, k, v, o, MLP, two RMSNorms.
  const uint64_t attn = 4096ull * 4096 + 2 * 4096ull * 1024 + 4096ull * 4096;
  const uint64_t mlp = 3 * 4096ull * 14336;
  const uint64_t self_layer = attn + mlp + 2 * 4096;
  EXPECT_EQ(self_layer, 218'112'000u);
  // A cross-attention layer: the same projections, q_norm and k_norm over head_dim 128, two tanh
  // gates of one element, the MLP and two RMSNorms.
  const uint64_t cross_layer = attn + 2 * 128 + 2 + mlp + 2 * 4096;
  // 40 layers, 8 of them cross-attention ([3, 8, ..., 38]); embed_tokens has vocab + 8 rows
  // (128,264), lm_head vocab rows (128,256), untied; the final norm.
  const uint64_t text =
      128264ull * 4096 + 32 * self_layer + 8 * cross_layer + 4096 + 128256ull * 4096;
  EXPECT_EQ(text, 9'775'192'080u);
  // Vision (1280 wide, 560 / 14 = 40 -> 1600 patches + class token = 1601 per tile, 4 tiles,
  // 8 aspect ratios -> 9 embedding rows). Layer: q, k, v, o without bias, fc1 / fc2 with bias,
  // two LayerNorms; the 8 global layers add gate_attn and gate_ffn.
  const uint64_t vlayer =
      4 * 1280ull * 1280 + (1280ull * 5120 + 5120) + (5120ull * 1280 + 1280) + 2 * 2 * 1280;
  EXPECT_EQ(vlayer, 19'672'320u);
  const uint64_t positional = 1 + 1601ull * 1280 + 9ull * (4 * 1601 * 1280);  // gate, emb, tiles
  const uint64_t aspect = 9ull * 4 * 1280 + 1;  // pre- / post-tile: embedding + gate
  const uint64_t vision = 3ull * 14 * 14 * 1280 /* patch conv, no bias */ + 1280 /* class */ +
                          positional + 2 * aspect + 2 * 2 * 1280 /* layernorm_pre / post */ +
                          32 * vlayer + 8 * (vlayer + 2);
  EXPECT_EQ(vision, 863'567'379u);
  // multi_modal_projector: 7680 = 1280 x (1 + 5 intermediate layers) -> 4096, with bias.
  const uint64_t projector = 7680ull * 4096 + 4096;
  EXPECT_EQ(text + vision + projector, 10'670'220'835u);  // Llama-3.2-11B-Vision safetensors
  EXPECT_EQ(ZooParams(kZoo), text + vision + projector);
}

TEST(Mllama, ModulesInRegistrationOrder) {
  auto arch = ZooArch(kZoo);
  const auto& t = arch->tree();
  EXPECT_EQ(Children(t, ""), "vision_model,language_model,multi_modal_projector");
  EXPECT_EQ(Children(t, "vision_model"),
            "patch_embedding,gated_positional_embedding,pre_tile_positional_embedding,"
            "post_tile_positional_embedding,layernorm_pre,layernorm_post,transformer,"
            "global_transformer");
  EXPECT_EQ(Describe(t, "vision_model.patch_embedding"),
            "Conv2d | 3, 1280, kernel_size=(14, 14), stride=(14, 14), padding=valid, bias=False");
  EXPECT_EQ(Children(t, "vision_model.transformer.layers.0"),
            "self_attn,mlp,input_layernorm,post_attention_layernorm");
  EXPECT_EQ(Describe(t, "vision_model.transformer.layers.0.self_attn"),
            "MllamaVisionSdpaAttention | ");
  EXPECT_EQ(Children(t, "language_model"), "model,lm_head");
  EXPECT_EQ(Children(t, "language_model.model"), "embed_tokens,layers,norm,rotary_emb");
  EXPECT_EQ(Describe(t, "language_model.model.layers.0"), "MllamaSelfAttentionDecoderLayer | ");
  EXPECT_EQ(Describe(t, "language_model.model.layers.0.self_attn"),
            "MllamaTextSelfSdpaAttention | ");
  EXPECT_EQ(Describe(t, "language_model.model.layers.3"), "MllamaCrossAttentionDecoderLayer | ");
  EXPECT_EQ(Children(t, "language_model.model.layers.3"),
            "cross_attn,input_layernorm,mlp,post_attention_layernorm");
  EXPECT_EQ(Children(t, "language_model.model.layers.3.cross_attn"),
            "q_proj,k_proj,v_proj,o_proj,q_norm,k_norm");
  EXPECT_EQ(Describe(t, "language_model.model.layers.3.cross_attn"),
            "MllamaTextCrossSdpaAttention | ");
}

TEST(Mllama, ImageMapsToTilesAndCrossAttentionTokens) {
  // One image, any size: 4 tiles x 1601 = 6,404 vision tokens, encoded at prefill only; the
  // attention runs over 4 x 1608 positions (1601 padded to a multiple of 8). Prompt 10 tokens
  // (one <|image|>), 3 new tokens.
  auto arch = ZooArch(kZoo);
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 10;
  w.images = 1;
  w.max_new_tokens = 3;
  w.image_height = 300;  // does not change the cost: the processor pads to 4 tiles
  w.image_width = 900;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  EXPECT_EQ(StatsAt(p, "vision_model.patch_embedding").macs, Count(4ull * 1600 * 1280 * 3 * 196));
  EXPECT_EQ(StatsAt(p, "vision_model.transformer.layers.0.self_attn.q_proj").macs,
            Count(4ull * 1608 * 1280 * 1280));
  // SDPA over the whole image: 2 x heads x L x L x head_dim, L = 6432.
  const auto& a = StatsAt(p, "vision_model.global_transformer.layers.0.self_attn");
  EXPECT_EQ(a.macs - 4 * 4ull * 1608 * 1280 * 1280, Count(2ull * 16 * 6432 * 6432 * 80));
  EXPECT_EQ(StatsAt(p, "multi_modal_projector").macs, Count(6404ull * 7680 * 4096));
  // Cross K/V from the 6,404 vision tokens once; q_proj for 10 + 2 tokens.
  EXPECT_EQ(StatsAt(p, "language_model.model.layers.3.cross_attn.k_proj").macs,
            Count(6404ull * 4096 * 1024));
  EXPECT_EQ(StatsAt(p, "language_model.model.layers.3.cross_attn.q_proj").macs,
            Count(12ull * 4096 * 4096));
  // lm_head: 1 position at prefill (num_logits_to_keep), 1 per step.
  EXPECT_EQ(StatsAt(p, "language_model.lm_head").macs, Count(3ull * 4096 * 128256));
  w.image_height = w.image_width = 0;
  Profile q = Analyze(*arch, w, Convention::kAnalytic);
  EXPECT_EQ(q.total().macs, p.total().macs);
}

TEST(Mllama, TextOnlySkipsCrossAttentionLayers) {
  auto arch = ZooArch(kZoo);
  Workload w;
  w.seq_len = 16;
  w.images = 0;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  EXPECT_EQ(StatsAt(p, "language_model.model.layers.3").macs, Count(0));
  EXPECT_EQ(StatsAt(p, "vision_model").macs, Count(0));
  EXPECT_EQ(StatsAt(p, "language_model.model.layers.0.mlp").macs, Count(16ull * 3 * 4096 * 14336));
}

TEST(Mllama, BadInputsNameThePlace) {
  Config base = LoadModelConfig(kZoo);
  auto expect_error = [&](const Config& c, const std::string& where) {
    try {
      BuildArchitecture(c, BuildOptions{});
      ADD_FAILURE() << "no error, expected one at " << where;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
    }
  };
  nlohmann::json tc = base.raw()["text_config"];
  tc["cross_attention_layers"] = {3, 40};
  expect_error(base.With("text_config", tc), "text_config.cross_attention_layers");
  nlohmann::json vc = base.raw()["vision_config"];
  vc["vision_output_dim"] = 4096;
  expect_error(base.With("vision_config", vc), "vision_config.vision_output_dim");
  vc = base.raw()["vision_config"];
  vc["intermediate_layers_indices"] = {3, 40};
  expect_error(base.With("vision_config", vc), "vision_config.intermediate_layers_indices");
  BuildOptions flash;
  flash.attn = AttnImpl::kFlashAttention2;
  EXPECT_THROW(BuildArchitecture(base, flash), Error);
  auto arch = ZooArch(kZoo);
  Workload w;
  w.seq_len = 2;
  w.images = 3;  // more <|image|> tokens than the prompt holds
  EXPECT_THROW(Analyze(*arch, w, Convention::kAnalytic), Error);
}

}  // namespace
}  // namespace calflops::testing
