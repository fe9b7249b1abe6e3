// model_type "qwen2_moe": Qwen2MoeForCausalLM and Qwen2MoeModel (transformers v4.45
// modeling_qwen2_moe.py). Qwen2's attention; each sparse layer's "mlp" is a
// Qwen2MoeSparseMoeBlock (gate, num_experts experts of moe_intermediate_size, a shared_expert of
// shared_expert_intermediate_size scaled by sigmoid(shared_expert_gate)); layers in
// mlp_only_layers, or off the decoder_sparse_step, keep a dense Qwen2MoeMLP.
#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/moe/sparse_moe_block.h"

namespace calflops {
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
  p.qkv_bias = true;  // hard-coded, as in Qwen2
  p.o_bias = p.mlp_bias = false;
  SparseMoeSpec moe{
      .name = "mlp",
      .cls = "Qwen2MoeSparseMoeBlock",
      .expert_cls = "Qwen2MoeMLP",
      .mixtral_names = false,
      .n_experts = c.Int("num_experts", 60, 0, kMaxConfigDim),
      .top_k = c.Int("num_experts_per_tok", 4, 1, kMaxConfigDim),
      .expert_intermediate = c.Int("moe_intermediate_size", 1408, 1, kMaxConfigDim),
      .norm_topk_prob = c.Bool("norm_topk_prob", false),
      .shared_intermediate = c.Int("shared_expert_intermediate_size", 5632, 1, kMaxConfigDim)};
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
        LlamaMlpBlock::Build(tree, layer, "mlp", "Qwen2MoeMLP", p.intermediate, p, dtype));
  };
  return MakeDecoder(p, cls, o, dtype, hooks);
}

constexpr std::string_view kClasses[] = {"Qwen2MoeForCausalLM", "Qwen2MoeModel"};

}  // namespace

const ArchEntry& Qwen2MoeArch() {
  static const ArchEntry e{"qwen2_moe", "Qwen1.5/2 MoE (routed experts + gated shared expert)",
                           kClasses, Make};
  return e;
}

}  // namespace calflops
