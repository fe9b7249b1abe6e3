// model_type "qwen2_moe": Qwen2MoeForCausalLM and Qwen2MoeModel (transformers v4.45
// modeling_qwen2_moe.py). Qwen2's attention; each sparse layer's "mlp" is a
// Qwen2MoeSparseMoeBlock (gate, num_experts experts of moe_intermediate_size, a shared_expert of
// shared_expert_intermediate_size scaled by sigmoid(shared_expert_gate)); layers in
// mlp_only_layers, or off the decoder_sparse_step, keep a dense Qwen2MoeMLP.
#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/moe/qwen_moe_gguf.h"
#include "archs/moe/qwen_moe_layers.h"

namespace calflops {
namespace qwen2_moe {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d;  // Qwen2MoeConfig defaults
  d.prefix = "Qwen2Moe";
  d.vocab = 151936;
  d.hidden = 2048;
  d.intermediate = 5632;
  d.n_layers = 24;
  d.n_heads = 16;
  LlamaParams p = LlamaParams::FromConfig(c, d);
  p.routed_tokens = o.routed_tokens;  // experts of equal load built once (BuildOptions)
  p.qkv_bias = true;                  // hard-coded, as in Qwen2
  p.o_bias = p.mlp_bias = false;
  QwenMoeDefaults moe{
      .experts = 60, .top_k = 4, .expert_intermediate = 1408, .shared_intermediate = 5632};
  DType dtype = ConfigDType(c);
  return MakeDecoder(p, cls, o, dtype, QwenMoeHooks(c, p, "Qwen2Moe", moe, dtype));
}

constexpr std::string_view kClasses[] = {"Qwen2MoeForCausalLM", "Qwen2MoeModel"};

void MoeKeys(const GgufKeys& k, nlohmann::ordered_json& c) { QwenMoeGgufKeys(k, c, true); }

constexpr GgufMapping kGguf{.gguf_arch = "qwen2moe",
                            .model_type = "qwen2_moe",
                            .hf_class = "Qwen2MoeForCausalLM",
                            .blocks = kQwenMoeBlockGguf,
                            .extra_keys = MoeKeys};

}  // namespace
}  // namespace qwen2_moe

const ArchEntry& Qwen2MoeArch() {
  static const ArchEntry e{"qwen2_moe", "Qwen1.5/2 MoE (routed experts + gated shared expert)",
                           qwen2_moe::kClasses, qwen2_moe::Make, &qwen2_moe::kGguf};
  return e;
}

}  // namespace calflops
