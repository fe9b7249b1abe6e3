// Gemma 3 (text, and the SigLIP + Gemma 3 vision-language model) against the brute-force
// reference: tiny models executed on real numbers with every scalar operation counted, module by
// module, including the sliding layers' window - 1 token cache during generation.
#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "reference/compare.h"
#include "reference/tiny_gemma3.h"

namespace calflops {
namespace {

using reference::Counter;
using reference::TinyGemma3;
using reference::TinyGemma3Config;
using reference::TinyGemma3Vlm;
using reference::TinyGemma3VlmConfig;

std::unique_ptr<Architecture> Build(const std::string& json, const char* attn) {
  BuildOptions o;
  o.attn = std::string(attn) == "eager" ? AttnImpl::kEager : AttnImpl::kSdpa;
  return BuildArchitecture(Config::Parse(json, "tiny.json"), o);
}

void ExpectReferencePathsExist(const Profile& p) {
  for (const auto& [path, counts] : Counter::Get().own()) {
    if (counts.flops == 0) continue;
    EXPECT_NE(p.tree.Find(path), kNoModule) << "reference module '" << path << "'";
  }
}

void CheckForward(const TinyGemma3Config& c, const char* attn, int64_t batch, int64_t tokens) {
  SCOPED_TRACE(std::string("gemma3_text forward ") + attn);
  auto arch = Build(c.ToJson(), attn);
  Workload w;
  w.batch = batch;
  w.seq_len = tokens;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  Counter::Get().Reset();
  TinyGemma3 model(c, attn, {"model"});
  model.Forward(batch, tokens, tokens);
  ASSERT_GT(p.total().flops, Count(0));
  reference::ExpectModulesMatch(p);
  ExpectReferencePathsExist(p);
}

void CheckGenerate(const TinyGemma3Config& c, const char* attn, int64_t prompt, int64_t steps,
                   int64_t batch = 1) {
  SCOPED_TRACE(std::string("gemma3_text generate ") + attn);
  auto arch = Build(c.ToJson(), attn);
  Workload w;
  w.mode = Mode::kGenerate;
  w.batch = batch;
  w.prompt_tokens = prompt;
  w.max_new_tokens = steps + 1;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  Counter::Get().Reset();
  TinyGemma3 model(c, attn, {"model"});
  model.Forward(batch, prompt, 1, true);
  for (int64_t i = 0; i < steps; ++i) model.Forward(batch, 1, 1, true);
  reference::ExpectModulesMatch(p);
  ExpectReferencePathsExist(p);
}

TEST(ReferenceGemma3, TextForward) {
  TinyGemma3Config c;
  CheckForward(c, "sdpa", 2, 5);
  CheckForward(c, "eager", 1, 4);
}

TEST(ReferenceGemma3, TextGenerateWithSlidingCache) {
  TinyGemma3Config c;  // window 3: sliding layers keep 2 tokens, get an SDPA mask at 3 keys
  CheckGenerate(c, "sdpa", 2, 6);  // the cache fills to the window mid-run
  CheckGenerate(c, "sdpa", 5, 3);  // prompt longer than the window
  CheckGenerate(c, "eager", 3, 3);
  CheckGenerate(c, "sdpa", 3, 2, /*batch=*/2);
  c.window = 5;
  c.sliding = {true, true, false};
  CheckGenerate(c, "sdpa", 1, 7);
}

/// Gemma3ForConditionalGeneration: `prompt` tokens holding `images` placeholders per sequence,
/// each expanded to tokens_per_image positions; then `steps` decode steps (0: a forward).
void CheckVlm(const TinyGemma3VlmConfig& c, const char* attn, int64_t batch, int64_t prompt,
              int64_t images, int64_t steps) {
  SCOPED_TRACE(std::string("gemma3 ") + attn);
  auto arch = Build(c.ToJson(), attn);
  Workload w;
  w.batch = batch;
  w.images = images;
  if (steps > 0) {
    w.mode = Mode::kGenerate;
    w.prompt_tokens = prompt;
    w.max_new_tokens = steps + 1;
  } else {
    w.seq_len = prompt;
  }
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  Counter::Get().Reset();
  TinyGemma3Vlm model(c, attn);
  int64_t merged = prompt - images + images * c.tokens_per_image;
  model.Forward(batch, merged, images, steps > 0 ? 1 : merged, steps > 0);
  for (int64_t i = 0; i < steps; ++i) model.Forward(batch, 1, 0, 1, true);
  ASSERT_GT(p.total().flops, Count(0));
  reference::ExpectModulesMatch(p);
  ExpectReferencePathsExist(p);
}

TEST(ReferenceGemma3, VisionLanguageForward) {
  TinyGemma3VlmConfig c;
  CheckVlm(c, "sdpa", 1, 3, 1, 0);
  CheckVlm(c, "eager", 2, 4, 2, 0);
}

TEST(ReferenceGemma3, VisionLanguageGenerate) {
  TinyGemma3VlmConfig c;
  CheckVlm(c, "sdpa", 1, 3, 1, 3);
  CheckVlm(c, "sdpa", 1, 2, 0, 2);  // text only: no tower, no projector
  CheckVlm(c, "eager", 2, 3, 1, 2);
}

}  // namespace
}  // namespace calflops
