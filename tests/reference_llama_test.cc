// The analytic counts of the program against the brute-force reference: a tiny Llama executed on
// real numbers with every scalar operation counted, module by module.
#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "reference/tiny_llama.h"

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
}

std::unique_ptr<Architecture> Build(const reference::TinyLlamaConfig& c,
                                    AttnImpl impl = AttnImpl::kSdpa) {
  BuildOptions o;
  o.attn = impl;
  return BuildArchitecture(Config::Parse(c.ToJson(), "tiny.json"), o);
}

TEST(ReferenceLlama, ForwardMatchesModuleByModule) {
  reference::TinyLlamaConfig c;
  auto arch = Build(c);
  Workload w;
  w.batch = 2;
  w.seq_len = 5;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);

  Counter::Get().Reset();
  reference::TinyLlama model(c);
  model.Forward(2, 5, 5);
  ExpectModulesMatch(p);
  EXPECT_GT(p.total().flops, Count(0));
}

// Eager attention is emitted op by op (matmul, / sqrt(d), + mask, softmax, matmul); the same
// arithmetic as the fused kernel, so the same counts.
TEST(ReferenceLlama, EagerAttentionMatches) {
  reference::TinyLlamaConfig c;
  auto arch = Build(c, AttnImpl::kEager);
  Workload w;
  w.seq_len = 6;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  Counter::Get().Reset();
  reference::TinyLlama model(c);
  model.Forward(1, 6, 6);
  ExpectModulesMatch(p);
}

TEST(ReferenceLlama, BiasesCounted) {
  reference::TinyLlamaConfig c;
  c.attention_bias = true;
  c.mlp_bias = true;
  c.kv_heads = 4;  // plain multi-head attention
  auto arch = Build(c);
  Workload w;
  w.seq_len = 3;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  Counter::Get().Reset();
  reference::TinyLlama model(c);
  model.Forward(1, 3, 3);
  ExpectModulesMatch(p);
}

TEST(ReferenceLlama, GenerateWithKvCacheMatches) {
  reference::TinyLlamaConfig c;
  auto arch = Build(c);
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 4;
  w.max_new_tokens = 4;  // prefill + 3 one-token steps
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  ASSERT_EQ(p.calls.size(), 4u);

  Counter::Get().Reset();
  reference::TinyLlama model(c);
  model.Forward(1, 4, 1);  // prefill, last-position logits
  for (int i = 0; i < 3; ++i) model.Forward(1, 1, 1);
  ExpectModulesMatch(p);
}

}  // namespace
}  // namespace calflops
