// GPT-2: the published parameter count with its arithmetic, MACs written out, Conv1D printed
// the way its __repr__ override makes PyTorch print it, calflops' torch.addmm rule, and the
// generate plan (logits at every prompt position).
#include <gtest/gtest.h>

#include "profile_lookup.h"

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"
#include "report/text_report.h"

namespace calflops {
namespace {

std::unique_ptr<Architecture> Build(AttnImpl impl = AttnImpl::kSdpa, const std::string& cls = "") {
  BuildOptions o;
  o.attn = impl;
  o.model_class = cls;
  return BuildArchitecture(LoadModelConfig("gpt2"), o);
}

TEST(Gpt2, PublishedParameterCount) {
  // wte 50257 x 768, wpe 1024 x 768; per block ln_1, ln_2 (2 x 768 each), c_attn 768 x 2304 +
  // 2304, c_proj 768^2 + 768, c_fc 768 x 3072 + 3072, mlp c_proj 3072 x 768 + 768; ln_f; the head
  // is wte. Published: 124,439,808.
  uint64_t block = 2 * 2 * 768 + (768ull * 2304 + 2304) + (768ull * 768 + 768) +
                   (768ull * 3072 + 3072) + (3072ull * 768 + 768);
  uint64_t total = 50257ull * 768 + 1024ull * 768 + 12 * block + 2 * 768;
  EXPECT_EQ(total, 124'439'808u);
  EXPECT_EQ(Build()->tree().SubtreeParams()[0], Count(total));
  EXPECT_EQ(Build(AttnImpl::kSdpa, "GPT2Model")->tree().SubtreeParams()[0], Count(total));
}

TEST(Gpt2, MacsWrittenOutAt128Tokens) {
  Profile p = Analyze(*Build(), Workload{}, Convention::kAnalytic);
  uint64_t linear = 128ull * (768 * 2304 + 768 * 768 + 2 * 768 * 3072);
  uint64_t attention = 2ull * 12 * 128 * 128 * 64;
  uint64_t head = 128ull * 768 * 50257;
  EXPECT_EQ(At(p, "transformer.h.0").macs, Count(linear + attention));
  EXPECT_EQ(At(p, "lm_head").macs, Count(head));
  EXPECT_EQ(p.total().macs, Count(12 * (linear + attention) + head));
  // Conv1D's bias add is counted: c_attn 2 x MACs + 128 x 2304.
  EXPECT_EQ(At(p, "transformer.h.0.attn.c_attn").flops,
            Count(2 * 128ull * 768 * 2304 + 128 * 2304));
}

TEST(Gpt2, CalflopsSeesConv1dAsAddmm) {
  Profile p = Analyze(*Build(), Workload{}, Convention::kCalflops);
  // torch.addmm(bias, x, W): 2 x MACs + the bias tensor's 2304 elements (not 128 x 2304).
  EXPECT_EQ(At(p, "transformer.h.0.attn.c_attn").flops, Count(2 * 128ull * 768 * 2304 + 2304));
  EXPECT_EQ(At(p, "transformer.h.0.mlp.c_proj").macs, Count(128ull * 3072 * 768));
  // Conv1D overrides __repr__, so calflops' stats never reach its line.
  std::string tree = ModuleRepr(p, p.tree.root(), 2);
  EXPECT_NE(tree.find("(c_attn): Conv1D(nf=2304, nx=768)\n"), std::string::npos);
  EXPECT_NE(tree.find("(c_fc): Conv1D(nf=3072, nx=768)\n"), std::string::npos);
  EXPECT_NE(tree.find("(0-11): 12 x GPT2Block("), std::string::npos);
}

TEST(Gpt2, GeneratePlanRunsTheHeadOverThePrompt) {
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 10;
  w.max_new_tokens = 5;
  Profile p = Analyze(*Build(), w, Convention::kAnalytic);
  ASSERT_EQ(p.CallCount(), 5);
  // 4.45's GPT2LMHeadModel has no num_logits_to_keep: 10 prompt positions, then 1 per step.
  EXPECT_EQ(At(p, "lm_head").macs, Count((10 + 4) * 768ull * 50257));
}

TEST(Gpt2, ReprsAndErrors) {
  auto eager = Build(AttnImpl::kEager);
  const ModuleTree& t = eager->tree();
  EXPECT_EQ(t[t.Find("transformer.h.0.attn")].class_name, "GPT2Attention");
  EXPECT_TRUE(t[t.Find("transformer.h.0.attn.c_attn")].custom_repr);
  EXPECT_EQ(t[t.Find("transformer.h.0.ln_1")].extra_repr,
            "(768,), eps=1e-05, elementwise_affine=True");
  EXPECT_EQ(t[t.Find("transformer.h.0.mlp.act")].class_name, "NewGELUActivation");
  Workload w;
  w.seq_len = 1025;  // beyond n_positions
  EXPECT_THROW(Analyze(*eager, w, Convention::kAnalytic), Error);
}

}  // namespace
}  // namespace calflops
