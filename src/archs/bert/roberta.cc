// model_type "roberta": RobertaModel, RobertaForMaskedLM, RobertaForSequenceClassification
// (transformers v4.45 modeling_roberta.py): BERT's blocks with positions counted from
// padding_idx + 1.
#include "archs/arch_registry.h"
#include "archs/bert/bert_blocks.h"

namespace calflops {
namespace roberta {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  return MakeBertFamily(c, cls, o, /*roberta=*/true);
}

constexpr std::string_view kClasses[] = {"RobertaModel", "RobertaForMaskedLM",
                                         "RobertaForSequenceClassification"};

}  // namespace
}  // namespace roberta

const ArchEntry& RobertaArch() {
  static const ArchEntry e{"roberta", "RoBERTa encoder (BERT with padding-offset positions)",
                           roberta::kClasses, roberta::Make};
  return e;
}

}  // namespace calflops
