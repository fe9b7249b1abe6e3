#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Gemma, PublishedParameterCount) {
  // gemma-7b: head_dim 256 (16 heads -> 4096 wide attention on a 3072 model); MLP
  // 3 x 3072 x 24576; tied 256000 x 3072 embedding counted once. The paper's 8,538,074,112
  // counts a 256,128-row embedding; the checkpoint has 256,000 rows.
  uint64_t layer = 3 * 3072ull * 4096 + 4096ull * 3072 + 3 * 3072ull * 24576 + 2 * 3072;
  uint64_t total = 256000ull * 3072 + 28 * layer + 3072;
  EXPECT_EQ(total, 8'537'680'896u);
  EXPECT_EQ(ZooParams("gemma-7b"), total);
  EXPECT_EQ(8'538'074'112u - total, 128u * 3072);
}

TEST(Gemma, ModulesAndActivation) {
  auto arch = ZooArch("gemma-7b");
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Describe(t, "model.embed_tokens"), "Embedding | 256000, 3072, padding_idx=0");
  // hidden_act "gelu" is ignored by v4.45: without hidden_activation, gelu_pytorch_tanh.
  EXPECT_EQ(Describe(t, "model.layers.0.mlp.act_fn"), "PytorchGELUTanh | ");
  EXPECT_EQ(Describe(t, "model.layers.0.input_layernorm"), "GemmaRMSNorm | (3072,), eps=1e-06");
  EXPECT_EQ(Children(t, "model.layers.0.self_attn"), "q_proj,k_proj,v_proj,o_proj,rotary_emb");
}

TEST(Gemma, EmbeddingScaleAndOnePlusWeightNorm) {
  Profile p = ZooForward("gemma-7b", 6);
  // The model's own work: hidden_states * sqrt(3072) on 6 x 3072 elements.
  Count children = 0;
  for (const char* c : {"model.embed_tokens", "model.layers", "model.norm"})
    children += StatsAt(p, c).flops;
  EXPECT_EQ(StatsAt(p, "model").flops - children, Count(6 * 3072));
  // GemmaRMSNorm: (4n + 2) per row, plus 1 + weight once per call (n adds).
  EXPECT_EQ(StatsAt(p, "model.layers.0.input_layernorm").flops, Count(6 * (4 * 3072 + 2) + 3072));
}

}  // namespace
}  // namespace calflops::testing
