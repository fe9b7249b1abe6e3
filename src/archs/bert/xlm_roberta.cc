// model_type "xlm-roberta": XLMRobertaModel, XLMRobertaForMaskedLM and
// XLMRobertaForSequenceClassification (transformers v4.45 modeling_xlm_roberta.py, a copy of
// RoBERTa under XLMRoberta* class names; the base model is still the `roberta` attribute).
#include "archs/arch_registry.h"
#include "archs/bert/bert_blocks.h"

namespace calflops {
namespace xlm_roberta {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  return MakeBertFamily(c, cls, o, /*roberta=*/true, "XLMRoberta");
}

constexpr std::string_view kClasses[] = {"XLMRobertaModel", "XLMRobertaForMaskedLM",
                                         "XLMRobertaForSequenceClassification"};

}  // namespace
}  // namespace xlm_roberta

const ArchEntry& XlmRobertaArch() {
  static const ArchEntry e{"xlm-roberta", "XLM-RoBERTa encoder (RoBERTa with a 250k vocabulary)",
                           xlm_roberta::kClasses, xlm_roberta::Make};
  return e;
}

}  // namespace calflops
