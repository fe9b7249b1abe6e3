// Mamba2: the published parameter count with the arithmetic written out, names and the module
// tree, the SSD op against its terms written out, the constant-size generation state, and bad
// configs. Forward and generate against the brute-force reference run in the registry walk
// (tests/reference/tiny_mamba2.cc, tests/families_test.cc).
#include <gtest/gtest.h>

#include "build_architecture.h"

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "analysis/memory.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"
#include "ops/op_def.h"

namespace calflops {
namespace {

TEST(Mamba2, PublishedParameterCount) {
  // mistralai/Mamba-Codestral-7B-v0.1: hidden 4096, intermediate 2 x 4096 = 8192, 128 heads of
  // 64, 8 groups, state 128, kernel 4, 64 layers, vocabulary 32768, lm_head untied.
  // conv_dim = 8192 + 2 x 8 x 128 = 10240; in_proj out = 8192 + 10240 + 128 = 18560.
  // Per layer: norm 4096; in_proj 4096 x 18560; conv1d 10240 x 4 + 10240; dt_bias, A_log, D
  // 3 x 128; gated norm 8192; out_proj 8192 x 4096.
  uint64_t layer = 4096 + 4096ull * 18560 + (10240 * 4 + 10240) + 3 * 128 + 8192 + 8192ull * 4096;
  EXPECT_EQ(layer, 109'640'064u);
  uint64_t total = 32768ull * 4096 * 2 + 64 * layer + 4096;
  EXPECT_EQ(total, 7'285'403'648u);  // Mistral's announcement: "7,285,403,648 parameters"
  auto arch = Build(LoadModelConfig("mamba-codestral-7b"));
  EXPECT_EQ(arch->tree().SubtreeParams()[0], Count(total));
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t[t.Find("backbone.layers.0.mixer.conv1d")].extra_repr,
            "10240, 10240, kernel_size=(4,), stride=(1,), padding=(3,), groups=10240");
  EXPECT_EQ(t[t.Find("backbone.layers.0.mixer.norm")].class_name, "MambaRMSNormGated");
  EXPECT_EQ(t[t.Find("backbone.layers.63.norm")].class_name, "Mamba2RMSNorm");
  EXPECT_EQ(t[t.Find("backbone.layers.0.mixer")].class_name, "Mamba2Mixer");
  EXPECT_NE(t.Find("lm_head"), kNoModule);
  // The mixer registers act first (self.act = ACT2FN[...] precedes conv1d in __init__).
  ModuleId mixer = t.Find("backbone.layers.0.mixer");
  EXPECT_EQ(t[t[mixer].children.front()].name, "act");
}

TEST(Mamba2, SsdOpTermsWrittenOut) {
  // B 2, S 10, H 3, P 4, N 5, chunk 4: c = 3 chunks (2 padded steps).
  Op op;
  op.kind = OpKind::kSsdScan;
  op.form = CallForm::kPyOperator;
  op.n_in = 3;
  op.in[0] = Shape{2, 10, 3, 4};
  op.in[1] = Shape{2, 10, 3};
  op.in[2] = Shape{2, 10, 3, 5};
  op.out = Shape{2, 12, 3, 4};
  op.attr = 4;
  // per batch x head: G 3*4*4*5 = 240, Y_diag 3*4*4*4 = 192, states and Y_off 2*3*4*5*4 = 480,
  // chunk recurrence 4*4*4*5 = 320: 1232 MACs.
  // Other FLOPs: A_cumsum 3*3 = 9; segment sum cumsum 3*4*3 = 36; its exp and the mask M
  // 2*3*16 = 96; decay (sub, exp) and exp(A_cumsum) 3*3*4 = 36; B * decay 3*4*5 = 60; the chunk
  // segment sum 4*3 = 12 adds and 16 exps; Y_off * decay and Y_diag + Y_off 2*3*4*4 = 96: 361.
  OpCost c = GetOpDef(OpKind::kSsdScan).analytic(op);
  EXPECT_EQ(c.macs, Count(6 * 1232));
  EXPECT_EQ(c.flops, Count(6 * (2 * 1232 + 361)));
  // calflops: G 240 + M 48 + Y_diag 192 + B decay 60 + states and C.states 480 + recurrence
  // 320 + Y_off * decay and Y_diag + Y_off 96 = 1436 per batch x head, no MACs.
  OpCost cf = GetOpDef(OpKind::kSsdScan).calflops.cost(op);
  EXPECT_EQ(cf.macs, Count(0));
  EXPECT_EQ(cf.flops, Count(6 * 1436));
  op.form = CallForm::kUnhooked;
  EXPECT_EQ(GetOpDef(OpKind::kSsdScan).calflops.cost(op).flops, Count(0));
}

TEST(Mamba2, GenerationStateIsConstant) {
  // Per layer per sequence: conv window 10240 x 4 + SSM state 128 x 64 x 128, in bfloat16.
  auto arch = Build(LoadModelConfig("mamba-codestral-7b"));
  Count per_seq(64ull * (10240 * 4 + 128 * 64 * 128) * 2);
  EXPECT_EQ(KvCacheBytes(arch->KvCache(), 100'000, 1, 2), per_seq);
  EXPECT_EQ(KvCacheBytes(arch->KvCache(), 1, 3, 2), 3 * per_seq);
}

TEST(Mamba2, DecodeStepCostDoesNotGrow) {
  auto arch = Build(LoadModelConfig("mamba-codestral-7b"));
  auto flops = [&](int64_t steps) {
    Workload w;
    w.mode = Mode::kGenerate;
    w.prompt_tokens = 16;
    w.max_new_tokens = steps;
    return Analyze(*arch, w, Convention::kAnalytic).total().flops;
  };
  Count step = flops(2) - flops(1);
  EXPECT_EQ(flops(101) - flops(1), 100 * step);
}

TEST(Mamba2, BadConfigs) {
  Config c = LoadModelConfig("mamba-codestral-7b");
  EXPECT_THROW(Build(c.With("num_heads", 100)), Error);  // 8192 / 64 = 128 heads
  EXPECT_THROW(Build(c.With("n_groups", 3)), Error);     // does not divide 128
  EXPECT_THROW(Build(c.With("chunk_size", 0)), Error);
  EXPECT_THROW(Build(c.With("hidden_act", "nope")), Error);
  EXPECT_THROW(Build(c, "Mamba2ForSequenceClassification"), Error);
  try {
    Build(c.With("n_groups", 3));
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("num_heads 128"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace calflops
