// model_type "qwen2": Qwen2ForCausalLM and Qwen2Model (transformers v4.45 modeling_qwen2.py).
// Llama with biased q/k/v projections (o_proj without). Qwen2's sliding window only acts in
// flash-attention with use_sliding_window and is not modelled.
#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/llama/llama_gguf.h"

namespace calflops {
namespace qwen2 {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d;  // Qwen2Config defaults
  d.prefix = "Qwen2";
  d.vocab = 151936;
  d.intermediate = 22016;
  LlamaParams p = LlamaParams::FromConfig(c, d);
  p.qkv_bias = true;  // hard-coded in Qwen2Attention
  p.o_bias = false;
  p.mlp_bias = false;
  return MakeDecoder(p, cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"Qwen2ForCausalLM", "Qwen2Model"};

constexpr GgufMapping kGguf{.gguf_arch = "qwen2",
                            .model_type = "qwen2",
                            .hf_class = "Qwen2ForCausalLM",
                            .blocks = kLlamaBlockGguf};

}  // namespace
}  // namespace qwen2

const ArchEntry& Qwen2Arch() {
  static const ArchEntry e{"qwen2", "Qwen2 / Qwen2.5 decoder (GQA, q/k/v bias)", qwen2::kClasses,
                           qwen2::Make, &qwen2::kGguf};
  return e;
}

}  // namespace calflops
