// model_type "llama": LlamaForCausalLM and LlamaModel (transformers v4.45 modeling_llama.py).
#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"

namespace calflops {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  return MakeDecoder(LlamaParams::FromConfig(c), cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"LlamaForCausalLM", "LlamaModel"};

}  // namespace

const ArchEntry& LlamaArch() {
  static const ArchEntry e{"llama", "Llama 1/2/3 decoder (GQA, RoPE, SwiGLU)", kClasses, Make};
  return e;
}

}  // namespace calflops
