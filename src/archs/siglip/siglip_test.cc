// SigLIP so400m: the parameter counts with their arithmetic, the attention-pooling head's
// MultiheadAttention (its out_proj never runs), the text length, reprs and workload errors.
#include <gtest/gtest.h>

#include "profile_lookup.h"

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"

namespace calflops {
namespace {

std::unique_ptr<Architecture> Build(const std::string& cls = "") {
  BuildOptions o;
  o.model_class = cls;
  return BuildArchitecture(LoadModelConfig("siglip-so400m"), o);
}

// Encoder layer: q, k, v, out (1152^2 + 1152 each), fc1 1152 x 4304 + 4304, fc2 4304 x 1152 +
// 1152, two LayerNorms.
constexpr uint64_t kLayer =
    4 * (1152ull * 1152 + 1152) + (1152ull * 4304 + 4304) + (4304ull * 1152 + 1152) + 2 * 2 * 1152;
constexpr uint64_t kMlp = (1152ull * 4304 + 4304) + (4304ull * 1152 + 1152);

TEST(Siglip, ParameterCounts) {
  // Vision: patch Conv2d 1152 x 3 x 14 x 14 + 1152, positions (384 / 14)^2 = 729 x 1152,
  // 27 layers, post_layernorm, head: probe 1152, MultiheadAttention 3 x 1152^2 + 3 x 1152 and
  // out_proj 1152^2 + 1152, LayerNorm, MLP.
  uint64_t head = 1152 + (4 * 1152ull * 1152 + 4 * 1152) + 2 * 1152 + kMlp;
  uint64_t vision = (1152ull * 3 * 14 * 14 + 1152) + 729ull * 1152 + 27 * kLayer + 2 * 1152 + head;
  EXPECT_EQ(vision, 428'225'600u);
  // Text: tokens 32000 x 1152, positions 64 x 1152, 27 layers, final LayerNorm, head.
  uint64_t text = 32000ull * 1152 + 64ull * 1152 + 27 * kLayer + 2 * 1152 + (1152ull * 1152 + 1152);
  // SiglipModel adds logit_scale and logit_bias.
  EXPECT_EQ(vision + text + 2, 877'960'498u);
  EXPECT_EQ(Build()->tree().SubtreeParams()[0], Count(vision + text + 2));
  EXPECT_EQ(Build("SiglipVisionModel")->tree().SubtreeParams()[0], Count(vision));
  EXPECT_EQ(Build("SiglipTextModel")->tree().SubtreeParams()[0], Count(text));
}

TEST(Siglip, VisionTowerMacsWrittenOut) {
  Profile p = Analyze(*Build("SiglipVisionModel"), Workload{}, Convention::kAnalytic);
  uint64_t n = 729;
  uint64_t conv = n * 1152 * (3 * 14 * 14);
  uint64_t layer = n * (4 * 1152ull * 1152 + 2 * 1152ull * 4304) + 2ull * 16 * n * n * 72;
  // Pooling head: q projection of the probe (1 x 1152^2), k|v of the patches (729 x 1152 x
  // 2304), q k^T and p v (16 heads x 729 x 72 each), the out projection, and the MLP on 1 token.
  uint64_t mha = 1152ull * 1152 + n * 1152 * 2304 + 2 * 16 * n * 72 + 1152ull * 1152;
  EXPECT_EQ(At(p, "vision_model.embeddings.patch_embedding").macs, Count(conv));
  EXPECT_EQ(At(p, "vision_model.encoder.layers.0").macs, Count(layer));
  EXPECT_EQ(At(p, "vision_model.head.attention").macs, Count(mha));
  EXPECT_EQ(At(p, "vision_model.head.attention.out_proj").macs, Count(0));  // weight read directly
  EXPECT_EQ(p.total().macs, Count(conv + 27 * layer + mha + 2 * 1152ull * 4304));
}

TEST(Siglip, TextTakesAtMostItsPositionTable) {
  Workload w;  // seq_len 128: the processor pads to max_length 64
  Profile p = Analyze(*Build(), w, Convention::kAnalytic);
  ASSERT_EQ(p.calls.size(), 1u);
  EXPECT_EQ(p.calls[0].tokens, 64);
  EXPECT_EQ(At(p, "text_model.encoder.layers.0.self_attn.q_proj").macs, Count(64ull * 1152 * 1152));
  w.seq_len = 16;
  p = Analyze(*Build(), w, Convention::kAnalytic);
  EXPECT_EQ(At(p, "text_model.encoder.layers.0.self_attn.q_proj").macs, Count(16ull * 1152 * 1152));
  // The logits compare every text with every image: (batch) x 1152 x (batch x images).
  w.batch = 2;
  w.images = 3;
  p = Analyze(*Build(), w, Convention::kAnalytic);
  EXPECT_EQ(At(p, "vision_model.embeddings.patch_embedding").macs,
            Count(6 * 729ull * 1152 * 3 * 14 * 14));
}

TEST(Siglip, ReprsAndErrors) {
  auto arch = Build();
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t[t.Find("vision_model.embeddings.patch_embedding")].extra_repr,
            "3, 1152, kernel_size=(14, 14), stride=(14, 14), padding=valid");
  EXPECT_EQ(t[t.Find("vision_model.head.attention.out_proj")].class_name,
            "NonDynamicallyQuantizableLinear");
  EXPECT_EQ(t[t.Find("text_model.encoder.layers.0.layer_norm1")].extra_repr,
            "(1152,), eps=1e-06, elementwise_affine=True");
  EXPECT_EQ(t[t.Find("text_model.encoder.layers.0.mlp.activation_fn")].class_name,
            "PytorchGELUTanh");
  Workload gen;
  gen.mode = Mode::kGenerate;
  EXPECT_THROW(Analyze(*arch, gen, Convention::kAnalytic), Error);
  Workload other;
  other.image_height = other.image_width = 224;  // interpolate_pos_encoding is broken in 4.45.1
  EXPECT_THROW(Analyze(*arch, other, Convention::kAnalytic), Error);
  // A text-only model takes no image, so the image size does not matter.
  EXPECT_NO_THROW(Analyze(*Build("SiglipTextModel"), other, Convention::kAnalytic));
}

}  // namespace
}  // namespace calflops
