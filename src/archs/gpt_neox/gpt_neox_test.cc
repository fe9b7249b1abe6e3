// GPT-NeoX (Pythia): the published parameter count with its arithmetic, MACs written out with the
// partial rotary embedding, the baddbmm of eager attention under calflops, and names.
#include <gtest/gtest.h>

#include "profile_lookup.h"

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"

namespace calflops {
namespace {

std::unique_ptr<Architecture> Build(AttnImpl impl = AttnImpl::kSdpa,
                                    const Config& c = LoadModelConfig("pythia-1b")) {
  BuildOptions o;
  o.attn = impl;
  return BuildArchitecture(c, o);
}

TEST(GptNeox, PublishedParameterCount) {
  // embed_in and embed_out 50304 x 2048 each (untied); per layer two LayerNorms (2 x 2048 each),
  // query_key_value 2048 x 6144 + 6144, dense 2048^2 + 2048, MLP 2048 x 8192 + 8192 and
  // 8192 x 2048 + 2048; final LayerNorm. Pythia paper: 1,011,781,632.
  uint64_t layer = 2 * 2 * 2048 + (2048ull * 6144 + 6144) + (2048ull * 2048 + 2048) +
                   (2048ull * 8192 + 8192) + (8192ull * 2048 + 2048);
  uint64_t total = 2 * 50304ull * 2048 + 16 * layer + 2 * 2048;
  EXPECT_EQ(total, 1'011'781'632u);
  EXPECT_EQ(Build()->tree().SubtreeParams()[0], Count(total));
}

TEST(GptNeox, MacsWrittenOutAt128Tokens) {
  Profile p = Analyze(*Build(), Workload{}, Convention::kAnalytic);
  uint64_t linear = 128ull * (2048 * 6144 + 2048 * 2048 + 2 * 2048 * 8192);
  uint64_t attention = 2ull * 8 * 128 * 128 * 256;  // 8 heads of 256
  uint64_t head = 128ull * 2048 * 50304;
  // rotary_pct 0.25 of 256: 64 rotary dims, inv_freq (1, 32, 1) @ positions (1, 1, 128).
  EXPECT_EQ(At(p, "gpt_neox.rotary_emb").macs, Count(32 * 128));
  EXPECT_EQ(At(p, "gpt_neox.layers.0").macs, Count(linear + attention));
  EXPECT_EQ(p.total().macs, Count(16 * (linear + attention) + 32 * 128 + head));
  // The per-layer rotary_emb is registered but never called.
  EXPECT_EQ(At(p, "gpt_neox.layers.0.attention.rotary_emb").flops, Count(0));
  // RoPE on 64 of 256 dims, for q and k: q*cos, -x2 (32), rot*sin, + = 3 x 64 + 32 per row.
  // Residuals: mlp + attn + x (two adds of 128 x 2048).
  uint64_t rope = 2 * 8 * 128ull * (3 * 64 + 32);
  uint64_t attn_flops = 2 * (128ull * 2048 * 6144) + 128 * 6144 + 2 * (128ull * 2048 * 2048) +
                        128 * 2048 + rope + 2 * attention + 8 * 128ull * 128 /* scale */ +
                        8 * 128ull * 128 /* causal mask */ + 8 * 128ull * (5 * 128 - 2);
  EXPECT_EQ(At(p, "gpt_neox.layers.0.attention").flops, Count(attn_flops));
}

TEST(GptNeox, EagerBaddbmmUnderCalflops) {
  Profile p = Analyze(*Build(AttnImpl::kEager), Workload{}, Convention::kCalflops);
  // torch.baddbmm(zeros, q, k^T): 2 MACs + the 8 x 128 x 128 input elements; the 4-D mask add
  // (B, H, S, S) + (B, 1, S, S); F.softmax; torch.matmul(p, v): all seen by calflops.
  uint64_t qk = 8ull * 128 * 256 * 128, pv = qk;
  uint64_t linear_macs = 128ull * 2048 * 6144 + 128ull * 2048 * 2048;
  EXPECT_EQ(At(p, "gpt_neox.layers.0.attention").macs, Count(linear_macs + qk + pv));
  uint64_t scores = 8ull * 128 * 128;
  // RoPE operators in calflops' count: q*cos and rot*sin (left-aligned (1,8,128,64) x
  // (1,1,128,64) = 8 x 128 x 64 each) and their sum, for q and k; the unary minus is unseen.
  uint64_t rope = 2 * 3 * 8 * 128ull * 64;
  EXPECT_EQ(At(p, "gpt_neox.layers.0.attention").flops,
            Count(2 * linear_macs + 2 * qk + scores + scores + scores + 2 * pv + rope));
}

TEST(GptNeox, NamesAndConfigErrors) {
  auto arch = Build(AttnImpl::kEager);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t[t.Find("gpt_neox.layers.0.attention")].class_name, "GPTNeoXAttention");
  EXPECT_EQ(t[t.Find("embed_out")].extra_repr, "in_features=2048, out_features=50304, bias=False");
  Config c = LoadModelConfig("pythia-1b");
  EXPECT_THROW(Build(AttnImpl::kSdpa, c.With("rotary_pct", 1.5)), Error);
  EXPECT_THROW(Build(AttnImpl::kSdpa, c.With("num_attention_heads", 3)), Error);
  // Tied, the head shares embed_in: one 50304 x 2048 table less.
  EXPECT_EQ(Build(AttnImpl::kSdpa, c.With("tie_word_embeddings", true))->tree().SubtreeParams()[0],
            Count(1'011'781'632ull - 50304ull * 2048));
}

}  // namespace
}  // namespace calflops
