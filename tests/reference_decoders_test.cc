// The analytic counts of every Llama-derived family against the brute-force reference: tiny
// models executed on real numbers with every scalar operation counted, module by module. MoE
// layers dispatch tokens by the fixed assignment the program assumes (expert_load.h).
#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "reference/tiny_decoder.h"

namespace calflops {
namespace {

using reference::Counter;
using reference::TinyDecoderConfig;

void ExpectModulesMatch(const Profile& p) {
  ASSERT_GT(p.total().flops, Count(0));
  for (ModuleId id = 0; id < static_cast<ModuleId>(p.tree.size()); ++id) {
    std::string path = p.tree.Path(id);
    auto ref = Counter::Get().Subtree(path);
    const auto& s = p.stats[static_cast<size_t>(id)];
    EXPECT_EQ(s.macs, Count(ref.macs)) << "MACs of '" << path << "'";
    EXPECT_EQ(s.flops, Count(ref.flops)) << "FLOPs of '" << path << "'";
  }
  // Every path the reference charged exists in the program's tree.
  for (const auto& [path, counts] : Counter::Get().own()) {
    if (counts.flops == 0) continue;
    EXPECT_NE(p.tree.Find(path), kNoModule) << "reference module '" << path << "'";
  }
}

/// Forward of `batch` x `tokens` (all positions through the head), program vs reference.
void CheckForward(const TinyDecoderConfig& c, const char* attn, int64_t batch, int64_t tokens) {
  SCOPED_TRACE(c.model_type + " " + attn);
  BuildOptions o;
  o.attn = std::string(attn) == "eager" ? AttnImpl::kEager : AttnImpl::kSdpa;
  auto arch = BuildArchitecture(Config::Parse(c.ToJson(), "tiny.json"), o);
  Workload w;
  w.batch = batch;
  w.seq_len = tokens;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  Counter::Get().Reset();
  reference::TinyDecoder model(c, attn);
  model.Forward(batch, tokens, tokens);
  ExpectModulesMatch(p);
}

/// Generation: prefill of `prompt`, then `steps` one-token decode steps with the KV cache.
void CheckGenerate(const TinyDecoderConfig& c, const char* attn, int64_t prompt, int64_t steps) {
  SCOPED_TRACE(c.model_type + " generate " + attn);
  BuildOptions o;
  o.attn = std::string(attn) == "eager" ? AttnImpl::kEager : AttnImpl::kSdpa;
  auto arch = BuildArchitecture(Config::Parse(c.ToJson(), "tiny.json"), o);
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = prompt;
  w.max_new_tokens = steps + 1;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  Counter::Get().Reset();
  reference::TinyDecoder model(c, attn);
  model.Forward(1, prompt, 1);
  for (int64_t i = 0; i < steps; ++i) model.Forward(1, 1, 1);
  ExpectModulesMatch(p);
}

TinyDecoderConfig Family(const char* type) {
  TinyDecoderConfig c;
  c.model_type = type;
  return c;
}

TEST(ReferenceDecoders, Mistral) {
  TinyDecoderConfig c = Family("mistral");
  CheckForward(c, "sdpa", 2, 5);
  CheckForward(c, "eager", 1, 4);
  // With a window of 6, decode steps from context 6 on get an explicit SDPA mask.
  c.sliding_window = 6;
  CheckGenerate(c, "sdpa", 4, 4);
}

TEST(ReferenceDecoders, Qwen2QkvBias) {
  CheckForward(Family("qwen2"), "sdpa", 2, 5);
  CheckGenerate(Family("qwen2"), "sdpa", 3, 2);
}

TEST(ReferenceDecoders, Qwen3QkNorm) {
  TinyDecoderConfig c = Family("qwen3");
  c.head_dim = 6;  // head_dim from the config, not hidden / heads
  CheckForward(c, "sdpa", 2, 5);
  CheckForward(c, "eager", 1, 3);
}

TEST(ReferenceDecoders, Gemma) {
  TinyDecoderConfig c = Family("gemma");
  c.head_dim = 6;
  c.kv_heads = 4;
  CheckForward(c, "sdpa", 2, 5);
  CheckGenerate(c, "eager", 3, 2);
}

TEST(ReferenceDecoders, Gemma2SoftcapAndSandwichNorms) {
  TinyDecoderConfig c = Family("gemma2");
  c.head_dim = 8;
  CheckForward(c, "eager", 2, 5);  // soft-capping runs in eager only
  CheckForward(c, "sdpa", 1, 4);   // SDPA always gets Gemma2's 4-D mask
  CheckGenerate(c, "sdpa", 3, 2);
}

TEST(ReferenceDecoders, Phi3FusedProjections) {
  TinyDecoderConfig c = Family("phi3");
  c.kv_heads = 4;
  CheckForward(c, "sdpa", 2, 5);
  CheckForward(c, "eager", 1, 3);
}

TEST(ReferenceDecoders, MixtralRoutedExperts) {
  TinyDecoderConfig c = Family("mixtral");
  c.experts = 4;
  c.top_k = 2;
  c.moe_intermediate = c.intermediate;
  CheckForward(c, "sdpa", 2, 5);   // 10 tokens x 2 picks over 4 experts: 5 each
  CheckForward(c, "sdpa", 1, 3);   // 6 picks over 4 experts: 2, 2, 1, 1
  CheckGenerate(c, "sdpa", 3, 2);  // decode: 2 picks, experts 2 and 3 idle
}

TEST(ReferenceDecoders, Qwen2MoeSharedExpert) {
  TinyDecoderConfig c = Family("qwen2_moe");
  c.experts = 5;
  c.top_k = 2;
  c.moe_intermediate = 8;
  c.shared_intermediate = 12;
  c.norm_topk_prob = false;
  c.layers = 3;
  c.mlp_only_layers = {1};  // layer 1 keeps a dense Qwen2MoeMLP
  CheckForward(c, "sdpa", 2, 3);
  CheckGenerate(c, "sdpa", 2, 2);
}

TEST(ReferenceDecoders, Qwen3Moe) {
  TinyDecoderConfig c = Family("qwen3_moe");
  c.experts = 6;
  c.top_k = 4;
  c.moe_intermediate = 8;
  c.norm_topk_prob = true;
  c.layers = 2;
  c.decoder_sparse_step = 2;  // layer 0 dense, layer 1 sparse
  CheckForward(c, "sdpa", 1, 5);
  CheckForward(c, "eager", 2, 2);
}

TEST(ReferenceDecoders, DeepseekV3MlaAndSigmoidRouter) {
  TinyDecoderConfig c = Family("deepseek_v3");
  c.layers = 3;
  c.experts = 8;
  c.top_k = 3;
  c.n_group = 4;
  c.topk_group = 2;
  c.moe_intermediate = 6;
  c.n_shared = 2;
  c.first_k_dense = 1;
  c.kv_heads = 4;
  CheckForward(c, "sdpa", 2, 4);
  CheckForward(c, "eager", 1, 3);
  CheckGenerate(c, "sdpa", 3, 2);
  c.q_lora_rank = 0;  // q_proj instead of the low-rank query path
  c.norm_topk_prob = false;
  CheckForward(c, "sdpa", 1, 3);
}

}  // namespace
}  // namespace calflops
