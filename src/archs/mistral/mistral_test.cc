#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Mistral, PublishedParameterCount) {
  // Mistral-7B-v0.1: per layer q, o 4096^2; k, v 4096 x 1024 (8 KV heads of 128); MLP
  // 3 x 4096 x 14336; two norms. Embedding and head 32000 x 4096 each, final norm.
  uint64_t layer = 2 * 4096ull * 4096 + 2 * 4096ull * 1024 + 3 * 4096ull * 14336 + 2 * 4096;
  uint64_t total = 2 * 32000ull * 4096 + 32 * layer + 4096;
  EXPECT_EQ(total, 7'241'732'096u);
  EXPECT_EQ(ZooParams("mistral-7b"), total);
  EXPECT_EQ(ZooActiveParams("mistral-7b"), total);
}

TEST(Mistral, ModulesAsTransformers445) {
  auto arch = ZooArch("mistral-7b");
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "model"), "embed_tokens,layers,norm");  // no model-level rotary_emb
  EXPECT_EQ(Children(t, "model.layers.0"),
            "self_attn,mlp,input_layernorm,post_attention_layernorm");
  EXPECT_EQ(Children(t, "model.layers.0.self_attn"), "q_proj,k_proj,v_proj,o_proj,rotary_emb");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn"), "MistralSdpaAttention | ");
  EXPECT_EQ(Describe(t, "model.layers.31.self_attn.k_proj"),
            "Linear | in_features=4096, out_features=1024, bias=False");
  EXPECT_EQ(Describe(t, "model.norm"), "MistralRMSNorm | (4096,), eps=1e-05");
  EXPECT_EQ(Describe(ZooArch("mistral-7b", AttnImpl::kEager)->tree(), "model.layers.0.self_attn"),
            "MistralAttention | ");
}

TEST(Mistral, RotaryTablesComputedInEachAttention) {
  // Each attention's rotary_emb runs inv_freq (64) @ positions (S), cos and sin of (S, 128),
  // with no attention_scaling multiply: 2 x 64 x S + 2 x 128 x S FLOPs.
  Profile p = ZooForward("mistral-7b", 10);
  EXPECT_EQ(StatsAt(p, "model.layers.5.self_attn.rotary_emb").flops,
            Count(2 * 64 * 10 + 2 * 128 * 10));
}

TEST(Mistral, SlidingWindowGivesSdpaAMaskFromContext4096) {
  // A decode step attends to one query: SDPA gets no mask below the window, an explicit mask
  // (one add per score: 32 heads x context) from context 4096 on. Same attention otherwise.
  auto attention_flops = [](int64_t prompt) {
    Workload w;
    w.mode = Mode::kGenerate;
    w.prompt_tokens = prompt;
    w.max_new_tokens = 2;
    calflops::Profile p = Analyze(*ZooArch("mistral-7b"), w, Convention::kAnalytic);
    return p.calls[1].flops;
  };
  // Context 4095 -> 4096 adds 32 x 1 score-columns of work (QK, PV, scale, softmax) per layer
  // plus the mask on 32 x 4096 scores.
  Count below = attention_flops(4094);  // decode step at context 4095
  Count at = attention_flops(4095);     // context 4096: masked
  uint64_t per_layer_extra = 32 * (2 * 128 + 2 * 128) /*QK, PV of one more key*/ + 32 /*scale*/ +
                             32 * 5 /*softmax, 5 per extra score*/ + 32 * 4096 /*mask*/;
  EXPECT_EQ(at - below, Count(32 * per_layer_extra));
}

}  // namespace
}  // namespace calflops::testing
