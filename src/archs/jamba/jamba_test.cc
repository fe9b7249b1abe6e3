// Jamba: the parameter count with the arithmetic written out, active parameters, the layer
// pattern and names, the hybrid cache (K and V for attention layers, a constant state for Mamba
// layers), and bad configs. Forward and generate against the brute-force reference run in the
// registry walk (tests/reference/tiny_jamba.cc, tests/families_test.cc).
#include <gtest/gtest.h>

#include "build_architecture.h"

#include <nlohmann/json.hpp>

#include "analysis/memory.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"
#include "model/active_params.h"

namespace calflops {
namespace {

TEST(Jamba, ParameterCountWrittenOut) {
  // AI21-Jamba-1.5-Mini: hidden 4096, 32 layers; attention on layers i % 8 == 4 (4 layers: 32
  // heads, 8 KV heads of 128), Mamba on the other 28 (inner 8192, state 16, dt rank 256, kernel
  // 4); 16 experts (top 2) of width 14336 on odd layers, a gated MLP of 14336 on even layers;
  // vocabulary 65536, lm_head untied.
  uint64_t attn = 4096ull * 4096 * 2 + 4096ull * 1024 * 2;                       // q, o; k, v
  uint64_t mamba = (8192 * 4 + 8192) + 4096ull * 16384 + 8192ull * (256 + 32) +  // conv, in, x
                   (256ull * 8192 + 8192) + 8192 * 16 + 8192 + 8192ull * 4096 +  // dt, A, D, out
                   256 + 16 + 16;                                                // dt/b/c norms
  uint64_t mlp = 3ull * 4096 * 14336;
  uint64_t moe = 4096ull * 16 + 16 * mlp;  // router + experts
  uint64_t norms = 2 * 4096;
  EXPECT_EQ(attn, 41'943'040u);
  EXPECT_EQ(mamba, 105'308'448u);
  // The attention layers (4, 12, 20, 28) are even: all four have the dense MLP; of the 28 Mamba
  // layers, 16 (the odd ones) have experts and 12 the dense MLP.
  uint64_t total = 4 * (attn + mlp + norms) + 28 * (mamba + norms) + 16 * moe + 12 * mlp +
                   2 * 65536ull * 4096 + 4096;
  // The checkpoint index's total_size, 103,140,646,656 bytes of bfloat16 (zoo/README.md), / 2;
  // model card: 52B.
  EXPECT_EQ(total, 103'140'646'656u / 2);
  auto arch = Build(LoadModelConfig("jamba-1.5-mini"));
  EXPECT_EQ(arch->tree().SubtreeParams()[0], Count(total));
  // Active: 2 of the 16 experts in each of the 16 MoE layers (model card: 12B active).
  EXPECT_EQ(ActiveParams(arch->tree()), Count(total - 16 * 14 * mlp));
  EXPECT_EQ(total - 16 * 14 * mlp, 12'110'311'296u);
}

TEST(Jamba, LayerPatternAndNames) {
  auto arch = Build(LoadModelConfig("jamba-1.5-mini"));
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(t[t.Find("model.layers.4")].class_name, "JambaAttentionDecoderLayer");
  EXPECT_EQ(t[t.Find("model.layers.4.self_attn")].class_name, "JambaSdpaAttention");
  EXPECT_EQ(t[t.Find("model.layers.3")].class_name, "JambaMambaDecoderLayer");
  EXPECT_EQ(t[t.Find("model.layers.3.mamba")].class_name, "JambaMambaMixer");
  EXPECT_EQ(t[t.Find("model.layers.3.mamba.dt_layernorm")].extra_repr, "(256,), eps=1e-06");
  EXPECT_EQ(t[t.Find("model.layers.3.feed_forward")].class_name, "JambaSparseMoeBlock");
  EXPECT_NE(t.Find("model.layers.3.feed_forward.router"), kNoModule);
  EXPECT_EQ(t[t.Find("model.layers.3.feed_forward.experts.15")].class_name, "JambaMLP");
  EXPECT_EQ(t[t.Find("model.layers.4.feed_forward")].class_name, "JambaMLP");
  EXPECT_EQ(t[t.Find("model.embed_tokens")].extra_repr, "65536, 4096, padding_idx=0");
  EXPECT_NE(t.Find("model.final_layernorm"), kNoModule);
  EXPECT_EQ(t.Find("model.rotary_emb"), kNoModule);  // no position embedding
}

TEST(Jamba, HybridCache) {
  // Per sequence, bfloat16: 4 attention layers x 2 x 8 KV heads x 128 per token, plus 28 Mamba
  // layers x 8192 x (kernel 4 + state 16) whatever the context.
  auto arch = Build(LoadModelConfig("jamba-1.5-mini"));
  Count fixed(28ull * 8192 * 20 * 2);
  Count per_token(4ull * 2 * 8 * 128 * 2);
  EXPECT_EQ(KvCacheBytes(arch->KvCache(), 1000, 1, 2), fixed + 1000 * per_token);
  EXPECT_EQ(KvCacheBytes(arch->KvCache(), 2000, 1, 2), fixed + 2000 * per_token);
}

TEST(Jamba, BadConfigs) {
  Config c = LoadModelConfig("jamba-1.5-mini");
  EXPECT_THROW(Build(c.With("attn_layer_offset", 8)), Error);  // must be below the period
  EXPECT_THROW(Build(c.With("expert_layer_offset", 2)), Error);
  EXPECT_THROW(Build(c.With("num_experts_per_tok", 17)), Error);
  EXPECT_THROW(Build(c.With("num_attention_heads", 33)), Error);
  EXPECT_THROW(Build(c.With("mamba_dt_rank", "big")), Error);
  EXPECT_THROW(Build(c, "JambaForSequenceClassification"), Error);
  // mamba_dt_rank "auto" = ceil(4096 / 16) = 256: the same model.
  EXPECT_EQ(Build(c.With("mamba_dt_rank", "auto"))->tree().SubtreeParams()[0],
            Build(c)->tree().SubtreeParams()[0]);
}

}  // namespace
}  // namespace calflops
