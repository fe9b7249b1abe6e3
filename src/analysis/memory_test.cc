// Memory estimates against arithmetic written out: Llama-3-8B weights, KV cache, optimizer state
// and the forward / generate peaks; the KV hooks for sliding windows and MLA latents.
#include "analysis/memory.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"

namespace calflops {
namespace {

// Meta-Llama-3-8B: 8,030,261,248 parameters (model card); hidden 4096, 32 layers, 8 kv heads of
// 128, intermediate 14336, vocab 128256, bfloat16.
constexpr uint64_t kLlama3Params = 8030261248;
constexpr uint64_t kKvPerToken = 2 * 32 * 8 * 128 * 2;  // K and V, 32 layers, bf16: 131,072 B

std::unique_ptr<Architecture> Llama3(AttnImpl attn = AttnImpl::kSdpa, const char* dtype = "") {
  Config c = LoadModelConfig("llama-3-8b");
  if (*dtype) c = c.With("torch_dtype", std::string(dtype));
  return BuildArchitecture(c, BuildOptions{.attn = attn, .model_class = ""});
}

TEST(memory_test, llama3_8b_weight_bytes) {
  auto arch = Llama3();
  WeightMemory w = ComputeWeightMemory(arch->tree());
  EXPECT_EQ(w.total(), Count(kLlama3Params * 2));  // 16,060,522,496 B
  EXPECT_EQ(w.bytes_by_dtype.at(DType::kBF16), Count(kLlama3Params * 2));
  auto fp32 = Llama3(AttnImpl::kSdpa, "float32");
  EXPECT_EQ(ComputeWeightMemory(fp32->tree()).total(), Count(kLlama3Params * 4));
  // One decoder layer: 4096 x (4096 + 1024 + 1024 + 4096) + 3 x 4096 x 14336 + 2 x 4096.
  ModuleId layer = arch->tree().Find("model.layers.0");
  EXPECT_EQ(w.subtree_bytes[static_cast<size_t>(layer)],
            Count((4096ull * 10240 + 3ull * 4096 * 14336 + 2 * 4096) * 2));
}

TEST(memory_test, tied_weights_are_counted_once) {
  ModuleTree tree;
  ModuleId a = tree.Add(tree.root(), "embed", "Embedding");
  ModuleId b = tree.Add(tree.root(), "head", "Linear");
  int32_t s = tree.AddParam(a, "weight", Shape{10, 4}, DType::kF16);
  tree.AddParam(b, "weight", Shape{10, 4}, DType::kF16, s);
  WeightMemory w = ComputeWeightMemory(tree);
  EXPECT_EQ(w.total(), Count(40 * 2));
  EXPECT_EQ(w.subtree_bytes[static_cast<size_t>(b)], Count(40 * 2));
}

TEST(memory_test, llama3_8b_kv_cache_bytes) {
  auto arch = Llama3();
  std::vector<KvCacheSpec> specs = arch->KvCache();
  ASSERT_EQ(specs.size(), 32u);
  // 8192 tokens: 2 x 32 x 8 x 128 x 8192 x 2 bytes = 1 GiB exactly.
  EXPECT_EQ(KvCacheBytes(specs, 8192, 1, 2), Count(1073741824));
  EXPECT_EQ(KvCacheBytes(specs, 2982, 4, 2), Count(kKvPerToken * 2982 * 4));
  // The default, traced from the fused attention ops, agrees with Llama's declaration.
  std::vector<KvCacheSpec> traced = arch->Architecture::KvCache();
  ASSERT_EQ(traced.size(), 32u);
  for (size_t i = 0; i < 32; ++i) {
    EXPECT_EQ(traced[i].module, specs[i].module);
    EXPECT_EQ(traced[i].elements_per_token, specs[i].elements_per_token);
  }
  // Eager attention is written as matmuls: only the declaration knows the cache.
  auto eager = Llama3(AttnImpl::kEager);
  EXPECT_TRUE(eager->Architecture::KvCache().empty());
  EXPECT_EQ(KvCacheBytes(eager->KvCache(), 8192, 1, 2), Count(1073741824));
}

TEST(memory_test, sliding_window_and_mla_latent_hooks) {
  // Mistral-7B-v0.1 shaped: 32 layers, 8 kv heads of 128, window 4096: at 8192 tokens only
  // 4096 are kept: 2 x 8 x 128 x 4096 x 32 x 2 bytes.
  std::vector<KvCacheSpec> swa(32, KvCacheSpec{.elements_per_token = 2 * 8 * 128, .window = 4096});
  EXPECT_EQ(KvCacheBytes(swa, 8192, 1, 2), Count(2ull * 8 * 128 * 4096 * 32 * 2));
  EXPECT_EQ(KvCacheBytes(swa, 1000, 1, 2), Count(2ull * 8 * 128 * 1000 * 32 * 2));
  // DeepSeek-V3 shaped MLA: 61 layers caching the compressed latent (kv_lora_rank 512) and the
  // decoupled rope key (64) per token: 61 x 576 x 4096 tokens x 2 bytes = 287,834,112.
  std::vector<KvCacheSpec> mla(61, KvCacheSpec{.elements_per_token = 512 + 64});
  EXPECT_EQ(KvCacheBytes(mla, 4096, 1, 2), Count(287834112));
  // Against caching full K and V (128 heads x (192 + 128)): 61 x 128 x 320 x 4096 x 2.
  std::vector<KvCacheSpec> full(61, KvCacheSpec{.elements_per_token = 128 * (192 + 128)});
  EXPECT_EQ(KvCacheBytes(full, 4096, 1, 2), Count(61ull * 128 * 320 * 4096 * 2));
}

TEST(memory_test, llama3_8b_training_state) {
  auto arch = Llama3();
  const Count n(kLlama3Params);
  Count weights(kLlama3Params * 2);
  // AdamW, bf16 params: bf16 gradients (2 N), float32 m and v (8 N), float32 master (4 N).
  TrainingState s = ComputeTrainingState(arch->tree(), weights, TrainingOptions{});
  EXPECT_EQ(s.gradients, n * 2);
  EXPECT_EQ(s.optimizer, n * 8);
  EXPECT_EQ(s.master_weights, n * 4);
  EXPECT_EQ(s.total(), n * 16);  // the classic 16 bytes per parameter
  // ZeRO-1 over 8 ranks shards the optimizer state and master weights: N / 8 exactly.
  s = ComputeTrainingState(arch->tree(), weights, TrainingOptions{.zero = 1, .dp = 8});
  EXPECT_EQ(s.optimizer, Count(kLlama3Params));
  EXPECT_EQ(s.master_weights, Count(kLlama3Params / 2));
  EXPECT_EQ(s.gradients, n * 2);
  // ZeRO-3 shards everything.
  s = ComputeTrainingState(arch->tree(), weights, TrainingOptions{.zero = 3, .dp = 8});
  EXPECT_EQ(s.total(), n * 2);
  // SGD with momentum: one float32 buffer.
  s = ComputeTrainingState(arch->tree(), weights, TrainingOptions{.optimizer = Optimizer::kSgd});
  EXPECT_EQ(s.optimizer, n * 4);
}

TEST(memory_test, adafactor_factors_matrices) {
  // A (14336, 4096) matrix keeps 14336 row + 4096 column statistics; a vector keeps itself.
  EXPECT_EQ(OptimizerElements(Optimizer::kAdafactor, Shape{14336, 4096}), Count(14336 + 4096));
  EXPECT_EQ(OptimizerElements(Optimizer::kAdafactor, Shape{4096}), Count(4096));
  EXPECT_EQ(OptimizerElements(Optimizer::kAdamW, Shape{14336, 4096}), Count(2ull * 14336 * 4096));
}

TEST(memory_test, llama3_8b_forward_peak) {
  auto arch = Llama3();
  Workload w;
  w.seq_len = 2048;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  MemoryEstimate m = EstimateMemory(p, w, TrainingOptions{});
  // The largest live set is at lm_head: its input (2048 x 4096) and the logits
  // (2048 x 128256), both bf16.
  const uint64_t act = (2048ull * 4096 + 2048ull * 128256) * 2;
  EXPECT_EQ(m.activations, Count(act));
  EXPECT_EQ(m.peak, Count(kLlama3Params * 2 + act));
  EXPECT_EQ(m.kv_cache, Count(0));
}

TEST(memory_test, llama3_8b_generate_peak_at_the_seed_lm_workload) {
  // The seed's language-model workload: prefill 1959 tokens, then 1023 one-token steps.
  auto arch = Llama3(AttnImpl::kFlashAttention2);
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 1959;
  w.max_new_tokens = 1024;
  Profile p = Analyze(*arch, w, Convention::kCalflops);
  MemoryEstimate m = EstimateMemory(p, w, TrainingOptions{});
  // Prefill: KV of 1959 tokens; live activations peak in the MLP's act(gate) * up: the residual
  // (s x 4096), act and up (s x 14336 each) and the product (s x 14336), plus the rotary cos
  // table (s x 128) every layer reads; all bf16.
  const uint64_t s = 1959;
  const uint64_t prefill_act = s * (4096 + 3 * 14336) * 2 + s * 128 * 2;
  EXPECT_EQ(m.peak_at, "prefill");
  EXPECT_EQ(m.activations, Count(prefill_act));
  EXPECT_EQ(m.kv_cache, Count(kKvPerToken * s));
  EXPECT_EQ(m.peak, Count(kLlama3Params * 2 + kKvPerToken * s + prefill_act));
  // The cache at the last step holds 1959 + 1023 = 2982 tokens (per module view).
  EXPECT_EQ(m.modules[0].kv_cache, Count(kKvPerToken * 2982));
  EXPECT_EQ(MemoryUsageGiB(m.peak), "15.369");
}

TEST(memory_test, usage_line_is_gib_with_three_decimals) {
  // 16.306 GiB is the seed's figure: 17,508,... bytes; weights alone (8,355,276,800 x 2 bytes)
  // are 15.563 GiB, so the unit must be 2^30 bytes.
  EXPECT_EQ(MemoryUsageGiB(Count(8355276800ull * 2)), "15.563");
  EXPECT_EQ(MemoryUsageGiB(Count(1073741824)), "1.000");
}

}  // namespace
}  // namespace calflops
