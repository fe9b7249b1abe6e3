#include <nlohmann/json.hpp>

#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(Falcon, ParameterCountFromTheArithmetic) {
  // Falcon-7B(-instruct): multi-query query_key_value 4544 x (4544 + 2 x 64); dense 4544 x 4544;
  // MLP 2 x 4544 x 18176 (4 x hidden); one input_layernorm (weight + bias); no biases; ln_f; the
  // head tied to the 65024-row embedding. Model card: 7B.
  uint64_t layer = 4544ull * (4544 + 128) + 4544ull * 4544 + 2 * 4544ull * 18176 + 2 * 4544;
  uint64_t total = 65024ull * 4544 + 32 * layer + 2 * 4544;
  EXPECT_EQ(total, 6'921'720'704u);
  EXPECT_EQ(ZooParams("falcon-7b-instruct"), total);
}

TEST(Falcon, ModuleTree) {
  auto arch = ZooArch("falcon-7b-instruct", AttnImpl::kEager);
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, ""), "transformer,lm_head");
  EXPECT_EQ(Children(t, "transformer"), "word_embeddings,h,ln_f,rotary_emb");
  EXPECT_EQ(Children(t, "transformer.h.0"), "self_attention,mlp,input_layernorm");
  EXPECT_EQ(Children(t, "transformer.h.0.self_attention"),
            "query_key_value,dense,attention_dropout,rotary_emb");
  EXPECT_EQ(Describe(t, "transformer.h.0.self_attention.query_key_value"),
            "FalconLinear | in_features=4544, out_features=4672, bias=False");
  EXPECT_EQ(Children(t, "transformer.h.0.mlp"), "dense_h_to_4h,act,dense_4h_to_h");
}

TEST(Falcon, NewDecoderArchitectureLayout) {
  // Falcon-40B's shape on a small scale: 8 K/V groups of 16 query heads; qkv out = (2 x 8 + 128)
  // x 64; ln_attn and ln_mlp.
  Config c = LoadModelConfig("falcon-7b-instruct")
                 .With("hidden_size", 8192)
                 .With("num_attention_heads", 128)
                 .With("num_kv_heads", 8)
                 .With("new_decoder_architecture", true)
                 .With("num_hidden_layers", 1);
  auto arch = BuildArchitecture(c, {});
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, "transformer.h.0"), "self_attention,mlp,ln_attn,ln_mlp");
  EXPECT_EQ(Describe(t, "transformer.h.0.self_attention.query_key_value"),
            "FalconLinear | in_features=8192, out_features=9216, bias=False");
}

TEST(Falcon, AlibiAndImpossibleLayoutsAreRefused) {
  Config c = LoadModelConfig("falcon-7b-instruct");
  EXPECT_THROW(BuildArchitecture(c.With("alibi", true), {}), Error);
  EXPECT_THROW(BuildArchitecture(
                   c.With("new_decoder_architecture", true).With("parallel_attn", false), {}),
               Error);
  EXPECT_THROW(BuildArchitecture(c.With("num_ln_in_parallel_attn", 2), {}), Error);
  EXPECT_THROW(BuildArchitecture(c.With("num_attention_heads", 7), {}), Error);
}

}  // namespace
}  // namespace calflops::testing
