// The analytic counts of LLaVA-NeXT (and LLaVA 1.5) against the brute-force reference: a tiny
// CLIP tower, GELU projector and tiny Llama executed on real numbers, with anyres crops, grid
// layout, unpadding and newline tokens done on real tensors, every scalar operation counted and
// compared module by module, in forward and in generate.
#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "reference/tiny_llava.h"

namespace calflops {
namespace {

using reference::Counter;

void ExpectModulesMatch(const Profile& p) {
  for (ModuleId id = 0; id < static_cast<ModuleId>(p.tree.size()); ++id) {
    std::string path = p.tree.Path(id);
    auto ref = Counter::Get().Subtree(path);
    const auto& s = p.stats[static_cast<size_t>(id)];
    EXPECT_EQ(s.macs, Count(ref.macs)) << "MACs of '" << path << "'";
    EXPECT_EQ(s.flops, Count(ref.flops)) << "FLOPs of '" << path << "'";
  }
  // Nothing the reference executed is missing from the tree.
  EXPECT_EQ(p.total().flops, Count(Counter::Get().Subtree("").flops));
}

Profile Analyse(const reference::TinyLlavaConfig& c, const Workload& w) {
  auto arch = BuildArchitecture(Config::Parse(c.ToJson(), "tiny-llava.json"), BuildOptions{});
  return Analyze(*arch, w, Convention::kAnalytic);
}

Workload Forward(int64_t batch, int64_t seq, int64_t images, int64_t h, int64_t w) {
  Workload wl;
  wl.batch = batch;
  wl.seq_len = seq;
  wl.images = images;
  wl.image_height = h;
  wl.image_width = w;
  return wl;
}

// A 9x16 image (the seed's 360x640 aspect, near enough) on 8-pixel crops with 2-pixel patches:
// pinpoint (8, 24) keeps all 144 pixels with the least waste (48), so 1 x 3 tiles + base = 4
// crops; the tiles' 4 x 12 feature map unpads to 4 x 8 (new width int(16 * 4/9) = 7, padding
// (12 - 7) // 2 = 2 on each side); features = 16 + 4 x (8 + 1) = 52; 5 ids - 1 + 52 = 56.
TEST(ReferenceLlavaNext, ForwardWithAnyresMatches) {
  reference::TinyLlavaConfig c;
  Profile p = Analyse(c, Forward(1, 5, 1, 9, 16));
  Counter::Get().Reset();
  reference::TinyLlava model(c);
  int64_t merged = model.Prefill(1, 5, 1, 9, 16, /*all_logits=*/true);
  EXPECT_EQ(merged, 56);
  ASSERT_EQ(p.calls.size(), 1u);
  EXPECT_EQ(p.calls[0].tokens, merged);
  ExpectModulesMatch(p);
}

// Portrait 20x12 images, two per sequence, batch 2. Pinpoint (16, 16) keeps 9 x 16 = 144 pixels
// (scale 0.8; (16, 8) and (24, 8) keep 8 x 13 = 104, the others 32): 2 x 2 tiles + base = 5
// crops; the 8 x 8 tile map unpads in width to int(12 x 0.4) = 4, padding 2, so 8 rows x 4
// cols; features = 16 + 8 x (4 + 1) = 56; 7 ids - 2 + 2 x 56 = 117.
TEST(ReferenceLlavaNext, BatchOfTwoImagesPerSequenceMatches) {
  reference::TinyLlavaConfig c;
  Profile p = Analyse(c, Forward(2, 7, 2, 20, 12));
  Counter::Get().Reset();
  reference::TinyLlava model(c);
  int64_t merged = model.Prefill(2, 7, 2, 20, 12, true);
  EXPECT_EQ(merged, 117);
  EXPECT_EQ(p.calls[0].tokens, merged);
  ExpectModulesMatch(p);
}

TEST(ReferenceLlavaNext, GenerateEncodesOnceByDefault) {
  reference::TinyLlavaConfig c;
  Workload w = Forward(1, 128, 1, 9, 16);
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 4;
  w.max_new_tokens = 3;
  Profile p = Analyse(c, w);
  ASSERT_EQ(p.calls.size(), 3u);
  Counter::Get().Reset();
  reference::TinyLlava model(c);
  EXPECT_EQ(model.Prefill(1, 4, 1, 9, 16, false), 4 - 1 + 52);  // features as above
  for (int i = 0; i < 2; ++i) model.Decode(1, 1, 9, 16, /*reencode=*/false);
  ExpectModulesMatch(p);
}

// transformers 4.45's legacy path: the vision tower and projector re-run at every decode step.
TEST(ReferenceLlavaNext, GenerateWithReencodeMatches) {
  reference::TinyLlavaConfig c;
  Workload w = Forward(1, 128, 1, 9, 16);
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 4;
  w.max_new_tokens = 3;
  w.reencode_images = true;
  Profile p = Analyse(c, w);
  Counter::Get().Reset();
  reference::TinyLlava model(c);
  model.Prefill(1, 4, 1, 9, 16, false);
  for (int i = 0; i < 2; ++i) model.Decode(1, 1, 9, 16, /*reencode=*/true);
  ExpectModulesMatch(p);
}

TEST(ReferenceLlava, ForwardAndGenerateMatch) {
  reference::TinyLlavaConfig c;
  c.next = false;
  {
    Profile p = Analyse(c, Forward(2, 6, 1, 0, 0));
    Counter::Get().Reset();
    reference::TinyLlava model(c);
    EXPECT_EQ(model.Prefill(2, 6, 1, 8, 8, true), 6 - 1 + 16);  // one crop: 4 x 4 patches
    ExpectModulesMatch(p);
  }
  {
    Workload w = Forward(1, 128, 1, 0, 0);
    w.mode = Mode::kGenerate;
    w.prompt_tokens = 3;
    w.max_new_tokens = 2;
    w.reencode_images = true;
    Profile p = Analyse(c, w);
    Counter::Get().Reset();
    reference::TinyLlava model(c);
    model.Prefill(1, 3, 1, 8, 8, false);
    model.Decode(1, 1, 8, 8, true);
    ExpectModulesMatch(p);
  }
}

}  // namespace
}  // namespace calflops
