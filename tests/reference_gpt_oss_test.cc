// GPT-OSS against the brute-force reference: attention sinks, half-split RoPE, sliding layers'
// window - 1 token cache, the biased top-k router and the routed fused experts, module by module.
#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "reference/compare.h"
#include "reference/tiny_gpt_oss.h"

namespace calflops {
namespace {

using reference::Counter;
using reference::TinyGptOss;
using reference::TinyGptOssConfig;

void Check(const TinyGptOssConfig& c, AttnImpl impl, int64_t batch, int64_t prompt, int64_t steps) {
  SCOPED_TRACE("gpt_oss prompt " + std::to_string(prompt) + " steps " + std::to_string(steps));
  BuildOptions o;
  o.attn = impl;
  auto arch = BuildArchitecture(Config::Parse(c.ToJson(), "tiny.json"), o);
  Workload w;
  w.batch = batch;
  if (steps > 0) {
    w.mode = Mode::kGenerate;
    w.prompt_tokens = prompt;
    w.max_new_tokens = steps + 1;
  } else {
    w.seq_len = prompt;
  }
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  Counter::Get().Reset();
  TinyGptOss model(c);
  model.Forward(batch, prompt, steps > 0 ? 1 : prompt, steps > 0);
  for (int64_t i = 0; i < steps; ++i) model.Forward(batch, 1, 1, true);
  ASSERT_GT(p.total().flops, Count(0));
  reference::ExpectModulesMatch(p);
  for (const auto& [path, counts] : Counter::Get().own()) {
    if (counts.flops == 0) continue;
    EXPECT_NE(p.tree.Find(path), kNoModule) << "reference module '" << path << "'";
  }
}

TEST(ReferenceGptOss, Forward) {
  TinyGptOssConfig c;
  Check(c, AttnImpl::kEager, 2, 5, 0);
  Check(c, AttnImpl::kSdpa, 1, 3, 0);  // no SDPA for GPT-OSS: the same eager composition
}

TEST(ReferenceGptOss, GenerateWithSlidingCache) {
  TinyGptOssConfig c;
  c.layers = 3;
  Check(c, AttnImpl::kEager, 1, 2, 5);  // the sliding cache fills to window - 1 mid-run
  Check(c, AttnImpl::kEager, 2, 4, 2);
}

}  // namespace
}  // namespace calflops
