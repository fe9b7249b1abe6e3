// DeepSeek-V3's mixture of experts (DeepseekV3MoE in upstream transformers' modeling_deepseek_v3,
// not in v4.45): routed experts chosen by a sigmoid router with a per-expert score-correction
// bias and group-limited top-k, plus always-on shared experts.
//
//   gate (DeepseekV3TopkRouter): logits = F.linear(x, W); scores = sigmoid(logits)
//     choice = scores + e_score_correction_bias
//     group score = sum of the top-2 choices in each of n_group groups
//     keep the topk_group best groups, then the top-k choices inside them
//     weights = scores at the picks (/ (sum + 1e-20) when norm_topk_prob) * routed_scaling_factor
//   out = sum over picks of weight * expert(x) + shared_experts(x)
#pragma once

#include <vector>

#include "archs/llama/llama_blocks.h"
#include "archs/moe/expert_load.h"

namespace calflops {

struct DeepseekMoeSpec {
  std::string prefix = "DeepseekV3";
  int64_t n_experts = 256;
  int64_t top_k = 8;
  int64_t n_group = 8;
  int64_t topk_group = 4;
  int64_t expert_intermediate = 2048;
  int64_t n_shared = 1;
  bool norm_topk_prob = true;
};

struct DeepseekMoeBlock : FeedForward {
  ModuleId id = kNoModule;
  std::vector<LlamaMlpBlock> experts;  ///< one per run (ExpertRun), each Module::repeat experts
  std::vector<ExpertRun> runs;
  ModuleId gate = kNoModule;  ///< DeepseekV3TopkRouter: weight (E, hidden), score bias (E)
  LlamaMlpBlock shared;
  DeepseekMoeSpec spec;

  static DeepseekMoeBlock Build(ModuleTree& tree, ModuleId parent, const DeepseekMoeSpec& spec,
                                const LlamaParams& p, DType dtype);
  Shape Forward(Tracer& t, const Shape& x) const override;
};

}  // namespace calflops
