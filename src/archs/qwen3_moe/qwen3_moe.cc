// model_type "qwen3_moe": Qwen3MoeForCausalLM and Qwen3MoeModel. Not in transformers v4.45:
// names mirror upstream transformers' modeling_qwen3_moe.py (4.51 layout): Qwen3's attention
// (q_norm / k_norm, one Qwen3MoeAttention class) and, in each sparse layer, a
// Qwen3MoeSparseMoeBlock "mlp" (gate, num_experts Qwen3MoeMLP experts; no shared expert).
#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/moe/sparse_moe_block.h"
#include "archs/qwen3/qwen3_defaults.h"

namespace calflops {
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
  p.mlp_bias = false;
  SparseMoeSpec moe{.name = "mlp",
                    .cls = "Qwen3MoeSparseMoeBlock",
                    .expert_cls = "Qwen3MoeMLP",
                    .mixtral_names = false,
                    .n_experts = c.Int("num_experts", 128, 0, kMaxConfigDim),
                    .top_k = c.Int("num_experts_per_tok", 8, 1, kMaxConfigDim),
                    .expert_intermediate = c.Int("moe_intermediate_size", 768, 1, kMaxConfigDim),
                    .norm_topk_prob = c.Bool("norm_topk_prob", false),
                    .shared_intermediate = 0};
  std::vector<bool> sparse = QwenSparseLayers(c, p.n_layers, moe.n_experts);
  auto n_sparse = static_cast<int64_t>(std::count(sparse.begin(), sparse.end(), true));
  CheckExperts(c, "num_experts", moe.n_experts, "num_experts_per_tok", n_sparse > 0 ? moe.top_k : 0,
               n_sparse);
  DecoderHooks hooks;
  DType dtype = ConfigDType(c);
  hooks.feed_forward = [=](ModuleTree& tree, ModuleId layer,
                           int64_t i) -> std::shared_ptr<const FeedForward> {
    if (sparse[static_cast<size_t>(i)]) {
      return std::make_shared<SparseMoeBlock>(SparseMoeBlock::Build(tree, layer, moe, p, dtype));
    }
    return std::make_shared<LlamaMlpBlock>(
        LlamaMlpBlock::Build(tree, layer, "mlp", "Qwen3MoeMLP", p.intermediate, p, dtype));
  };
  return MakeDecoder(p, cls, o, dtype, hooks);
}

constexpr std::string_view kClasses[] = {"Qwen3MoeForCausalLM", "Qwen3MoeModel"};

}  // namespace

const ArchEntry& Qwen3MoeArch() {
  static const ArchEntry e{"qwen3_moe", "Qwen3 MoE (routed experts, q/k RMSNorm); upstream layout",
                           kClasses, Make};
  return e;
}

}  // namespace calflops
