// model_type "gemma": GemmaForCausalLM and GemmaModel (transformers v4.45 modeling_gemma.py).
// Llama with GemmaRMSNorm ((1 + weight), float32), embeddings scaled by sqrt(hidden_size),
// head_dim from the config, a per-attention rotary_emb, eager scores "* scaling", tied
// embeddings by default, and the activation from hidden_activation (gelu_pytorch_tanh when
// unset: 4.45 ignores hidden_act).
#include "archs/arch_registry.h"
#include "archs/gemma/gemma_defaults.h"
#include "archs/llama/decoder_arch.h"

namespace calflops {

LlamaParams GemmaParams(const Config& c, const LlamaParams& defaults) {
  LlamaParams p = LlamaParams::FromConfig(c, defaults);
  p.mlp_bias = false;
  p.hidden_act = c.IsSet("hidden_activation") ? c.String("hidden_activation", "")
                                              : std::string("gelu_pytorch_tanh");
  p.act_where = c.Where("hidden_activation");
  return p;
}

namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d;  // GemmaConfig defaults
  d.prefix = "Gemma";
  d.vocab = 256000;
  d.hidden = 3072;
  d.intermediate = 24576;
  d.n_layers = 28;
  d.n_heads = 16;
  d.head_dim = 256;
  d.tie_word_embeddings = true;
  d.norm = NormStyle::kGemma;
  d.scale_embeddings = true;
  d.rotary = RotaryStyle::kPerAttention;
  d.scale_scores_by_mul = true;
  return MakeDecoder(GemmaParams(c, d), cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"GemmaForCausalLM", "GemmaModel"};

}  // namespace

const ArchEntry& GemmaArch() {
  static const ArchEntry e{"gemma", "Gemma decoder (GeGLU, (1+w) RMSNorm, scaled embeddings)",
                           kClasses, Make};
  return e;
}

}  // namespace calflops
