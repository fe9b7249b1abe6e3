#include <nlohmann/json.hpp>

#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Cohere, ParameterCountFromTheArithmetic) {
  // Aya-23-8B: q and o 4096 x 4096, k and v 4096 x 1024; MLP 3 x 4096 x 14336; one
  // CohereLayerNorm weight per layer; the head tied to the 256000-row embedding; the final norm.
  // Aya Expanse 8B, the same shapes, is listed at 8,028,033,024.
  uint64_t layer = 2 * 4096ull * 4096 + 2 * 4096ull * 1024 + 3 * 4096ull * 14336 + 4096;
  uint64_t total = 256000ull * 4096 + 32 * layer + 4096;
  EXPECT_EQ(total, 8'028'033'024u);
  EXPECT_EQ(ZooParams("aya-23-8b"), total);
}

TEST(Cohere, ParallelBlockAndLogitScale) {
  auto arch = ZooArch("aya-23-8b", AttnImpl::kSdpa);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "model.layers.0"), "self_attn,mlp,input_layernorm");
  EXPECT_EQ(Describe(t, "model.layers.0.input_layernorm"), "CohereLayerNorm | ");
  // 6 tokens: the layer adds attention and MLP outputs to the residual (2 x 6 x 4096); the
  // CohereLayerNorm is 7 x 4096 + 2 per token; a forward sends all 6 positions through the head
  // and logits * 0.0625 adds 6 x 256000 FLOPs at the root.
  Profile p = ZooForward("aya-23-8b", 6);
  EXPECT_EQ(StatsAt(p, "model.layers.0.input_layernorm").flops, Count(6 * (7 * 4096 + 2)));
  EXPECT_EQ(StatsAt(p, "model.layers.0").flops,
            StatsAt(p, "model.layers.0.self_attn").flops + StatsAt(p, "model.layers.0.mlp").flops +
                StatsAt(p, "model.layers.0.input_layernorm").flops + Count(2 * 6 * 4096));
  EXPECT_EQ(p.total().flops,
            StatsAt(p, "model").flops + StatsAt(p, "lm_head").flops + Count(6 * 256000));
}

TEST(Cohere, QkNormIsRefused) {
  Config c = LoadModelConfig("aya-23-8b").With("use_qk_norm", true);
  EXPECT_THROW(BuildArchitecture(c, {}), Error);
}

}  // namespace
}  // namespace calflops::testing
