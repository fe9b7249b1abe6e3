// CLIP: parameter counts with their arithmetic (ViT-L/14-336), module layout, per-impl attention
// classes, the ops each implementation exposes to calflops, and workload errors.
#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "model/error.h"
#include "load/model_source.h"

namespace calflops {
namespace {

std::unique_ptr<Architecture> Build(const std::string& cls, AttnImpl impl = AttnImpl::kSdpa) {
  BuildOptions o;
  o.attn = impl;
  o.model_class = cls;
  return BuildArchitecture(LoadModelConfig("clip-vit-large-patch14-336"), o);
}

Count RootParams(const Architecture& a) { return a.tree().SubtreeParams()[0]; }

// openai/clip-vit-large-patch14-336, vision tower: 303,507,456.
TEST(Clip, VisionParameterArithmetic) {
  uint64_t embeddings = 1024 /* class */ + 3ull * 14 * 14 * 1024 /* conv */ + 577ull * 1024;
  uint64_t layer = 4 * (1024ull * 1024 + 1024) + 2 * 2 * 1024 /* layer norms */ +
                   (1024ull * 4096 + 4096) + (4096ull * 1024 + 1024);
  uint64_t vision = embeddings + 2 * 1024 /* pre */ + 24 * layer + 2 * 1024 /* post */;
  EXPECT_EQ(vision, 303'507'456u);
  EXPECT_EQ(RootParams(*Build("CLIPVisionModel")), Count(vision));
}

// The whole CLIPModel: 427,944,193 (text 123,060,480 + vision + projections + logit_scale).
TEST(Clip, FullModelParameterArithmetic) {
  uint64_t text_layer =
      4 * (768ull * 768 + 768) + 2 * 2 * 768 + (768ull * 3072 + 3072) + (3072ull * 768 + 768);
  uint64_t text = 49408ull * 768 + 77 * 768 + 12 * text_layer + 2 * 768;
  EXPECT_EQ(text, 123'060'480u);
  EXPECT_EQ(RootParams(*Build("CLIPTextModel")), Count(text));
  uint64_t total = text + 303'507'456 + 1024ull * 768 + 768ull * 768 + 1;
  EXPECT_EQ(total, 427'944'193u);
  EXPECT_EQ(RootParams(*Build("")), Count(total));
}

TEST(Clip, ModelLayout) {
  auto arch = Build("");
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t[t.root()].class_name, "CLIPModel");
  std::vector<std::string> names;
  for (ModuleId c : t[t.root()].children) names.push_back(t[c].name);
  EXPECT_EQ(names, (std::vector<std::string>{"text_model", "vision_model", "visual_projection",
                                             "text_projection"}));
  EXPECT_EQ(t[t.Find("text_model.final_layer_norm")].extra_repr,
            "(768,), eps=1e-05, elementwise_affine=True");
  EXPECT_EQ(t[t.Find("text_model.embeddings.token_embedding")].extra_repr, "49408, 768");
  EXPECT_EQ(t[t.Find("visual_projection")].extra_repr,
            "in_features=1024, out_features=768, bias=False");
}

TEST(Clip, AttentionClassPerImplementation) {
  const char* path = "vision_model.encoder.layers.0.self_attn";
  for (auto [impl, cls] : {std::pair{AttnImpl::kEager, "CLIPAttention"},
                           std::pair{AttnImpl::kSdpa, "CLIPSdpaAttention"},
                           std::pair{AttnImpl::kFlashAttention2, "CLIPFlashAttention2"}}) {
    auto arch = Build("CLIPVisionModel", impl);
    EXPECT_EQ(arch->tree()[arch->tree().Find(path)].class_name, cls);
  }
}

// One 336 image, 577 tokens, 16 heads of 64. Under eager attention calflops sees the scaling of
// q (a Python *) and F.softmax, but not torch.bmm; under SDPA it sees neither.
TEST(Clip, CalflopsSeesEagerSoftmaxButNotBmm) {
  Workload w;
  const int64_t s = 577, d = 1024, h = 16;
  const Count projections = 4 * 2 * Count(s * d * d);  // 4 Linears, FLOPs = 2 MACs, no bias
  for (auto impl : {AttnImpl::kEager, AttnImpl::kSdpa}) {
    auto arch = Build("CLIPVisionModel", impl);
    Profile p = Analyze(*arch, w, Convention::kCalflops);
    ModuleId a = p.tree.Find("vision_model.encoder.layers.0.self_attn");
    Count extra = impl == AttnImpl::kEager ? Count(s * d) + Count(h * s * s) : Count(0);
    EXPECT_EQ(p.stats[static_cast<size_t>(a)].flops, projections + extra);
    EXPECT_EQ(p.stats[static_cast<size_t>(a)].macs, Count(4 * s * d * d));
  }
}

// Analytic SDPA: + QK^T and AV (2 x 16 x 577 x 577 x 64 MACs), the scale and the softmax.
TEST(Clip, AnalyticCountsAttention) {
  Workload w;
  const int64_t s = 577, d = 1024, h = 16, hd = 64;
  auto arch = Build("CLIPVisionModel");
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  ModuleId a = p.tree.Find("vision_model.encoder.layers.0.self_attn");
  Count macs = Count(4 * s * d * d) + Count(2 * h * s * s * hd);
  EXPECT_EQ(p.stats[static_cast<size_t>(a)].macs, macs);
  Count flops = 2 * macs + Count(4 * s * d) /* biases */ + Count(h * s * s) /* scale */ +
                Count(h * s) * Count(5 * s - 2) /* softmax */;
  EXPECT_EQ(p.stats[static_cast<size_t>(a)].flops, flops);
}

TEST(Clip, WrongImageSizeAndLongTextAreBadInput) {
  Workload w;
  w.image_height = 224;
  w.image_width = 224;
  try {
    Build("CLIPVisionModel")->Plan(w);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find("336x336"), std::string::npos) << e.what();
  }
  Workload t;  // default 128 tokens > 77 positions
  try {
    Build("CLIPTextModel")->Plan(t);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("max_position_embeddings 77"), std::string::npos);
  }
  t.seq_len = 77;
  EXPECT_EQ(Build("CLIPTextModel")->Plan(t).size(), 1u);
  t.mode = Mode::kGenerate;
  EXPECT_THROW(Build("CLIPTextModel")->Plan(t), Error);
}

// CLIPModel: logits = text (B, 768) @ image^T (768, N): B x N x 768 MACs at the root.
TEST(Clip, ModelSimilarityMatmulAtTheRoot) {
  Workload w;
  w.batch = 2;
  w.seq_len = 77;
  w.images = 3;  // per sequence: 6 images in all
  auto arch = Build("");
  Profile p = Analyze(*arch, w, Convention::kCalflops);
  // Own root MACs = total minus the children's.
  Count children;
  for (ModuleId c : p.tree[p.tree.root()].children)
    children += p.stats[static_cast<size_t>(c)].macs;
  EXPECT_EQ(p.total().macs - children, Count(2 * 768 * 6));
}

}  // namespace
}  // namespace calflops
