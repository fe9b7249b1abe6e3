// model_type "gemma": GemmaForCausalLM and GemmaModel (transformers v4.45 modeling_gemma.py).
// Llama with GemmaRMSNorm ((1 + weight), float32), embeddings scaled by sqrt(hidden_size),
// head_dim from the config, a per-attention rotary_emb, eager scores "* scaling", tied
// embeddings by default, and the activation from hidden_activation (gelu_pytorch_tanh when
// unset: 4.45 ignores hidden_act).
#include "archs/arch_registry.h"
#include "archs/gemma/gemma_defaults.h"
#include "archs/llama/decoder_arch.h"

namespace calflops {

namespace gemma {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d = GemmaDefaults("Gemma");  // GemmaConfig defaults
  d.hidden = 3072;
  d.intermediate = 24576;
  d.n_layers = 28;
  d.n_heads = 16;
  return MakeDecoder(GemmaParams(c, d), cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"GemmaForCausalLM", "GemmaModel"};

}  // namespace
}  // namespace gemma

const ArchEntry& GemmaArch() {
  static const ArchEntry e{"gemma", "Gemma decoder (GeGLU, (1+w) RMSNorm, scaled embeddings)",
                           gemma::kClasses, gemma::Make};
  return e;
}

}  // namespace calflops
