// model_type "qwen2_vl": Qwen2VLForConditionalGeneration as transformers v4.45 builds it
// (modeling_qwen2_vl.py): visual (Qwen2VisionTransformerPretrainedModel, qwen2_vl_vision.h),
// model (Qwen2VLModel: a Qwen2 decoder with M-RoPE, qwen2_vl_arch.h) and lm_head. The decoder's
// hyper-parameters sit at the top level of config.json, the tower's in vision_config; a
// `text_config` object (what transformers 4.5x writes when it re-saves the config; 4.45 does
// not read it) is read instead when present, so that re-saved configs describe the same model.
#include "archs/arch_registry.h"
#include "archs/qwen2_vl/qwen2_vl_arch.h"

namespace calflops {
namespace qwen2_vl {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  Qwen2VlParams p;
  p.text = ReadQwen2VlText(c, Qwen2VlTextDefaults("Qwen2VL"));  // Qwen2VLConfig defaults
  p.vision = Qwen2VisionParams::FromQwen2Vl(c.Sub("vision_config"));
  return MakeQwen2VlArch(p, cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"Qwen2VLForConditionalGeneration"};

}  // namespace
}  // namespace qwen2_vl

const ArchEntry& Qwen2VlArch() {
  static const ArchEntry e{"qwen2_vl",
                           "Qwen2-VL: Qwen2 ViT (2D RoPE, 2x2 patch merger) + Qwen2 with M-RoPE",
                           qwen2_vl::kClasses, qwen2_vl::Make};
  return e;
}

}  // namespace calflops
