// Mamba: the parameter count with the arithmetic written out, module-by-module agreement with the
// brute-force reference in forward and generate, the selective-scan op against an executed scan,
// the constant-size generation state, and names.
#include <gtest/gtest.h>

#include "build_architecture.h"

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "analysis/memory.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"
#include "ops/op_def.h"
#include "reference/compare.h"
#include "reference/tiny_mamba.h"

namespace calflops {
namespace {

TEST(Mamba, PublishedParameterCount) {
  // state-spaces/mamba-2.8b-hf: hidden 2560, intermediate 5120, state 16, dt rank 160, kernel 4,
  // 64 layers, vocabulary 50280, lm_head tied to the embedding. Per layer: norm 2560; in_proj
  // 2560 x 10240; conv1d 5120 x 4 + 5120; x_proj 5120 x (160 + 32); dt_proj 160 x 5120 + 5120;
  // A_log 5120 x 16; D 5120; out_proj 5120 x 2560.
  uint64_t layer = 2560 + 2560ull * 10240 + (5120 * 4 + 5120) + 5120ull * 192 +
                   (160ull * 5120 + 5120) + 5120 * 16 + 5120 + 5120ull * 2560;
  EXPECT_EQ(layer, 41'244'160u);
  uint64_t total = 50280ull * 2560 + 64 * layer + 2560;
  EXPECT_EQ(total, 2'768'345'600u);  // "2.8b"
  auto arch = Build(LoadModelConfig("mamba-2.8b"));
  EXPECT_EQ(arch->tree().SubtreeParams()[0], Count(total));
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t[t.Find("backbone.layers.0.mixer.conv1d")].extra_repr,
            "5120, 5120, kernel_size=(4,), stride=(1,), padding=(3,), groups=5120");
  EXPECT_EQ(t[t.Find("backbone.layers.63.norm")].extra_repr, "2560, eps=1e-05");
  EXPECT_EQ(t[t.Find("backbone.layers.0.mixer.act")].class_name, "SiLU");
}

TEST(Mamba, ScanOpMatchesExecutedScan) {
  // One scan of (B, I, S) = (2, 3, 4) with N = 5, executed with counted scalars.
  reference::Counter::Get().Reset();
  int64_t b = 2, n = 3, s = 4, st = 5;
  std::vector<double> h(static_cast<size_t>(b * n * st), 0.0);
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t ci = 0; ci < n; ++ci)
      for (int64_t t = 0; t < s; ++t) {
        double delta = 0.1 * static_cast<double>(t + 1), u = 0.5, acc = 0;
        for (int64_t j = 0; j < st; ++j) {
          double da = reference::Exp(reference::Mul(-1.0, delta));
          double dbu = reference::Mul(reference::Mul(delta, 0.3), u);
          double& hs = h[static_cast<size_t>((bi * n + ci) * st + j)];
          hs = reference::Add(reference::Mul(da, hs), dbu);
          acc = reference::Mac(acc, hs, 0.7);
        }
        (void)acc;
      }
  auto counted = reference::Counter::Get().Subtree("");
  Op op;
  op.kind = OpKind::kSelectiveScan;
  op.n_in = 3;
  op.in[0] = Shape{b, n, s};
  op.in[1] = Shape{b, n, s};
  op.in[2] = Shape{b, s, st};
  op.out = Shape{b, n, s};
  op.attr = st;
  OpCost c = GetOpDef(OpKind::kSelectiveScan).analytic(op);
  EXPECT_EQ(c.macs, Count(counted.macs));
  EXPECT_EQ(c.flops, Count(counted.flops));
  EXPECT_EQ(counted.macs, 2u * 3 * 4 * 5);
}

Profile Analyzed(const reference::TinyMambaConfig& c, const Workload& w) {
  auto arch = Build(Config::Parse(c.ToJson(), "tiny.json"));
  return Analyze(*arch, w, Convention::kAnalytic);
}

TEST(ReferenceMamba, ForwardMatchesModuleByModule) {
  for (const char* cls : {"MambaForCausalLM", "MambaModel"}) {
    SCOPED_TRACE(cls);
    reference::TinyMambaConfig c;
    c.cls = cls;
    Workload w;
    w.batch = 2;
    w.seq_len = 5;  // longer than the kernel: the cached window keeps the last 3 inputs
    Profile p = Analyzed(c, w);
    reference::Counter::Get().Reset();
    reference::TinyMamba model(c);
    model.Forward(2, 5, /*prefill=*/true, /*masked=*/false, 5);
    reference::ExpectModulesMatch(p);
    EXPECT_GT(p.total().flops, Count(0));
  }
}

TEST(ReferenceMamba, GenerateKeepsAConstantState) {
  reference::TinyMambaConfig c;
  Workload w;
  w.mode = Mode::kGenerate;
  w.batch = 2;
  w.prompt_tokens = 2;  // shorter than the kernel: the window is zero-padded
  w.max_new_tokens = 4;
  Profile p = Analyzed(c, w);
  reference::Counter::Get().Reset();
  reference::TinyMamba model(c);
  model.Forward(2, 2, true, /*masked=*/true, 2);  // prefill: logits at every prompt position
  for (int i = 0; i < 3; ++i) model.Forward(2, 1, false, false, 1);
  reference::ExpectModulesMatch(p);
  // The generation state: per layer conv window (n x k) + SSM state (n x N), per sequence,
  // independent of the context: (16 x 3 + 16 x 3) x 2 layers x batch 2 x 4 bytes (float32).
  EXPECT_EQ(KvCacheBytes(p.kv_cache, 6, 2, 4), Count((16 * 3 + 16 * 3) * 2 * 2 * 4));
  EXPECT_EQ(KvCacheBytes(p.kv_cache, 6000, 2, 4), KvCacheBytes(p.kv_cache, 6, 2, 4));
}

TEST(Mamba, DecodeStepCostDoesNotGrow) {
  auto arch = Build(LoadModelConfig("mamba-2.8b"));
  Workload a, b;
  a.mode = b.mode = Mode::kGenerate;
  a.prompt_tokens = b.prompt_tokens = 16;
  a.max_new_tokens = 2;
  b.max_new_tokens = 1001;
  Profile pa = Analyze(*arch, a, Convention::kAnalytic);
  Profile pb = Analyze(*arch, b, Convention::kAnalytic);
  Profile prefill = Analyze(
      *arch,
      [] {
        Workload w;
        w.mode = Mode::kGenerate;
        w.prompt_tokens = 16;
        w.max_new_tokens = 1;
        return w;
      }(),
      Convention::kAnalytic);
  Count step = pa.total().flops - prefill.total().flops;
  EXPECT_EQ(pb.total().flops - prefill.total().flops, 1000 * step);
}

TEST(Mamba, GenerationStateOfMamba28b) {
  // 64 layers x 5120 channels x (conv window 4 + SSM state 16) x 4 bytes (float32) per sequence.
  auto arch = Build(LoadModelConfig("mamba-2.8b"));
  EXPECT_EQ(KvCacheBytes(arch->KvCache(), 100'000, 1, 4), Count(26'214'400));
  EXPECT_EQ(KvCacheBytes(arch->KvCache(), 1, 3, 4), Count(3 * 26'214'400));
}

TEST(Mamba, BadConfigs) {
  Config c = LoadModelConfig("mamba-2.8b");
  EXPECT_THROW(Build(c.With("time_step_rank", "big")), Error);
  EXPECT_THROW(Build(c.With("hidden_act", "nope")), Error);
  EXPECT_THROW(Build(c.With("state_size", 0)), Error);
  EXPECT_THROW(Build(c, "MambaForSequenceClassification"), Error);
  // time_step_rank "auto" = ceil(2560 / 16) = 160: the same model.
  EXPECT_EQ(Build(c.With("time_step_rank", "auto"))->tree().SubtreeParams()[0],
            Build(c)->tree().SubtreeParams()[0]);
}

}  // namespace
}  // namespace calflops
