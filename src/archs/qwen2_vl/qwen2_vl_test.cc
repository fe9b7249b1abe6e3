#include <nlohmann/json.hpp>

#include "archs/qwen2_vl/qwen2_vl_image.h"
#include "model/error.h"
#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Qwen2Vl, PublishedParameterCount) {
  // Qwen2-VL-2B-Instruct, text: the Qwen2-1.5B decoder. 12 heads x 128 (q 1536 wide), 2 KV heads
  // (256 wide), q/k/v with biases, o without, MLP 3 x 1536 x 8960, two norms; 28 layers, a tied
  // 151,936-row embedding, the final norm.
  uint64_t layer = (1536ull * 1536 + 1536) + 2 * (1536ull * 256 + 256) + 1536ull * 1536 +
                   3 * 1536ull * 8960 + 2 * 1536;
  uint64_t text = 151936ull * 1536 + 28 * layer + 1536;
  EXPECT_EQ(text, 1'543'714'304u);  // Qwen2-1.5B's count
  // Vision: Conv3d 3 x 2 x 14 x 14 -> 1280 without bias; 32 blocks of two LayerNorms, qkv
  // (1280 -> 3840) and proj with biases, fc1 / fc2 (1280 <-> 5120) with biases.
  uint64_t block = 2 * 2 * 1280ull + (1280ull * 3840 + 3840) + (1280ull * 1280 + 1280) +
                   (1280ull * 5120 + 5120) + (5120ull * 1280 + 1280);
  uint64_t tower = 3ull * 2 * 14 * 14 * 1280 + 32 * block;
  // Merger: ln_q (1280, weight and bias), 5120 -> 5120 and 5120 -> 1536, both biased.
  uint64_t merger = 2 * 1280ull + (5120ull * 5120 + 5120) + (5120ull * 1536 + 1536);
  EXPECT_EQ(tower, 631'183'360u);
  EXPECT_EQ(merger, 34'087'936u);
  EXPECT_EQ(ZooParams("qwen2-vl-2b-instruct"), text + tower + merger);
  EXPECT_EQ(text + tower + merger, 2'208'985'600u);  // the Hub's "2.21B"
}

TEST(Qwen2Vl, SevenBShapeByArithmetic) {
  // Qwen2-VL-7B-Instruct differs from the 2B file in the decoder (Qwen2-7B: 3584 wide, 28 heads,
  // 4 KV heads, MLP 18944, 152,064 rows, untied head) and the merger's output width 3584.
  Config c = LoadModelConfig("qwen2-vl-2b-instruct")
                 .With("hidden_size", 3584)
                 .With("intermediate_size", 18944)
                 .With("num_attention_heads", 28)
                 .With("num_key_value_heads", 4)
                 .With("vocab_size", 152064)
                 .With("tie_word_embeddings", false);
  nlohmann::json vc = c.raw()["vision_config"];
  vc["hidden_size"] = 3584;
  c = c.With("vision_config", vc);
  uint64_t layer = (3584ull * 3584 + 3584) + 2 * (3584ull * 512 + 512) + 3584ull * 3584 +
                   3 * 3584ull * 18944 + 2 * 3584;
  uint64_t text = 2 * 152064ull * 3584 + 28 * layer + 3584;
  EXPECT_EQ(text, 7'615'616'512u);  // Qwen2-7B / Qwen2.5-7B
  uint64_t vision = 631'183'360ull + 2 * 1280 + (5120ull * 5120 + 5120) + (5120ull * 3584 + 3584);
  auto arch = BuildArchitecture(c, BuildOptions{});
  EXPECT_EQ(static_cast<uint64_t>(arch->tree().SubtreeParams()[0].value()), text + vision);
  // The commonly cited safetensors total of Qwen2-VL-7B-Instruct.
  EXPECT_EQ(text + vision, 8'291'375'616u);
}

TEST(Qwen2Vl, ResavedTextConfigDescribesTheSameModel) {
  // transformers 4.5x re-saves the decoder's keys under text_config; the top-level ones may then
  // be absent (here: Qwen2VLConfig's 72B-like defaults would apply).
  nlohmann::json raw = LoadModelConfig("qwen2-vl-2b-instruct").raw();
  nlohmann::json text;
  for (const char* k : {"hidden_size", "intermediate_size", "num_attention_heads",
                        "num_hidden_layers", "num_key_value_heads", "rms_norm_eps", "rope_scaling",
                        "tie_word_embeddings", "vocab_size"}) {
    text[k] = raw[k];
    raw.erase(k);
  }
  raw["text_config"] = text;
  auto arch = BuildArchitecture(Config::Parse(raw.dump(), "resaved.json"), BuildOptions{});
  EXPECT_EQ(static_cast<uint64_t>(arch->tree().SubtreeParams()[0].value()), 2'208'985'600u);
}

TEST(Qwen2Vl, ModulesInRegistrationOrder) {
  auto arch = ZooArch("qwen2-vl-2b-instruct");
  const auto& t = arch->tree();
  EXPECT_EQ(Children(t, ""), "visual,model,lm_head");
  EXPECT_EQ(Children(t, "visual"), "patch_embed,rotary_pos_emb,blocks,merger");
  EXPECT_EQ(Describe(t, "visual.patch_embed.proj"),
            "Conv3d | 3, 1280, kernel_size=(2, 14, 14), stride=(2, 14, 14), bias=False");
  EXPECT_EQ(Children(t, "visual.blocks.0"), "norm1,norm2,attn,mlp");
  EXPECT_EQ(Describe(t, "visual.blocks.0.attn"), "VisionSdpaAttention | ");
  EXPECT_EQ(Children(t, "visual.blocks.0.mlp"), "fc1,act,fc2");
  EXPECT_EQ(Describe(t, "visual.blocks.0.mlp.act"), "QuickGELUActivation | ");
  EXPECT_EQ(Children(t, "visual.merger.mlp"), "0,1,2");
  EXPECT_EQ(Describe(t, "visual.merger.mlp.1"), "GELU | approximate='none'");
  EXPECT_EQ(Children(t, "model"), "embed_tokens,layers,norm,rotary_emb");
  EXPECT_EQ(Children(t, "model.layers.0"),
            "self_attn,mlp,input_layernorm,post_attention_layernorm");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn"), "Qwen2VLSdpaAttention | ");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn.rotary_emb"), "Qwen2VLRotaryEmbedding | ");
  EXPECT_EQ(Describe(t, "model.layers.0.mlp"), "Qwen2MLP | ");
}

TEST(Qwen2Vl, SmartResizeMapsImagesToTokens) {
  Qwen2VlProcessor p;
  // 448 x 448: a multiple of 28 already; 32 x 32 patches, 256 tokens.
  Qwen2VlImageGrid g = Qwen2VlResize(448, 448, p, "x");
  EXPECT_EQ(g.patches(), 1024);
  // 500 x 375: round(500 / 28) = 18 -> 504, round(375 / 28) = round(13.39) = 13 -> 364;
  // 36 x 26 patches.
  g = Qwen2VlResize(500, 375, p, "x");
  EXPECT_EQ(g.height, 504);
  EXPECT_EQ(g.width, 364);
  EXPECT_EQ(g.patches(), 36 * 26);
  // 70 x 70: round(2.5) = 2 (halves to even) -> 56 x 56 = 3136 = min_pixels, kept.
  g = Qwen2VlResize(70, 70, p, "x");
  EXPECT_EQ(g.height, 56);
  // 28 x 28 = 784 < 3136: beta = sqrt(3136 / 784) = 2, ceil(28 * 2 / 28) * 28 = 56.
  g = Qwen2VlResize(28, 28, p, "x");
  EXPECT_EQ(g.height, 56);
  EXPECT_EQ(g.width, 56);
  // 4000 x 4000 > max_pixels 12,845,056: beta = 4000 / 3584, floor(3584 / 28) * 28 = 3584.
  g = Qwen2VlResize(4000, 4000, p, "x");
  EXPECT_EQ(g.height, 3584);
  EXPECT_EQ(g.patches(), 256 * 256);
  // 6000 x 3000 (what Python's smart_resize returns): beta = sqrt(18e6 / 12,845,056);
  // floor(5068.5 / 28) * 28 = 5068, floor(2534.3 / 28) * 28 = 2520.
  g = Qwen2VlResize(6000, 3000, p, "x");
  EXPECT_EQ(g.height, 5068);
  EXPECT_EQ(g.width, 2520);
  EXPECT_THROW(Qwen2VlResize(27, 600, p, "x"), Error);   // below the 28-pixel factor
  EXPECT_THROW(Qwen2VlResize(30, 6100, p, "x"), Error);  // aspect ratio above 200
}

TEST(Qwen2Vl, ImageCostsAtPrefillOnly) {
  auto arch = ZooArch("qwen2-vl-2b-instruct");
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 10;
  w.images = 1;
  w.max_new_tokens = 3;
  w.image_height = 280;
  w.image_width = 560;  // 20 x 40 patches, 200 tokens: 9 + 200 = 209 prompt positions
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  EXPECT_EQ(StatsAt(p, "visual.patch_embed.proj").macs, Count(800ull * 1280 * 3 * 2 * 14 * 14));
  EXPECT_EQ(StatsAt(p, "visual.merger.mlp.2").macs, Count(200ull * 5120 * 1536));
  // The head runs over all 209 prefill positions (no num_logits_to_keep in 4.45), then 2 steps.
  EXPECT_EQ(StatsAt(p, "lm_head").macs, Count((209ull + 2) * 1536 * 151936));
  // q_proj: 209 + 2 tokens.
  EXPECT_EQ(StatsAt(p, "model.layers.0.self_attn.q_proj").macs, Count(211ull * 1536 * 1536));
}

TEST(Qwen2Vl, VisionAttentionSpansTheWholeBatch) {
  // SDPA and eager score every patch of the call against every other (one block-diagonal mask);
  // flash-attention's varlen kernel stays within each image.
  Workload w;
  w.batch = 2;
  w.seq_len = 8;
  w.images = 1;  // 448 x 448: 1024 patches each
  auto qk = [&](const char* attn) {
    BuildOptions o;
    o.attn = std::string(attn) == "flash" ? AttnImpl::kFlashAttention2 : AttnImpl::kSdpa;
    auto arch = BuildArchitecture(LoadModelConfig("qwen2-vl-2b-instruct"), o);
    Profile p = Analyze(*arch, w, Convention::kAnalytic);
    const auto& s = StatsAt(p, "visual.blocks.0.attn");
    return s.macs - StatsAt(p, "visual.blocks.0.attn.qkv").macs -
           StatsAt(p, "visual.blocks.0.attn.proj").macs;
  };
  // scores and weighted sum: 2 x heads x queries x keys x head_dim.
  EXPECT_EQ(qk("sdpa"), Count(2ull * 16 * 2048 * 2048 * 80));
  EXPECT_EQ(qk("flash"), Count(2ull * 2 * 16 * 1024 * 1024 * 80));
}

TEST(Qwen2Vl, CalflopsSeesWhatTheSourceCalls) {
  // One 448 x 448 image (N = 1024 patches, 16 heads of 80) under the calflops rules of
  // analysis/convention_calflops.cc: F.linear 2 x MACs without the bias; torch.matmul
  // 2 x numel(input) x other.shape[-1]; F.softmax and F.gelu numel; Python + and * the
  // broadcast size; Python / and unary minus, torch.sigmoid, Tensor.cos / sin, torch.outer and
  // SDPA unseen.
  Workload w;
  w.seq_len = 8;
  const uint64_t n = 1024, e = 1280;
  const uint64_t linears = 2 * n * e * 3 * e + 2 * n * e * e;  // qkv, proj
  // apply_rotary_pos_emb_vision on q and on k: x * cos, rotate_half(x) * sin, their sum.
  const uint64_t rotary = 2 * 3 * n * e;
  auto attn = [&](AttnImpl impl) {
    BuildOptions o;
    o.attn = impl;
    auto arch = BuildArchitecture(LoadModelConfig("qwen2-vl-2b-instruct"), o);
    Profile p = Analyze(*arch, w, Convention::kCalflops);
    EXPECT_EQ(StatsAt(p, "visual.rotary_pos_emb").flops, Count(0));  // torch.outer
    // QuickGELU: 1.702 * x and x * sigmoid(...), the sigmoid unseen.
    EXPECT_EQ(StatsAt(p, "visual.blocks.0.mlp.act").flops, Count(2 * n * 5120));
    // nn.GELU calls F.gelu: numel of the merged (256, 5120) features.
    EXPECT_EQ(StatsAt(p, "visual.merger.mlp.1").flops, Count(256ull * 5120));
    return StatsAt(p, "visual.blocks.0.attn").flops;
  };
  EXPECT_EQ(attn(AttnImpl::kSdpa), Count(linears + rotary));
  // Eager: two torch.matmul, + mask (16, N, N), F.softmax; the / sqrt(d) unseen.
  uint64_t matmuls = 2 * (16 * n * 80 * n) + 2 * (16 * n * n * 80);
  EXPECT_EQ(attn(AttnImpl::kEager), Count(linears + rotary + matmuls + 2 * 16 * n * n));
}

TEST(Qwen2Vl, BadInputsNameThePlace) {
  Config base = LoadModelConfig("qwen2-vl-2b-instruct");
  try {
    BuildArchitecture(base.With("rope_scaling", nlohmann::json{{"mrope_section", {16, 24}}}),
                      BuildOptions{});
    ADD_FAILURE() << "no error for a two-section mrope_section";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("key 'rope_scaling.mrope_section'"), std::string::npos)
        << e.what();
  }
  auto arch = ZooArch("qwen2-vl-2b-instruct");
  Workload w;
  w.seq_len = 4;
  w.images = 5;  // more placeholders than tokens
  EXPECT_THROW(Analyze(*arch, w, Convention::kAnalytic), Error);
  w.images = 1;
  w.image_height = 10;  // below 28 pixels
  w.image_width = 10;
  EXPECT_THROW(Analyze(*arch, w, Convention::kAnalytic), Error);
}

}  // namespace
}  // namespace calflops::testing
