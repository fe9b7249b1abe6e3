// ViT: the published parameter count with its arithmetic, MACs written out, the calflops
// products (equal to calflops' own torchvision vit_b_16 run, whose linear layers are the same),
// reprs, and workload errors.
#include <gtest/gtest.h>

#include "profile_lookup.h"

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"

namespace calflops {
namespace {

std::unique_ptr<Architecture> Build(const std::string& cls, AttnImpl impl = AttnImpl::kSdpa) {
  BuildOptions o;
  o.attn = impl;
  o.model_class = cls;
  return BuildArchitecture(LoadModelConfig("vit-base-patch16-224"), o);
}

constexpr uint64_t kLayer =
    4 * (768ull * 768 + 768) + (768ull * 3072 + 3072) + (3072ull * 768 + 768) + 2 * 2 * 768;

TEST(Vit, PublishedParameterCount) {
  // Embeddings: cls token 768, positions 197 x 768, patch Conv2d 768 x 3 x 16 x 16 + 768.
  uint64_t embeddings = 768 + 197ull * 768 + 768ull * 3 * 16 * 16 + 768;
  // 12 layers, final LayerNorm, classifier 768 x 1000 + 1000. Published: 86,567,656.
  uint64_t total = embeddings + 12 * kLayer + 2 * 768 + 768ull * 1000 + 1000;
  EXPECT_EQ(total, 86'567'656u);
  EXPECT_EQ(Build("ViTForImageClassification")->tree().SubtreeParams()[0], Count(total));
  // ViTModel: the pooler (768^2 + 768) instead of the classifier.
  EXPECT_EQ(Build("ViTModel")->tree().SubtreeParams()[0],
            Count(total - (768ull * 1000 + 1000) + 768ull * 768 + 768));
}

TEST(Vit, MacsWrittenOut) {
  Profile p = Analyze(*Build("ViTForImageClassification"), Workload{}, Convention::kAnalytic);
  uint64_t conv = 196ull * 768 * (3 * 16 * 16);  // 14 x 14 patches, 768 channels
  uint64_t linear = 197ull * (4 * 768 * 768 + 2 * 768 * 3072);
  uint64_t attention = 2ull * 12 * 197 * 197 * 64;
  EXPECT_EQ(At(p, "vit.embeddings.patch_embeddings.projection").macs, Count(conv));
  EXPECT_EQ(At(p, "vit.encoder.layer.3").macs, Count(linear + attention));
  EXPECT_EQ(At(p, "classifier").macs, Count(768ull * 1000));  // the class token only
  EXPECT_EQ(p.total().macs, Count(conv + 12 * (linear + attention) + 768ull * 1000));
  // Two images: twice the work.
  Workload two;
  two.images = 2;
  EXPECT_EQ(Analyze(*Build("ViTForImageClassification"), two, Convention::kAnalytic).total().macs,
            Count(2 * (conv + 12 * (linear + attention) + 768ull * 1000)));
}

TEST(Vit, CalflopsConvention) {
  Profile p = Analyze(*Build("ViTForImageClassification"), Workload{}, Convention::kCalflops);
  // Under SDPA calflops sees the Linear layers and the patch conv only: 16,848,500,736 MACs,
  // exactly its count for torchvision's vit_b_16 (calflops-spec.md section 3.3), whose layers
  // have the same shapes.
  uint64_t macs = 196ull * 768 * 768 + 12 * 197ull * (4 * 768 * 768 + 2 * 768 * 3072) + 768 * 1000;
  EXPECT_EQ(macs, 16'848'500'736u);
  EXPECT_EQ(p.total().macs, Count(macs));
  // FLOPs: 2 MACs + conv bias (196 x 768) + F.layer_norm 5 per element (25 norms of 197 x 768) +
  // Python + (positions and two residuals per layer, 197 x 768 each). HF's GELUActivation holds
  // F.gelu captured at import (unseen) where torchvision calls it (seen), and SDPA hides the
  // softmax, so this differs from torchvision's 33,728,914,704.
  uint64_t extra = 196 * 768 + 25 * 5 * 197ull * 768 + 25 * 197ull * 768;
  EXPECT_EQ(p.total().flops, Count(2 * macs + extra));
}

TEST(Vit, Reprs) {
  auto arch = Build("ViTForImageClassification", AttnImpl::kEager);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t[t.Find("vit.embeddings.patch_embeddings.projection")].extra_repr,
            "3, 768, kernel_size=(16, 16), stride=(16, 16)");
  EXPECT_EQ(t[t.Find("vit.encoder.layer.0.attention")].class_name, "ViTAttention");
  EXPECT_EQ(t[t.Find("vit.encoder.layer.0.attention.attention")].class_name, "ViTSelfAttention");
  EXPECT_EQ(t[t.Find("vit.encoder.layer.0.layernorm_before")].extra_repr,
            "(768,), eps=1e-12, elementwise_affine=True");
  auto sdpa = Build("ViTModel");
  EXPECT_EQ(sdpa->tree()[sdpa->tree().Find("encoder.layer.0.attention")].class_name,
            "ViTSdpaAttention");
}

TEST(Vit, WorkloadErrors) {
  auto arch = Build("ViTForImageClassification");
  Workload gen;
  gen.mode = Mode::kGenerate;
  EXPECT_THROW(Analyze(*arch, gen, Convention::kAnalytic), Error);
  Workload big;
  big.image_height = big.image_width = 384;  // needs interpolate_pos_encoding
  try {
    Analyze(*arch, big, Convention::kAnalytic);
    FAIL() << "non-native image size";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUnsupported);
    EXPECT_NE(std::string(e.what()).find("384x384"), std::string::npos) << e.what();
  }
  Workload tiny;
  tiny.image_height = tiny.image_width = 8;  // smaller than a 16-pixel patch
  EXPECT_THROW(Analyze(*arch, tiny, Convention::kAnalytic), Error);
  Workload none;
  none.images = 0;
  EXPECT_THROW(Analyze(*arch, none, Convention::kAnalytic), Error);
  // The native size given explicitly is accepted.
  Workload native;
  native.image_height = native.image_width = 224;
  EXPECT_NO_THROW(Analyze(*arch, native, Convention::kAnalytic));
}

}  // namespace
}  // namespace calflops
