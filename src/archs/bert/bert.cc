// model_type "bert": BertModel, BertForMaskedLM, BertForSequenceClassification (transformers
// v4.45 modeling_bert.py), built from bert_blocks.
#include "archs/arch_registry.h"
#include "archs/bert/bert_blocks.h"

namespace calflops {
namespace bert {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  return MakeBertFamily(c, cls, o, /*roberta=*/false);
}

constexpr std::string_view kClasses[] = {"BertModel", "BertForMaskedLM",
                                         "BertForSequenceClassification"};

}  // namespace
}  // namespace bert

const ArchEntry& BertArch() {
  static const ArchEntry e{"bert", "BERT encoder (post-norm, learned positions, token types)",
                           bert::kClasses, bert::Make};
  return e;
}

}  // namespace calflops
