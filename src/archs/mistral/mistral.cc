// model_type "mistral": MistralForCausalLM and MistralModel (transformers v4.45
// modeling_mistral.py). Llama with a per-attention rotary_emb, projections without bias whatever
// attention_bias says, and a sliding window: SDPA gets an explicit mask tensor once the context
// reaches sliding_window tokens. Attention is still counted densely over the whole context
// (docs/architectures.md).
#include <cctype>
#include <string>

#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/llama/llama_gguf.h"

namespace calflops {
namespace mistral {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d;  // MistralConfig defaults
  d.prefix = "Mistral";
  d.intermediate = 14336;
  d.n_kv_heads = 8;
  d.rotary = RotaryStyle::kPerAttention;
  LlamaParams p = LlamaParams::FromConfig(c, d);
  p.qkv_bias = p.o_bias = p.mlp_bias = false;  // hard-coded bias=False
  p.sdpa_mask_from = c.IsSet("sliding_window") || !c.Has("sliding_window")
                         ? std::optional<int64_t>(c.Int("sliding_window", 4096, 1, kMaxConfigDim))
                         : std::nullopt;
  return MakeDecoder(p, cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"MistralForCausalLM", "MistralModel"};

// Converters write Mistral as general.architecture "llama"; the name tells it apart.
bool IsMistral(const GgufKeys& k) {
  std::string name = k.String("general.name") + " " + k.String("general.basename");
  for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return name.find("mistral") != std::string::npos &&
         k.Int("expert_count", 0, kMaxConfigDim).value_or(0) == 0;
}

constexpr GgufMapping kGguf{.gguf_arch = "llama",
                            .model_type = "mistral",
                            .hf_class = "MistralForCausalLM",
                            .blocks = kLlamaBlockGguf,
                            .matches = IsMistral,
                            .extra_keys = LlamaMlpBiasGgufKey};

}  // namespace
}  // namespace mistral

const ArchEntry& MistralArch() {
  static const ArchEntry e{"mistral", "Mistral decoder (GQA, sliding-window attention)",
                           mistral::kClasses, mistral::Make, &mistral::kGguf};
  return e;
}

}  // namespace calflops
