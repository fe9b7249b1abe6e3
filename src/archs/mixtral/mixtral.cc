// model_type "mixtral": MixtralForCausalLM and MixtralModel (transformers v4.45
// modeling_mixtral.py). Mistral's attention with cached rotary tables, and a
// MixtralSparseMoeBlock ("block_sparse_moe") in every layer: num_local_experts experts
// (MixtralBlockSparseTop2MLP: w1, w2, w3), num_experts_per_tok per token, weights renormalised.
#include <nlohmann/json.hpp>

#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/llama/llama_gguf.h"
#include "archs/moe/sparse_moe_block.h"

namespace calflops {
namespace mixtral {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d;  // MixtralConfig defaults
  d.prefix = "Mixtral";
  d.intermediate = 14336;
  d.n_kv_heads = 8;
  d.rms_eps = 1e-5;
  d.rotary = RotaryStyle::kCached;
  LlamaParams p = LlamaParams::FromConfig(c, d);
  p.routed_tokens = o.routed_tokens;  // experts of equal load built once (BuildOptions)
  p.qkv_bias = p.o_bias = p.mlp_bias = false;
  SparseMoeSpec moe{.name = "block_sparse_moe",
                    .cls = "MixtralSparseMoeBlock",
                    .expert_cls = "MixtralBlockSparseTop2MLP",
                    .mixtral_names = true,
                    .n_experts = c.Int("num_local_experts", 8, 1, kMaxConfigDim),
                    .top_k = c.Int("num_experts_per_tok", 2, 1, kMaxConfigDim),
                    .expert_intermediate = p.intermediate,
                    .norm_topk_prob = true,
                    .shared_intermediate = 0};
  CheckExperts(c, "num_local_experts", moe.n_experts, "num_experts_per_tok", moe.top_k, p.n_layers);
  DecoderHooks hooks;
  DType dtype = ConfigDType(c);
  hooks.feed_forward = [=](ModuleTree& tree, ModuleId layer, int64_t) {
    return std::make_shared<SparseMoeBlock>(SparseMoeBlock::Build(tree, layer, moe, p, dtype));
  };
  return MakeDecoder(p, cls, o, dtype, hooks);
}

constexpr std::string_view kClasses[] = {"MixtralForCausalLM", "MixtralModel"};

constexpr GgufRename kMoeGguf[] = {
    {"ffn_gate_inp", "block_sparse_moe.gate"},
    {"ffn_gate_exps", "block_sparse_moe.experts", true},
    {"ffn_down_exps", "block_sparse_moe.experts", true},
    {"ffn_up_exps", "block_sparse_moe.experts", true},
};
constexpr std::span<const GgufRename> kBlockGguf[] = {kLlamaAttentionGguf, kMoeGguf};

// Converters write Mixtral as general.architecture "llama" with experts.
bool HasExperts(const GgufKeys& k) {
  return k.Int("expert_count", 0, kMaxConfigDim).value_or(0) > 0;
}

void ExpertKeys(const GgufKeys& k, nlohmann::ordered_json& c) {
  int64_t experts = k.RequiredInt("expert_count", 1, kMaxConfigDim);
  c["num_local_experts"] = experts;
  c["num_experts_per_tok"] = k.RequiredInt("expert_used_count", 1, experts);
}

constexpr GgufMapping kGguf{.gguf_arch = "llama",
                            .model_type = "mixtral",
                            .hf_class = "MixtralForCausalLM",
                            .blocks = kBlockGguf,
                            .matches = HasExperts,
                            .extra_keys = ExpertKeys,
                            .numbered_experts = true};

}  // namespace
}  // namespace mixtral

const ArchEntry& MixtralArch() {
  static const ArchEntry e{"mixtral", "Mixtral sparse mixture of experts (top-k softmax router)",
                           mixtral::kClasses, mixtral::Make, &mixtral::kGguf};
  return e;
}

}  // namespace calflops
