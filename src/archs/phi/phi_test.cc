#include <nlohmann/json.hpp>

#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Phi, ParameterCountFromTheArithmetic) {
  // phi-2: q, k, v, dense 2560 x 2560 + bias each; fc1 2560 x 10240 + 10240, fc2 10240 x 2560 +
  // 2560; input_layernorm weight + bias; final_layernorm; an untied 51200-row embedding and a
  // biased lm_head. The Hub's model.safetensors.index.json: total_size 5,559,367,680 bytes of
  // float16 = 2,779,683,840 parameters.
  uint64_t layer = 4 * (2560ull * 2560 + 2560) + (2560ull * 10240 + 10240) +
                   (10240ull * 2560 + 2560) + 2 * 2560;
  uint64_t total = 51200ull * 2560 + 32 * layer + 2 * 2560 + (51200ull * 2560 + 51200);
  EXPECT_EQ(total, 5'559'367'680u / 2);
  EXPECT_EQ(ZooParams("phi-2"), total);
}

TEST(Phi, ModuleTree) {
  auto arch = ZooArch("phi-2", AttnImpl::kSdpa);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "model"), "embed_tokens,embed_dropout,layers,final_layernorm,rotary_emb");
  EXPECT_EQ(Children(t, "model.layers.0"), "self_attn,mlp,input_layernorm,resid_dropout");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn"), "PhiSdpaAttention | ");
  EXPECT_EQ(Children(t, "model.layers.0.self_attn"), "q_proj,k_proj,v_proj,dense,rotary_emb");
  EXPECT_EQ(Children(t, "model.layers.0.mlp"), "activation_fn,fc1,fc2");
  EXPECT_EQ(Describe(t, "lm_head"), "Linear | in_features=2560, out_features=51200, bias=True");
}

TEST(Phi, PartialRotaryTables) {
  // int(80 x 0.4) = 32 rotary dims: the model-level tables for 7 positions are inv_freq (16) @
  // positions (7): 16 x 7 MACs; cos and sin of 7 x 32; both * attention_scaling.
  Profile p = ZooForward("phi-2", 7);
  EXPECT_EQ(StatsAt(p, "model.rotary_emb").macs, Count(16 * 7));
  EXPECT_EQ(StatsAt(p, "model.rotary_emb").flops, Count(2 * 16 * 7 + 4 * 7 * 32));
}

TEST(Phi, QkLayernormIsRefused) {
  Config c = LoadModelConfig("phi-2");
  EXPECT_THROW(BuildArchitecture(c.With("qk_layernorm", true), {}), Error);
  EXPECT_THROW(BuildArchitecture(c.With("partial_rotary_factor", 0.0), {}), Error);
}

}  // namespace
}  // namespace calflops::testing
