#include <nlohmann/json.hpp>

#include "zoo_util.h"

namespace calflops::testing {
namespace {

TEST(ModernBert, ParameterCountFromTheArithmetic) {
  // ModernBERT-large-zeroshot-v2.0 (ModernBertForSequenceClassification, 2 labels): a
  // 50368-row embedding and its bias-free LayerNorm; 28 layers of Wqkv 1024 x 3072, Wo
  // 1024 x 1024, Wi 1024 x 5248, Wo 2624 x 1024 and two norm weights (one in layer 0, whose
  // attn_norm is an Identity); final_norm; the head's dense 1024 x 1024 (no bias) and norm; the
  // classifier 1024 x 2 + 2. The backbone alone is ModernBERT-large's (model card: 395M).
  uint64_t layer = 1024ull * 3072 + 1024ull * 1024 + 1024ull * 5248 + 2624ull * 1024 + 2 * 1024;
  uint64_t backbone = 50368ull * 1024 + 1024 + 28 * layer - 1024 + 1024;
  EXPECT_EQ(backbone, 394'781'696u);
  uint64_t total = backbone + 1024ull * 1024 + 1024 + 1024 * 2 + 2;
  EXPECT_EQ(ZooParams("modernbert-large-zeroshot-v2.0"), total);
}

TEST(ModernBert, ModuleTree) {
  auto arch = ZooArch("modernbert-large-zeroshot-v2.0");
  const ModuleTree& t = arch->tree();
  EXPECT_EQ(Children(t, ""), "model,head,drop,classifier");
  EXPECT_EQ(Children(t, "model"), "embeddings,layers,final_norm");
  EXPECT_EQ(Describe(t, "model.layers.0.attn_norm"), "Identity | ");
  EXPECT_EQ(Children(t, "model.layers.1"), "attn_norm,attn,mlp_norm,mlp");
  EXPECT_EQ(Children(t, "model.layers.1.attn"), "Wqkv,rotary_emb,Wo,out_drop");
  EXPECT_EQ(Children(t, "model.layers.1.mlp"), "Wi,act,drop,Wo");
  EXPECT_EQ(Describe(t, "model.layers.1.mlp.Wi"),
            "Linear | in_features=1024, out_features=5248, bias=False");
}

TEST(ModernBert, GenerateAndFlashAreRefused) {
  Config c = LoadModelConfig("modernbert-large-zeroshot-v2.0");
  BuildOptions flash;
  flash.attn = AttnImpl::kFlashAttention2;
  EXPECT_THROW(BuildArchitecture(c, flash), Error);
  Workload w;
  w.mode = Mode::kGenerate;
  w.prompt_tokens = 4;
  w.max_new_tokens = 2;
  EXPECT_THROW(Analyze(*ZooArch("modernbert-large-zeroshot-v2.0"), w, Convention::kAnalytic),
               Error);
  EXPECT_THROW(BuildArchitecture(c.With("classifier_pooling", "max"), {}), Error);
}

}  // namespace
}  // namespace calflops::testing
