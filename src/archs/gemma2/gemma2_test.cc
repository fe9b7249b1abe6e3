#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Gemma2, PublishedParameterCount) {
  // gemma-2-9b: 16 heads x 256 = 4096 wide q, 8 KV heads (2048); MLP 3 x 3584 x 14336; four
  // norms per layer; tied 256000 x 3584 embedding.
  uint64_t layer =
      3584ull * 4096 + 2 * 3584ull * 2048 + 4096ull * 3584 + 3 * 3584ull * 14336 + 4 * 3584;
  uint64_t total = 256000ull * 3584 + 42 * layer + 3584;
  EXPECT_EQ(total, 9'241'705'984u);
  EXPECT_EQ(ZooParams("gemma-2-9b"), total);
}

TEST(Gemma2, SandwichNormsInRegistrationOrder) {
  auto arch = ZooArch("gemma-2-9b");
  EXPECT_EQ(Children(arch->tree(), "model.layers.0"),
            "self_attn,mlp,input_layernorm,pre_feedforward_layernorm,post_feedforward_layernorm,"
            "post_attention_layernorm");
}

TEST(Gemma2, SoftCapping) {
  int64_t s = 5;
  Profile eager = ZooForward("gemma-2-9b", s, 1, AttnImpl::kEager);
  Profile sdpa = ZooForward("gemma-2-9b", s, 1, AttnImpl::kSdpa);
  // Final logits: / 30, tanh, * 30 on 5 x 256000 logits, charged to the root.
  EXPECT_EQ(eager.total().flops - StatsAt(eager, "model").flops - StatsAt(eager, "lm_head").flops,
            Count(3 * 5 * 256000));
  // Eager attention caps every score (/ 50, tanh, * 50: 3 FLOPs on 16 heads x 5 x 5 scores);
  // v4.45's SDPA path skips the cap. Everything else is the same arithmetic.
  EXPECT_EQ(StatsAt(eager, "model.layers.0.self_attn").flops -
                StatsAt(sdpa, "model.layers.0.self_attn").flops,
            Count(3 * 16 * 5 * 5));
}

}  // namespace
}  // namespace calflops::testing
