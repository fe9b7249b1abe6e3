// Memory and bytes moved for mixture-of-experts and MLA models: every expert's weights sit in
// memory, but a decode step reads only the routed ones; DeepSeek-V3's cache as transformers
// keeps it.
#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "analysis/memory.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"

namespace calflops {
namespace {

std::unique_ptr<Architecture> Build(const char* zoo, AttnImpl attn = AttnImpl::kSdpa) {
  return BuildArchitecture(LoadModelConfig(zoo), BuildOptions{.attn = attn, .model_class = ""});
}

// Mixtral-8x7B (docs/architectures.md): 46,702,792,704 parameters, 12,879,925,248 active per
// token (2 of 8 experts); hidden 4096, vocab 32000, 32 layers, 8 kv heads of 128, bfloat16.
constexpr uint64_t kMixtralTotal = 46702792704ull;
constexpr uint64_t kMixtralActive = 12879925248ull;

TEST(moe_memory_test, mixtral_holds_every_expert_but_decodes_through_two) {
  auto arch = Build("mixtral-8x7b");
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 4096;
  w.max_new_tokens = 2;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  MemoryEstimate m = EstimateMemory(p, w, TrainingOptions{});
  // Memory: all 46.7 B parameters x 2 bytes.
  EXPECT_EQ(m.weights.total(), Count(kMixtralTotal * 2));
  // KV cache: 2 x 32 layers x 8 kv heads x 128 x 2 bytes = 131,072 per token; 4,097 tokens at
  // the decode step.
  EXPECT_EQ(m.modules[0].kv_cache, Count(131072ull * 4097));
  // One decode token reads the active parameters only, except the embedding table, of which it
  // gathers one row: (12,879,925,248 - 32,000 x 4,096 + 4,096) x 2 bytes.
  ASSERT_EQ(p.perf.calls.size(), 2u);
  EXPECT_EQ(p.perf.calls[1].first.traffic.weight_read,
            Count((kMixtralActive - 32000ull * 4096 + 4096) * 2));
  // Training holds every expert's state: 16 bytes per parameter under mixed-precision AdamW.
  TrainingState s = ComputeTrainingState(arch->tree(), m.weights.total(), TrainingOptions{});
  EXPECT_EQ(s.total(), Count(kMixtralTotal * 16));
}

TEST(moe_memory_test, deepseek_v3_cache_is_decompressed_k_and_v) {
  // transformers caches MLA's keys and values after kv_b_proj: 128 heads x (qk_nope 128 + rope 64)
  // for K and 128 x 128 for V, in each of 61 layers: 61 x 128 x 320 x 2 bytes = 4,997,120 bytes
  // per token. (A latent cache would keep 61 x (512 + 64) x 2 = 70,272.)
  for (AttnImpl attn : {AttnImpl::kSdpa, AttnImpl::kFlashAttention2, AttnImpl::kEager}) {
    auto arch = Build("deepseek-v3", attn);
    std::vector<KvCacheSpec> specs = arch->KvCache();
    ASSERT_EQ(specs.size(), 61u);
    EXPECT_EQ(KvCacheBytes(specs, 1, 1, 2), Count(4997120));
    // Weights: the published 671,026,419,200 parameters at bfloat16, except the 58 MoE layers'
    // e_score_correction_bias (256 each), which is float32.
    const uint64_t f32 = 58 * 256;
    EXPECT_EQ(ComputeWeightMemory(arch->tree()).total(),
              Count((671026419200ull - f32) * 2 + f32 * 4));
  }
  // The traced default agrees under SDPA; under flash-attention the kernel pads V to 192, which
  // is why MLA declares its cache.
  auto sdpa = Build("deepseek-v3");
  EXPECT_EQ(KvCacheBytes(sdpa->Architecture::KvCache(), 1, 1, 2), Count(4997120));
}

}  // namespace
}  // namespace calflops

namespace calflops {
namespace {

TEST(kv_cache_test, declared_caches_agree_with_the_traced_ones_for_every_zoo_decoder) {
  // Two independent derivations: what each architecture declares (its config arithmetic) and
  // what the default traces from SDPA's key and value shapes. DeepSeek-V3 is left out (its
  // SDPA V is the declared one too, checked above) only for time: 75,000 modules.
  for (const char* zoo : {"llama-3-8b", "tinyllama-1.1b", "mistral-7b", "mixtral-8x7b",
                          "qwen2.5-7b", "qwen3-8b", "qwen3-30b-a3b", "qwen1.5-moe-a2.7b",
                          "gemma-7b", "gemma-2-9b", "phi-3-mini", "gpt2", "pythia-1b",
                          "llava-next-8b"}) {
    auto sdpa = Build(zoo, AttnImpl::kSdpa);
    auto eager = Build(zoo, AttnImpl::kEager);
    Count traced = KvCacheBytes(sdpa->Architecture::KvCache(), 1000, 1, 2);
    EXPECT_GT(traced, Count(0)) << zoo;
    EXPECT_EQ(KvCacheBytes(sdpa->KvCache(), 1000, 1, 2), traced) << zoo;
    EXPECT_EQ(KvCacheBytes(eager->KvCache(), 1000, 1, 2), traced) << zoo;
  }
}

}  // namespace
}  // namespace calflops
