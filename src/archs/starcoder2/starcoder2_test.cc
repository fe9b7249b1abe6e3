#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Starcoder2, ParameterCountFromTheArithmetic) {
  // StarCoder2-7B: head_dim 4608 / 36 = 128, 4 kv heads (512 wide); every projection biased:
  // q and o 4608 x 4608 + 4608, k and v 4608 x 512 + 512; MLP c_fc 4608 x 18432 + 18432 and
  // c_proj 18432 x 4608 + 4608; two LayerNorms of weight + bias; the head tied to the
  // 49152-row embedding; the final LayerNorm.
  uint64_t attn = 2 * (4608ull * 4608 + 4608) + 2 * (4608ull * 512 + 512);
  uint64_t mlp = (4608ull * 18432 + 18432) + (18432ull * 4608 + 4608);
  uint64_t layer = attn + mlp + 2 * 2 * 4608;
  uint64_t total = 49152ull * 4608 + 32 * layer + 2 * 4608;
  EXPECT_EQ(total, 7'173'923'840u);
  EXPECT_EQ(ZooParams("starcoder2-7b"), total);
}

TEST(Starcoder2, LayoutOfV445) {
  auto arch = ZooArch("starcoder2-7b", AttnImpl::kSdpa);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "model"), "embed_tokens,layers,norm,rotary_emb");
  EXPECT_EQ(Describe(t, "model.layers.0.self_attn"), "Starcoder2SdpaAttention | ");
  EXPECT_EQ(Children(t, "model.layers.0.self_attn"), "q_proj,k_proj,v_proj,o_proj,rotary_emb");
  EXPECT_EQ(Children(t, "model.layers.0.mlp"), "c_fc,c_proj,act");
  EXPECT_EQ(Describe(t, "model.layers.0.input_layernorm"),
            "LayerNorm | (4608,), eps=1e-05, elementwise_affine=True");
}

TEST(Starcoder2, PlainMlpAndLayerNorm) {
  // 5 tokens: c_fc and c_proj are 2 x 4608 x 18432 MACs per token; LayerNorm with weight and bias
  // is 7 x 4608 + 2 FLOPs per token.
  Profile p = ZooForward("starcoder2-7b", 5);
  EXPECT_EQ(StatsAt(p, "model.layers.0.mlp").macs, Count(5ull * 2 * 4608 * 18432));
  EXPECT_EQ(StatsAt(p, "model.layers.0.input_layernorm").flops, Count(5 * (7 * 4608 + 2)));
}

}  // namespace
}  // namespace calflops::testing
