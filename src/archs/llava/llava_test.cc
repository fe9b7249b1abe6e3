// LLaVA-NeXT and LLaVA: published parameter count with its arithmetic, transformers' module
// names / classes / extra_repr, the merged sequence lengths of the workload, per-tower attention
// classes and bad configs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "model/error.h"
#include "load/model_source.h"

namespace calflops {
namespace {

std::unique_ptr<Architecture> Build(const Config& c, AttnImpl impl = AttnImpl::kSdpa) {
  BuildOptions o;
  o.attn = impl;
  return BuildArchitecture(c, o);
}

const Module& At(const Architecture& a, const std::string& path) {
  ModuleId id = a.tree().Find(path);
  EXPECT_NE(id, kNoModule) << path;
  return a.tree()[id == kNoModule ? 0 : id];
}

// llava-1.5-7b-hf: Vicuna-7B (Llama-2-7B shapes) with a 32,064-token vocabulary, CLIP
// ViT-L/14-336, the two-layer projector; the Hub's 7.06B.
TEST(Llava, ParameterCountWithArithmetic) {
  auto arch = Build(LoadModelConfig("llava-1.5-7b"));
  uint64_t vision = 303'507'456;  // CLIP ViT-L/14-336 (clip_test.cc)
  uint64_t projector = 1024ull * 4096 + 4096 + 4096ull * 4096 + 4096;
  // Llama-2-7B: 32 layers of 4 x 4096^2 attention, 3 x 4096 x 11008 MLP, two norms; untied head.
  uint64_t layer = 4 * 4096ull * 4096 + 3 * 4096ull * 11008 + 2 * 4096;
  uint64_t lm = 2 * 32064ull * 4096 + 32 * layer + 4096;
  EXPECT_EQ(lm, 6'738'415'616u + 2 * 64 * 4096);  // Llama-2-7B's published count + 64 rows x 2
  EXPECT_EQ(vision + projector + lm, 7'063'427'072u);
  EXPECT_EQ(arch->tree().SubtreeParams()[0], Count(7'063'427'072u));
}

// llama3-llava-next-8b: 8,355,276,800 parameters (the seed's 8.36 B, the checkpoint's total).
TEST(LlavaNext, ParameterCountWithArithmetic) {
  auto arch = Build(LoadModelConfig("llava-next-8b"));
  auto params = arch->tree().SubtreeParams();
  // CLIP ViT-L/14-336 (see clip_test.cc): 303,507,456.
  uint64_t vision = 303'507'456;
  // projector: 1024 x 4096 + 4096, then 4096 x 4096 + 4096.
  uint64_t projector = 1024ull * 4096 + 4096 + 4096ull * 4096 + 4096;
  // Llama-3-8B body with a 128,320-token vocabulary, untied head.
  uint64_t layer = 2 * 4096ull * 4096 + 2 * 4096ull * 1024 + 3 * 4096ull * 14336 + 2 * 4096;
  uint64_t lm = 2 * 128320ull * 4096 + 32 * layer + 4096;
  uint64_t newline = 4096;
  EXPECT_EQ(vision + projector + newline + lm, 8'355'276'800u);
  EXPECT_EQ(params[0], Count(8'355'276'800));
  auto of = [&](const char* path) { return params[static_cast<size_t>(arch->tree().Find(path))]; };
  EXPECT_EQ(of("vision_tower"), Count(vision));
  EXPECT_EQ(of("multi_modal_projector"), Count(projector));
  EXPECT_EQ(of("language_model"), Count(lm));
}

TEST(LlavaNext, ModuleNamesClassesAndReprs) {
  auto arch = Build(LoadModelConfig("llava-next-8b"), AttnImpl::kFlashAttention2);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t[t.root()].class_name, "LlavaNextForConditionalGeneration");
  std::vector<std::string> children;
  for (ModuleId c : t[t.root()].children) children.push_back(t[c].name);
  EXPECT_EQ(children,
            (std::vector<std::string>{"vision_tower", "multi_modal_projector", "language_model"}));
  EXPECT_EQ(At(*arch, "vision_tower").class_name, "CLIPVisionModel");
  EXPECT_EQ(At(*arch, "vision_tower.vision_model").class_name, "CLIPVisionTransformer");
  EXPECT_EQ(At(*arch, "vision_tower.vision_model.embeddings.patch_embedding").extra_repr,
            "3, 1024, kernel_size=(14, 14), stride=(14, 14), bias=False");
  EXPECT_EQ(At(*arch, "vision_tower.vision_model.embeddings.position_embedding").extra_repr,
            "577, 1024");
  EXPECT_EQ(At(*arch, "vision_tower.vision_model.pre_layrnorm").extra_repr,
            "(1024,), eps=1e-05, elementwise_affine=True");
  // The caller's flash_attention_2 reaches the language model only; the tower keeps SDPA.
  EXPECT_EQ(At(*arch, "vision_tower.vision_model.encoder.layers.0.self_attn").class_name,
            "CLIPSdpaAttention");
  EXPECT_EQ(At(*arch, "language_model.model.layers.0.self_attn").class_name,
            "LlamaFlashAttention2");
  std::vector<std::string> attn;
  for (ModuleId c : At(*arch, "vision_tower.vision_model.encoder.layers.0.self_attn").children)
    attn.push_back(t[c].name);
  EXPECT_EQ(attn, (std::vector<std::string>{"k_proj", "v_proj", "q_proj", "out_proj"}));
  EXPECT_EQ(At(*arch, "multi_modal_projector").class_name, "LlavaNextMultiModalProjector");
  EXPECT_EQ(At(*arch, "multi_modal_projector.act").class_name, "GELUActivation");
  EXPECT_EQ(At(*arch, "vision_tower.vision_model.encoder.layers.23.mlp.activation_fn").class_name,
            "QuickGELUActivation");
  EXPECT_EQ(At(*arch, "language_model.model.embed_tokens").extra_repr, "128320, 4096");
  EXPECT_EQ(At(*arch, "language_model.model.norm").extra_repr, "(4096,), eps=1e-05");
}

// One 360 x 640 image: 1,948 features (anyres_test.cc). A 61-token prompt holding one <image>
// becomes 61 - 1 + 1,948 = 2,008 language-model tokens; the vision tower encodes 5 crops.
TEST(LlavaNext, MergedPromptLength) {
  auto arch = Build(LoadModelConfig("llava-next-8b"));
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 61;
  w.max_new_tokens = 3;
  w.image_height = 360;
  w.image_width = 640;
  auto calls = arch->Plan(w);
  ASSERT_EQ(calls.size(), 2u);  // the prefill, and the two decode steps as one run
  EXPECT_EQ(calls[0].new_tokens, 2008);
  EXPECT_EQ(calls[0].images, 1);
  EXPECT_EQ(calls[1].repeat, 2);
  EXPECT_EQ(calls[1].new_tokens, 1);
  EXPECT_EQ(calls[1].past_tokens, 2008);
  EXPECT_EQ(calls[1].past_step, 1);  // the second step has 2009 tokens cached
  EXPECT_EQ(calls[1].images, 0);     // encoded once

  // 5 crops x 577 tokens through each CLIP q_proj: 5 x 577 x 1024 x 1024 MACs.
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  ModuleId q = p.tree.Find("vision_tower.vision_model.encoder.layers.0.self_attn.q_proj");
  EXPECT_EQ(p.stats[static_cast<size_t>(q)].macs, Count(5ull * 577 * 1024 * 1024));
  // Llama q_proj sees 2,008 + 2 tokens in all.
  ModuleId lq = p.tree.Find("language_model.model.layers.0.self_attn.q_proj");
  EXPECT_EQ(p.stats[static_cast<size_t>(lq)].macs, Count(2010ull * 4096 * 4096));
}

TEST(LlavaNext, ReencodeRunsTheTowerEveryStep) {
  auto arch = Build(LoadModelConfig("llava-next-8b"));
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 12;
  w.max_new_tokens = 4;
  w.image_height = 360;
  w.image_width = 640;
  w.reencode_images = true;
  auto calls = arch->Plan(w);
  for (const auto& c : calls) EXPECT_EQ(c.images, 1);
  EXPECT_EQ(calls[0].input_ids, 12);  // the unexpanded prompt
  EXPECT_EQ(calls[0].new_tokens, 1959);
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  ModuleId q = p.tree.Find("vision_tower.vision_model.encoder.layers.0.self_attn.q_proj");
  EXPECT_EQ(p.stats[static_cast<size_t>(q)].macs, Count(4ull * 5 * 577 * 1024 * 1024));
}

TEST(LlavaNext, TwoImagesPerSequenceAndBatch) {
  auto arch = Build(LoadModelConfig("llava-next-8b"));
  Workload w;
  w.batch = 3;
  w.seq_len = 20;
  w.images = 2;
  w.image_height = 360;
  w.image_width = 640;
  auto calls = arch->Plan(w);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].new_tokens, 20 - 2 + 2 * 1948);
  EXPECT_EQ(calls[0].logits_tokens, calls[0].new_tokens);  // forward: every position
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  ModuleId l1 = p.tree.Find("multi_modal_projector.linear_1");
  // 3 sequences x 2 images x 5 crops x 576 patches, 1024 -> 4096.
  EXPECT_EQ(p.stats[static_cast<size_t>(l1)].macs, Count(3ull * 2 * 5 * 576 * 1024 * 4096));
}

TEST(LlavaNext, PromptTooShortForItsImages) {
  auto arch = Build(LoadModelConfig("llava-next-8b"));
  Workload w;
  w.seq_len = 1;
  w.images = 2;
  try {
    arch->Plan(w);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find("--seq-len"), std::string::npos) << e.what();
  }
}

TEST(LlavaNext, UnsupportedTowersAndStrategyAreNamed) {
  Config base = LoadModelConfig("llava-next-8b");
  auto expect_error = [](const Config& c, const std::string& where, ExitCode code) {
    try {
      Build(c);
      FAIL() << where;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
    }
  };
  expect_error(base.With("vision_config", nlohmann::json{{"model_type", "siglip_vision_model"}}),
               "key 'vision_config.model_type'", ExitCode::kUnsupported);
  expect_error(base.With("text_config", nlohmann::json{{"model_type", "mistral"}}),
               "key 'text_config.model_type'", ExitCode::kUnsupported);
  expect_error(base.With("vision_feature_select_strategy", "full"),
               "key 'vision_feature_select_strategy'", ExitCode::kUnsupported);
  expect_error(base.With("vision_feature_select_strategy", "cls"),
               "key 'vision_feature_select_strategy'", ExitCode::kBadInput);
  expect_error(base.With("vision_feature_layer", 40), "key 'vision_feature_layer'",
               ExitCode::kBadInput);
  expect_error(base.With("image_grid_pinpoints", "big"), "key 'image_grid_pinpoints'",
               ExitCode::kBadInput);
}

// LLaVA 1.5 with LlavaConfig's defaults: CLIP ViT-L/14-336 tower, Llama-2-7B-sized LlamaConfig()
// (vocab 32000, intermediate 11008). One image = one 336 crop = 576 features.
TEST(Llava, DefaultsAndMergedLength) {
  Config c = Config::Parse(
      R"({"model_type": "llava", "architectures": ["LlavaForConditionalGeneration"]})",
      "llava.json");
  auto arch = Build(c);
  EXPECT_EQ(At(*arch, "multi_modal_projector").class_name, "LlavaMultiModalProjector");
  auto params = arch->tree().SubtreeParams();
  uint64_t layer = 4 * 4096ull * 4096 + 3 * 4096ull * 11008 + 2 * 4096;
  uint64_t lm = 2 * 32000ull * 4096 + 32 * layer + 4096;
  uint64_t projector = 1024ull * 4096 + 4096 + 4096ull * 4096 + 4096;
  EXPECT_EQ(params[0], Count(303'507'456ull + projector + lm));  // no image_newline
  Workload w;
  w.seq_len = 10;
  w.image_height = 480;  // any size: the processor resizes and centre-crops to 336
  w.image_width = 640;
  EXPECT_EQ(arch->Plan(w)[0].new_tokens, 10 - 1 + 576);
}

}  // namespace
}  // namespace calflops
