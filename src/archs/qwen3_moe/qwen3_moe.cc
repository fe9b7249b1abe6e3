// model_type "qwen3_moe": Qwen3MoeForCausalLM and Qwen3MoeModel. Not in transformers v4.45:
// names mirror upstream transformers' modeling_qwen3_moe.py (4.51 layout): Qwen3's attention
// (q_norm / k_norm, one Qwen3MoeAttention class) and, in each sparse layer, a
// Qwen3MoeSparseMoeBlock "mlp" (gate, num_experts Qwen3MoeMLP experts; no shared expert).
#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/moe/qwen_moe_gguf.h"
#include "archs/moe/qwen_moe_layers.h"
#include "archs/qwen3/qwen3_defaults.h"

namespace calflops {
namespace qwen3_moe {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d = Qwen3Defaults("Qwen3Moe");  // Qwen3MoeConfig defaults
  d.hidden = 2048;
  d.intermediate = 6144;
  d.n_layers = 24;
  d.n_heads = 32;
  d.n_kv_heads = 4;
  d.head_dim = 0;  // Qwen3MoeConfig has no head_dim default: hidden / heads
  LlamaParams p = LlamaParams::FromConfig(c, d);
  p.routed_tokens = o.routed_tokens;  // experts of equal load built once (BuildOptions)
  p.mlp_bias = false;
  QwenMoeDefaults moe{.experts = 128, .top_k = 8, .expert_intermediate = 768};
  DType dtype = ConfigDType(c);
  return MakeDecoder(p, cls, o, dtype, QwenMoeHooks(c, p, "Qwen3Moe", moe, dtype));
}

constexpr std::string_view kClasses[] = {"Qwen3MoeForCausalLM", "Qwen3MoeModel"};

void MoeKeys(const GgufKeys& k, nlohmann::ordered_json& c) { QwenMoeGgufKeys(k, c, false); }

constexpr GgufMapping kGguf{.gguf_arch = "qwen3moe",
                            .model_type = "qwen3_moe",
                            .hf_class = "Qwen3MoeForCausalLM",
                            .blocks = kQwenMoeBlockGguf,
                            .extra_keys = MoeKeys};

}  // namespace
}  // namespace qwen3_moe

const ArchEntry& Qwen3MoeArch() {
  static const ArchEntry e{"qwen3_moe", "Qwen3 MoE (routed experts, q/k RMSNorm); upstream layout",
                           qwen3_moe::kClasses, qwen3_moe::Make, &qwen3_moe::kGguf};
  return e;
}

}  // namespace calflops
