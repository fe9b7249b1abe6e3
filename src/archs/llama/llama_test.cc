// Llama: published parameter counts, and MACs written out by hand for each Linear, attention and
// the whole model under two workloads.
#include <gtest/gtest.h>

#include "profile_lookup.h"

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"

namespace calflops {
namespace {

Profile Analyzed(const std::string& model, Workload w, AttnImpl impl = AttnImpl::kSdpa) {
  BuildOptions o;
  o.attn = impl;
  auto arch = BuildArchitecture(LoadModelConfig(model), o);
  return Analyze(*arch, w, Convention::kAnalytic);
}

uint64_t Params(const std::string& model) {
  auto arch = BuildArchitecture(LoadModelConfig(model), BuildOptions{});
  return static_cast<uint64_t>(arch->tree().SubtreeParams()[0].value());
}

// Published counts (model cards / safetensors metadata).
TEST(Llama, PublishedParameterCounts) {
  EXPECT_EQ(Params("llama-3-8b"), 8'030'261'248u);
  EXPECT_EQ(Params("llama-2-7b"), 6'738'415'616u);
  EXPECT_EQ(Params("tinyllama-1.1b"), 1'100'048'384u);
  EXPECT_EQ(Params("llama-3.1-70b"), 70'553'706'496u);
}

TEST(Llama, ParameterArithmeticLlama3_8B) {
  // embed + head: 2 x 128256 x 4096; per layer: q,o 4096^2 each, k,v 4096 x 1024 each,
  // 3 x 4096 x 14336 MLP, 2 norms of 4096; final norm 4096.
  uint64_t layer = 2 * 4096ull * 4096 + 2 * 4096ull * 1024 + 3 * 4096ull * 14336 + 2 * 4096;
  uint64_t total = 2 * 128256ull * 4096 + 32 * layer + 4096;
  EXPECT_EQ(total, 8'030'261'248u);
  EXPECT_EQ(Params("llama-3-8b"), total);
}

TEST(Llama, TiedEmbeddingsCountedOnce) {
  Config c = LoadModelConfig("tinyllama-1.1b").With("tie_word_embeddings", true);
  auto arch = BuildArchitecture(c, BuildOptions{});
  auto params = arch->tree().SubtreeParams();
  EXPECT_EQ(static_cast<uint64_t>(params[0].value()), 1'100'048'384u - 32000u * 2048u);
  // Each of the two modules still shows the shared tensor, as PyTorch's parameters() does.
  EXPECT_EQ(
      static_cast<uint64_t>(params[static_cast<size_t>(arch->tree().Find("lm_head"))].value()),
      32000u * 2048u);
}

TEST(Llama, LinearMacsAt128Tokens) {
  Workload w;  // batch 1, 128 tokens
  Profile p = Analyzed("llama-3-8b", w);
  const uint64_t s = 128;
  EXPECT_EQ(At(p, "model.layers.0.self_attn.q_proj").macs, Count(s * 4096 * 4096));
  EXPECT_EQ(At(p, "model.layers.0.self_attn.k_proj").macs, Count(s * 4096 * 1024));
  EXPECT_EQ(At(p, "model.layers.0.mlp.down_proj").macs, Count(s * 14336 * 4096));
  EXPECT_EQ(At(p, "lm_head").macs, Count(s * 4096 * 128256));
  // FLOPs = 2 x MACs for a bias-free Linear.
  EXPECT_EQ(At(p, "model.layers.0.mlp.up_proj").flops, Count(2 * s * 4096 * 14336));
}

TEST(Llama, AttentionCostAt128Tokens) {
  Workload w;
  Profile p = Analyzed("llama-3-8b", w);
  const uint64_t s = 128, h = 32, d = 128, kvh = 8;
  uint64_t scores = h * s * s;
  uint64_t proj_macs = s * 4096 * (4096 + 1024 + 1024 + 4096);
  uint64_t attn_macs = 2 * scores * d;  // q k^T and p v
  EXPECT_EQ(At(p, "model.layers.0.self_attn").macs, Count(proj_macs + attn_macs));
  // FLOPs: 2 x MACs + scale + causal mask + softmax (5n - 2 per row) + RoPE on q and k
  // (mul, neg on half, mul, add: 3.5 per element).
  uint64_t softmax = h * s * (5 * s - 2);
  uint64_t rope = (h + kvh) * s * d * 3 + (h + kvh) * s * (d / 2);
  uint64_t flops = 2 * (proj_macs + attn_macs) + scores + scores + softmax + rope;
  EXPECT_EQ(At(p, "model.layers.0.self_attn").flops, Count(flops));
}

TEST(Llama, WholeModelMacs) {
  Workload w;
  Profile p = Analyzed("llama-3-8b", w);
  const uint64_t s = 128;
  uint64_t per_layer =
      s * 4096 * (4096 + 1024 + 1024 + 4096) + 3 * s * 4096 * 14336 + 2 * 32 * s * s * 128;
  uint64_t rotary = 64 * s;  // inv_freq (1, 64, 1) @ positions (1, 1, s)
  EXPECT_EQ(p.total().macs, Count(32 * per_layer + rotary + s * 4096 * 128256));
}

TEST(Llama, SecondWorkloadBatch4Seq2048) {
  Workload w;
  w.batch = 4;
  w.seq_len = 2048;
  Profile p = Analyzed("llama-2-7b", w);
  const uint64_t b = 4, s = 2048, hd = 4096, ff = 11008;
  uint64_t per_layer = b * s * hd * 4 * hd + 3 * b * s * hd * ff + 2 * b * 32 * s * s * 128;
  EXPECT_EQ(At(p, "model.layers.31").macs, Count(per_layer));
  uint64_t rotary = 64 * s;  // position_ids has batch 1 in a plain forward
  EXPECT_EQ(p.total().macs, Count(32 * per_layer + rotary + b * s * hd * 32000));
}

TEST(Llama, GenerateLogitsOnlyForLastPosition) {
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 10;
  w.max_new_tokens = 5;
  Profile p = Analyzed("tinyllama-1.1b", w);
  ASSERT_EQ(p.CallCount(), 5);
  EXPECT_EQ(At(p, "lm_head").macs, Count(5ull * 2048 * 32000));
  // q_proj sees 10 prompt tokens, then one per step: 14 tokens.
  EXPECT_EQ(At(p, "model.layers.0.self_attn.q_proj").macs, Count(14ull * 2048 * 2048));
  EXPECT_EQ(p.Call(4).context, 14);
}

TEST(Llama, ClassNamesFollowAttnImplementation) {
  Workload w;
  w.seq_len = 4;
  Profile e = Analyzed("tinyllama-1.1b", w, AttnImpl::kEager);
  EXPECT_EQ(e.tree[e.tree.Find("model.layers.0.self_attn")].class_name, "LlamaAttention");
  Profile f = Analyzed("tinyllama-1.1b", w, AttnImpl::kFlashAttention2);
  EXPECT_EQ(f.tree[f.tree.Find("model.layers.0.self_attn")].class_name, "LlamaFlashAttention2");
}

TEST(Llama, BaseModelClass) {
  BuildOptions o;
  o.model_class = "LlamaModel";
  auto arch = BuildArchitecture(LoadModelConfig("llama-3-8b"), o);
  EXPECT_EQ(arch->tree()[0].class_name, "LlamaModel");
  EXPECT_EQ(static_cast<uint64_t>(arch->tree().SubtreeParams()[0].value()),
            8'030'261'248u - 128256u * 4096u);
}

}  // namespace
}  // namespace calflops
