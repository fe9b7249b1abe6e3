// Analytic counts of BERT, RoBERTa, ViT and SigLIP against tiny models executed on real numbers
// with every scalar operation counted, module by module (tests/reference/).
#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "reference/compare.h"
#include "reference/tiny_encoders.h"
#include "reference/tiny_siglip.h"

namespace calflops {
namespace {

using reference::Counter;
using reference::ExpectModulesMatch;

Profile Analyzed(const std::string& json, AttnImpl impl, const Workload& w) {
  BuildOptions o;
  o.attn = impl;
  auto arch = BuildArchitecture(Config::Parse(json, "tiny.json"), o);
  return Analyze(*arch, w, Convention::kAnalytic);
}

struct BertCase {
  bool roberta;
  bool xlm;
  const char* cls;
  AttnImpl impl;
};

class ReferenceBert : public ::testing::TestWithParam<BertCase> {};

TEST_P(ReferenceBert, ForwardMatchesModuleByModule) {
  const BertCase& k = GetParam();
  reference::TinyBertConfig c;
  c.roberta = k.roberta;
  c.xlm = k.xlm;
  c.cls = k.cls;
  Workload w;
  w.batch = 2;
  w.seq_len = 5;
  Profile p = Analyzed(c.ToJson(), k.impl, w);
  Counter::Get().Reset();
  reference::TinyBert model(c);
  model.Forward(2, 5, k.impl == AttnImpl::kEager);
  ExpectModulesMatch(p);
  EXPECT_GT(p.total().flops, Count(0));
}

INSTANTIATE_TEST_SUITE_P(
    Classes, ReferenceBert,
    ::testing::Values(BertCase{false, false, "BertModel", AttnImpl::kSdpa},
                      BertCase{false, false, "BertModel", AttnImpl::kEager},
                      BertCase{false, false, "BertForMaskedLM", AttnImpl::kSdpa},
                      BertCase{false, false, "BertForSequenceClassification", AttnImpl::kEager},
                      BertCase{true, false, "RobertaModel", AttnImpl::kSdpa},
                      BertCase{true, false, "RobertaForMaskedLM", AttnImpl::kEager},
                      BertCase{true, false, "RobertaForSequenceClassification", AttnImpl::kSdpa},
                      BertCase{true, true, "XLMRobertaModel", AttnImpl::kEager},
                      BertCase{true, true, "XLMRobertaForMaskedLM", AttnImpl::kSdpa},
                      BertCase{true, true, "XLMRobertaForSequenceClassification",
                               AttnImpl::kEager}),
    [](const ::testing::TestParamInfo<BertCase>& i) {
      return std::string(i.param.cls) + (i.param.impl == AttnImpl::kEager ? "_eager" : "_sdpa");
    });

TEST(ReferenceVit, ClassifierAndModelMatch) {
  for (const char* cls : {"ViTForImageClassification", "ViTModel"}) {
    for (AttnImpl impl : {AttnImpl::kSdpa, AttnImpl::kEager}) {
      reference::TinyVitConfig c;
      c.cls = cls;
      Workload w;
      w.batch = 2;
      Profile p = Analyzed(c.ToJson(), impl, w);
      Counter::Get().Reset();
      reference::TinyVit model(c);
      model.Forward(2);
      SCOPED_TRACE(cls);
      ExpectModulesMatch(p);
    }
  }
}

TEST(ReferenceSiglip, ModelAndTowersMatch) {
  for (const char* cls : {"SiglipModel", "SiglipVisionModel", "SiglipTextModel"}) {
    for (AttnImpl impl : {AttnImpl::kSdpa, AttnImpl::kEager}) {
      reference::TinySiglipConfig c;
      c.cls = cls;
      Workload w;
      w.batch = 2;
      w.images = 3;  // 6 images against 2 texts
      w.seq_len = 4;
      Profile p = Analyzed(c.ToJson(), impl, w);
      Counter::Get().Reset();
      reference::TinySiglip model(c);
      model.Forward(2, 4, 6);
      SCOPED_TRACE(cls);
      ExpectModulesMatch(p);
    }
  }
}

}  // namespace
}  // namespace calflops
