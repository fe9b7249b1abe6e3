// model_type "deepseek_v3": DeepseekV3ForCausalLM and DeepseekV3Model. Not in transformers v4.45:
// module names, classes and order mirror upstream transformers' modeling_deepseek_v3.py
// (DeepseekV3Attention = multi-head latent attention, DeepseekV3MoE with DeepseekV3TopkRouter
// and shared_experts, DeepseekV3MLP in the first first_k_dense_replace layers, a model-level
// rotary_emb over qk_rope_head_dim). The multi-token-prediction layer
// (num_nextn_predict_layers) is not part of DeepseekV3ForCausalLM and is left out.
#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/mla/mla_attention.h"
#include "archs/moe/deepseek_moe_block.h"
#include "archs/moe/sparse_moe_block.h"
#include "model/error.h"

namespace calflops {
namespace deepseek_v3 {
namespace {

DeepseekMoeSpec ReadMoe(const Config& c, int64_t moe_layers) {
  DeepseekMoeSpec s;
  s.n_experts = c.Int("n_routed_experts", 256, 1, kMaxConfigDim);
  s.top_k = c.Int("num_experts_per_tok", 8, 1, kMaxConfigDim);
  s.n_group = c.Int("n_group", 8, 1, kMaxConfigDim);
  s.topk_group = c.Int("topk_group", 4, 1, kMaxConfigDim);
  s.expert_intermediate = c.Int("moe_intermediate_size", 2048, 1, kMaxConfigDim);
  s.n_shared = c.Int("n_shared_experts", 1, 1, kMaxConfigDim);
  s.norm_topk_prob = c.Bool("norm_topk_prob", true);
  CheckExperts(c, "n_routed_experts", s.n_experts, "num_experts_per_tok", s.top_k, moe_layers);
  if (s.n_experts % s.n_group != 0 || s.n_experts / s.n_group < 2) {
    throw BadInput(c.Where("n_group"),
                   "is " + std::to_string(s.n_group) + ": it must divide n_routed_experts " +
                       std::to_string(s.n_experts) + " into groups of at least 2");
  }
  if (s.topk_group > s.n_group) {
    throw BadInput(c.Where("topk_group"), "is " + std::to_string(s.topk_group) +
                                              ", more than n_group " + std::to_string(s.n_group));
  }
  return s;
}

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d;  // DeepseekV3Config defaults
  d.prefix = "DeepseekV3";
  d.vocab = 129280;
  d.hidden = 7168;
  d.intermediate = 18432;
  d.n_layers = 61;
  d.n_heads = 128;
  MlaDims mla = MlaDims::FromConfig(c);  // validates qk_rope_head_dim before it is used below
  d.head_dim = mla.qk_rope_head_dim;     // DeepseekV3Config.head_dim
  d.rotary = RotaryStyle::kModelOnly;
  d.attn_class_per_impl = false;
  LlamaParams p = LlamaParams::FromConfig(c, d);
  p.routed_tokens = o.routed_tokens;  // experts of equal load built once (BuildOptions)
  p.mlp_bias = false;
  mla.hidden = p.hidden;
  mla.n_heads = p.n_heads;
  int64_t first_dense = c.Int("first_k_dense_replace", 3, 0, kMaxLayers);
  DeepseekMoeSpec moe = ReadMoe(c, std::max<int64_t>(0, p.n_layers - first_dense));
  DType dtype = ConfigDType(c);
  DecoderHooks hooks;
  hooks.rotary_dim = mla.qk_rope_head_dim;
  hooks.attention = [=, impl = o.attn](ModuleTree& tree, ModuleId layer, int64_t) {
    return std::make_shared<MlaAttentionBlock>(
        MlaAttentionBlock::Build(tree, layer, "DeepseekV3", mla, impl, dtype));
  };
  hooks.feed_forward = [=](ModuleTree& tree, ModuleId layer,
                           int64_t i) -> std::shared_ptr<const FeedForward> {
    if (i >= first_dense) {
      return std::make_shared<DeepseekMoeBlock>(
          DeepseekMoeBlock::Build(tree, layer, moe, p, dtype));
    }
    return std::make_shared<LlamaMlpBlock>(
        LlamaMlpBlock::Build(tree, layer, "mlp", "DeepseekV3MLP", p.intermediate, p, dtype));
  };
  return MakeDecoder(p, cls, o, dtype, hooks);
}

constexpr std::string_view kClasses[] = {"DeepseekV3ForCausalLM", "DeepseekV3Model"};

}  // namespace
}  // namespace deepseek_v3

const ArchEntry& DeepseekV3Arch() {
  static const ArchEntry e{"deepseek_v3",
                           "DeepSeek-V3 (MLA, sigmoid-routed experts + shared); upstream layout",
                           deepseek_v3::kClasses, deepseek_v3::Make};
  return e;
}

}  // namespace calflops
