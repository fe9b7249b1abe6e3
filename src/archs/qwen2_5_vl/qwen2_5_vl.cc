// model_type "qwen2_5_vl": Qwen2_5_VLForConditionalGeneration, newer than transformers v4.45
// (added in v4.49). Mirrors upstream modeling_qwen2_5_vl.py at commit 00b676f8 (the 4.5x line
// after the model was split into `model` = Qwen2_5_VLModel {visual, language_model} and
// lm_head): the Qwen2-VL architecture (qwen2_vl_arch.h) with the Qwen2.5-VL vision blocks
// (Qwen2RMSNorm, biased SwiGLU `mlp`, windowed attention outside fullatt_block_indexes, every
// attention one unmasked call per cu_seqlens chunk: qwen2_vl_vision.h) and one
// Qwen2_5_VLAttention class for every attn_implementation in the decoder (eager scores
// `* scaling`). config.json keeps the decoder's keys at the top level (a `text_config` object,
// as newer saves write it, is read instead when present).
#include "archs/arch_registry.h"
#include "archs/qwen2_vl/qwen2_vl_arch.h"
#include "model/error.h"

namespace calflops {
namespace qwen2_5_vl {
namespace {

Qwen2VisionParams ReadVision(const Config& vc) {
  // Qwen2_5_VLVisionConfig defaults.
  Qwen2VisionParams p;
  p.v2_5 = true;
  p.depth = vc.Int("depth", 32, 0, kMaxLayers);
  p.embed = vc.Int("hidden_size", 3584, 1, kMaxConfigDim);
  p.out_hidden = vc.Int("out_hidden_size", 3584, 1, kMaxConfigDim);
  p.heads = vc.Int("num_heads", 16, 1, kMaxConfigDim);
  if (p.embed % p.heads != 0 || (p.embed / p.heads) % 4 != 0) {
    throw BadInput(vc.Where("num_heads"), "is " + std::to_string(p.heads) +
                                              ": hidden_size / num_heads must be a multiple of 4");
  }
  p.mlp_hidden = vc.Int("intermediate_size", 3420, 1, kMaxConfigDim);
  p.act = vc.String("hidden_act", "silu");
  p.act_where = vc.Where("hidden_act");
  p.ReadPatchKeys(vc);
  p.window = vc.Int("window_size", 112, 1, 1 << 20);
  if (p.window / p.merge / p.patch < 1) {  // get_window_index would divide by zero
    throw BadInput(vc.Where("window_size"),
                   "is " + std::to_string(p.window) + ": below one merged token (patch_size x " +
                       "spatial_merge_size = " + std::to_string(p.patch * p.merge) + " pixels)");
  }
  p.full_blocks = vc.IsSet("fullatt_block_indexes") ? vc.Ints("fullatt_block_indexes")
                                                    : std::vector<int64_t>{7, 15, 23, 31};
  return p;
}

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d = Qwen2VlTextDefaults("Qwen2_5_VL");  // Qwen2_5_VLTextConfig defaults
  d.model_cls = "Qwen2_5_VLTextModel";
  d.attn_class_per_impl = false;  // one Qwen2_5_VLAttention class
  d.scale_scores_by_mul = true;   // eager_attention_forward: * scaling
  Qwen2VlParams p;
  p.family = "qwen2_5_vl";
  p.nested = true;
  p.root_model_cls = "Qwen2_5_VLModel";
  p.text = ReadQwen2VlText(c, d);
  p.vision = ReadVision(c.Sub("vision_config"));
  return MakeQwen2VlArch(p, cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"Qwen2_5_VLForConditionalGeneration"};

}  // namespace
}  // namespace qwen2_5_vl

const ArchEntry& Qwen25VlArch() {
  static const ArchEntry e{
      "qwen2_5_vl",
      "Qwen2.5-VL: windowed Qwen2 ViT (RMSNorm, SwiGLU) + Qwen2 with M-RoPE (transformers 4.5x)",
      qwen2_5_vl::kClasses, qwen2_5_vl::Make};
  return e;
}

}  // namespace calflops
