#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(GraniteMoe, ParameterCountFromTheArithmetic) {
  // Granite-3.1-1B-A400M: q and o 1024 x 1024, k and v 1024 x 512 (8 kv heads of 64); 32
  // experts, input_linear 32 x 1024 x 1024 (gate and up, 2 x 512), output_linear 32 x 1024 x
  // 512, router 32 x 1024; two norms; the head is tied to the 49155-row embedding. A public
  // test loading the checkpoint asserts sum(p.numel()) == 1,334,628,352 (zoo/README.md).
  uint64_t attn = 2 * 1024ull * 1024 + 2 * 1024ull * 512;
  uint64_t moe = 32 * 1024ull * 1024 + 32 * 1024ull * 512 + 32 * 1024;
  uint64_t total = 49155ull * 1024 + 24 * (attn + moe + 2 * 1024) + 1024;
  EXPECT_EQ(total, 1'334'628'352u);
  EXPECT_EQ(ZooParams("granite-3.1-1b-a400m-instruct"), total);
}

TEST(GraniteMoe, ActiveParametersTakeEightOfThe32ExpertSlices) {
  // Per token: everything but 24 of the 32 slices of both fused expert weights ("A400M").
  uint64_t unused = 24ull * 24 * (1024 * 1024 + 1024 * 512);
  EXPECT_EQ(ZooActiveParams("granite-3.1-1b-a400m-instruct"), 1'334'628'352u - unused);
  EXPECT_EQ(ZooActiveParams("granite-3.1-1b-a400m-instruct"), 428'658'688u);
}

TEST(GraniteMoe, ExpertsRunOnTheirTokensOnly) {
  // 7 tokens, top-8 of 32: 56 token-expert rows through input_linear (1024 -> 1024) and
  // output_linear (512 -> 1024); the router scores all 32 experts for each token.
  Profile p = ZooForward("granite-3.1-1b-a400m-instruct", 7);
  EXPECT_EQ(StatsAt(p, "model.layers.0.block_sparse_moe.router.layer").macs,
            Count(7ull * 1024 * 32));
  EXPECT_EQ(StatsAt(p, "model.layers.0.block_sparse_moe.input_linear").macs,
            Count(56ull * 1024 * 1024));
  EXPECT_EQ(StatsAt(p, "model.layers.0.block_sparse_moe.output_linear").macs,
            Count(56ull * 512 * 1024));
  // SiLU on the 56 x 512 gate half, charged to the activation module.
  EXPECT_EQ(StatsAt(p, "model.layers.0.block_sparse_moe.activation").flops, Count(4ull * 56 * 512));
  EXPECT_EQ(StatsAt(p, "lm_head").macs, Count(7ull * 1024 * 49155));
}

TEST(GraniteMoe, LayoutOfV445) {
  auto arch = ZooArch("granite-3.1-1b-a400m-instruct", AttnImpl::kSdpa);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "model"), "embed_tokens,layers,norm,rotary_emb");
  EXPECT_EQ(Children(t, "model.layers.0"),
            "self_attn,block_sparse_moe,input_layernorm,post_attention_layernorm");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn"), "GraniteMoeSdpaAttention | ");
  EXPECT_EQ(Describe(t, "model.layers.0.block_sparse_moe"), "GraniteMoeMoE | ");
  EXPECT_EQ(Children(t, "model.layers.0.block_sparse_moe"),
            "activation,input_linear,output_linear,router");
  EXPECT_EQ(Describe(t, "model.layers.0.block_sparse_moe.input_linear"),
            "GraniteMoeParallelExperts | ");
  EXPECT_EQ(Describe(t, "model.layers.0.block_sparse_moe.router"), "GraniteMoeTopKGating | ");
  EXPECT_EQ(Children(t, "model.layers.0.block_sparse_moe.router"), "layer");
}

}  // namespace
}  // namespace calflops::testing
