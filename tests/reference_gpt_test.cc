// Analytic counts of GPT-2 and GPT-NeoX against tiny models executed on real numbers with every
// scalar operation counted, module by module, in forward and generate workloads.
#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "reference/compare.h"
#include "reference/tiny_gpt.h"

namespace calflops {
namespace {

using reference::Counter;
using reference::ExpectModulesMatch;

Profile Analyzed(const reference::TinyGptConfig& c, AttnImpl impl, const Workload& w) {
  BuildOptions o;
  o.attn = impl;
  auto arch = BuildArchitecture(Config::Parse(c.ToJson(), "tiny.json"), o);
  return Analyze(*arch, w, Convention::kAnalytic);
}

struct GptCase {
  bool neox;
  bool parallel;
  const char* cls;
  AttnImpl impl;
};

std::string CaseName(const ::testing::TestParamInfo<GptCase>& i) {
  std::string impl = i.param.impl == AttnImpl::kEager  ? "eager"
                     : i.param.impl == AttnImpl::kSdpa ? "sdpa"
                                                       : "flash";
  return std::string(i.param.cls) + (i.param.parallel ? "" : "_sequential") + "_" + impl;
}

class ReferenceGpt : public ::testing::TestWithParam<GptCase> {};

TEST_P(ReferenceGpt, ForwardMatchesModuleByModule) {
  const GptCase& k = GetParam();
  reference::TinyGptConfig c;
  c.neox = k.neox;
  c.parallel_residual = k.parallel;
  c.cls = k.cls;
  Workload w;
  w.batch = 2;
  w.seq_len = 5;
  Profile p = Analyzed(c, k.impl, w);
  Counter::Get().Reset();
  reference::TinyGpt model(c, k.impl == AttnImpl::kEager);
  model.Forward(2, 5, 5, false);
  ExpectModulesMatch(p);
}

TEST_P(ReferenceGpt, GenerateWithKvCacheMatches) {
  const GptCase& k = GetParam();
  reference::TinyGptConfig c;
  c.neox = k.neox;
  c.parallel_residual = k.parallel;
  c.cls = k.cls;
  Workload w;
  w.mode = Mode::kGenerate;
  w.batch = 2;
  w.prompt_tokens = 4;
  w.max_new_tokens = 3;  // prefill (logits at every prompt position) + 2 one-token steps
  Profile p = Analyzed(c, k.impl, w);
  ASSERT_EQ(p.calls.size(), 3u);
  Counter::Get().Reset();
  reference::TinyGpt model(c, k.impl == AttnImpl::kEager);
  model.Forward(2, 4, 4, true);
  model.Forward(2, 1, 1, true);
  model.Forward(2, 1, 1, true);
  ExpectModulesMatch(p);
}

INSTANTIATE_TEST_SUITE_P(
    Families, ReferenceGpt,
    ::testing::Values(GptCase{false, true, "GPT2LMHeadModel", AttnImpl::kSdpa},
                      GptCase{false, true, "GPT2LMHeadModel", AttnImpl::kEager},
                      GptCase{false, true, "GPT2Model", AttnImpl::kFlashAttention2},
                      GptCase{true, true, "GPTNeoXForCausalLM", AttnImpl::kSdpa},
                      GptCase{true, true, "GPTNeoXForCausalLM", AttnImpl::kEager},
                      GptCase{true, false, "GPTNeoXModel", AttnImpl::kSdpa}),
    CaseName);

}  // namespace
}  // namespace calflops
