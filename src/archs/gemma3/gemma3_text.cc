// model_type "gemma3_text": Gemma3ForCausalLM and Gemma3TextModel, as transformers v4.57
// (modeling_gemma3.py, commit f14d0cbc) builds them; the family is newer than v4.45. Gemma 2's
// sandwich norms plus: q_norm / k_norm (Gemma3RMSNorm over head_dim) before RoPE; one
// Gemma3Attention class; the sqrt(hidden) scale inside Gemma3TextScaledWordEmbedding; two
// model-level rotary tables per call (rotary_emb, rotary_emb_local), global layers using the
// first; sliding layers (layer_types, or every sliding_window_pattern-th layer global) on a
// DynamicSlidingWindowLayer cache of window - 1 tokens. Attention soft-capping is never applied
// in 4.57 (the attention does not pass it); the final logit soft-cap is.
#include "archs/arch_registry.h"
#include "archs/gemma3/gemma3_text_params.h"
#include "archs/llama/decoder_arch.h"

namespace calflops {
namespace gemma3_text {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  Gemma3TextParams g = ReadGemma3Text(c);
  return MakeDecoder(g.decoder, cls, o, ConfigDType(c), Gemma3Hooks(g, o.attn, ConfigDType(c)));
}

constexpr std::string_view kClasses[] = {"Gemma3ForCausalLM", "Gemma3TextModel"};

}  // namespace
}  // namespace gemma3_text

const ArchEntry& Gemma3TextArch() {
  static const ArchEntry e{"gemma3_text",
                           "Gemma 3 text decoder (q/k norms, 5:1 sliding/global layers)",
                           gemma3_text::kClasses, gemma3_text::Make};
  return e;
}

}  // namespace calflops
