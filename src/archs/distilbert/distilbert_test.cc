// DistilBERT: published parameter counts with the arithmetic written out, module-by-module
// agreement with the brute-force reference, names, and the attention implementations of 4.45.
#include <gtest/gtest.h>

#include "build_architecture.h"

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "load/model_source.h"
#include "reference/compare.h"
#include "reference/tiny_distilbert.h"

namespace calflops {
namespace {

uint64_t Params(const Architecture& a) {
  return static_cast<uint64_t>(a.tree().SubtreeParams()[0].value());
}

TEST(DistilBert, PublishedParameterCounts) {
  Config c = LoadModelConfig("distilbert-base-uncased");
  // Embeddings: word 30522 x 768, position 512 x 768, LayerNorm 2 x 768. Per layer: q, k, v,
  // out (768^2 + 768 each), lin1 768 x 3072 + 3072, lin2 3072 x 768 + 768, two LayerNorms.
  uint64_t emb = 30522ull * 768 + 512 * 768 + 2 * 768;
  uint64_t layer =
      4 * (768ull * 768 + 768) + (768ull * 3072 + 3072) + (3072ull * 768 + 768) + 2 * 2 * 768;
  uint64_t model = emb + 6 * layer;
  EXPECT_EQ(model, 66'362'880u);  // the published DistilBertModel figure (66M)
  EXPECT_EQ(Params(*Build(c, "DistilBertModel")), model);
  // DistilBertForMaskedLM: vocab_transform, vocab_layer_norm, the projector's own bias (its
  // weight is the word embedding): 66,985,530.
  uint64_t mlm = model + (768ull * 768 + 768) + 2 * 768 + 30522;
  EXPECT_EQ(mlm, 66'985'530u);
  EXPECT_EQ(Params(*Build(c, "DistilBertForMaskedLM")), mlm);
  // DistilBertForSequenceClassification: pre_classifier 768^2 + 768, classifier 768 x 2 + 2.
  EXPECT_EQ(Params(*Build(c, "DistilBertForSequenceClassification")),
            model + 768ull * 768 + 768 + 768 * 2 + 2);
}

TEST(DistilBert, MacsWrittenOut) {
  auto arch = Build(LoadModelConfig("distilbert-base-uncased"), "DistilBertModel");
  Workload w;  // batch 1, 128 tokens
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  uint64_t linear = 128ull * (4 * 768 * 768 + 2 * 768 * 3072);
  uint64_t attention = 2ull * 12 * 128 * 128 * 64;
  EXPECT_EQ(p.total().macs, Count(6 * (linear + attention)));
  // calflops sees both torch.matmul calls of the eager attention (the 4.45 default here).
  Profile cf = Analyze(*arch, w, Convention::kCalflops);
  EXPECT_EQ(cf.total().macs, Count(6 * (linear + attention)));
}

struct Case {
  const char* cls;
  AttnImpl impl;
};

class ReferenceDistilBert : public ::testing::TestWithParam<Case> {};

TEST_P(ReferenceDistilBert, ForwardMatchesModuleByModule) {
  reference::TinyDistilBertConfig c;
  c.cls = GetParam().cls;
  BuildOptions o;
  o.attn = GetParam().impl;
  auto arch = BuildArchitecture(Config::Parse(c.ToJson(), "tiny.json"), o);
  Workload w;
  w.batch = 2;
  w.seq_len = 5;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  reference::Counter::Get().Reset();
  reference::TinyDistilBert model(c);
  model.Forward(2, 5, GetParam().impl == AttnImpl::kFlashAttention2);
  reference::ExpectModulesMatch(p);
  EXPECT_GT(p.total().flops, Count(0));
}

INSTANTIATE_TEST_SUITE_P(Classes, ReferenceDistilBert,
                         ::testing::Values(Case{"DistilBertModel", AttnImpl::kSdpa},
                                           Case{"DistilBertModel", AttnImpl::kFlashAttention2},
                                           Case{"DistilBertForMaskedLM", AttnImpl::kEager},
                                           Case{"DistilBertForSequenceClassification",
                                                AttnImpl::kSdpa}),
                         [](const ::testing::TestParamInfo<Case>& i) {
                           return std::string(i.param.cls) +
                                  (i.param.impl == AttnImpl::kFlashAttention2 ? "_flash"
                                                                              : "_eager");
                         });

TEST(DistilBert, NamesAndErrors) {
  Config c = LoadModelConfig("distilbert-base-uncased");
  auto arch = Build(c, "DistilBertForMaskedLM");
  const ModuleTree& t = arch->tree();
  // No SDPA class in 4.45: the default resolves to eager.
  EXPECT_EQ(t[t.Find("distilbert.transformer.layer.5.attention")].class_name,
            "MultiHeadSelfAttention");
  EXPECT_EQ(t[t.Find("distilbert.transformer.layer.0.ffn.activation")].class_name,
            "GELUActivation");
  EXPECT_EQ(t[t.Find("vocab_projector")].extra_repr,
            "in_features=768, out_features=30522, bias=True");
  EXPECT_EQ(t[t.Find("distilbert.embeddings.LayerNorm")].extra_repr,
            "(768,), eps=1e-12, elementwise_affine=True");
  auto flash = Build(c, "DistilBertModel", AttnImpl::kFlashAttention2);
  EXPECT_EQ(flash->tree()[flash->tree().Find("transformer.layer.0.attention")].class_name,
            "DistilBertFlashAttention2");
  Workload w;
  w.seq_len = 513;
  EXPECT_THROW(Analyze(*arch, w, Convention::kAnalytic), Error);
  EXPECT_THROW(Build(c.With("n_heads", 7), "DistilBertModel"), Error);
  EXPECT_THROW(Build(c.With("activation", "nope"), "DistilBertModel"), Error);
  EXPECT_THROW(Build(c, "DistilBertForQuestionAnswering"), Error);
}

}  // namespace
}  // namespace calflops
