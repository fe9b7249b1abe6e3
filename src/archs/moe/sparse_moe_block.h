// The softmax-routed mixture-of-experts block of Mixtral (MixtralSparseMoeBlock), Qwen2-MoE
// (Qwen2MoeSparseMoeBlock, with a gated shared expert), Qwen3-MoE (Qwen3MoeSparseMoeBlock) and
// Jamba (JambaSparseMoeBlock: the router is `router`, no renormalisation):
//
//   logits = gate(x)                      every token, all E experts
//   w, idx = topk(softmax(logits), k)     (w /= w.sum() when norm_topk_prob)
//   out[t] = sum over the k picks of w * expert(x[t])
//   (+ sigmoid(shared_expert_gate(x)) * shared_expert(x))
//
// Each expert runs on the tokens routed to it (archs/moe/expert_load.h gives the assumption).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "archs/llama/llama_blocks.h"
#include "archs/moe/expert_load.h"

namespace calflops {

/// Upper bounds on routed experts, per layer and over the whole model (each is ~5 modules).
inline constexpr int64_t kMaxExpertsPerLayer = 4096;
inline constexpr int64_t kMaxExpertsTotal = 65536;

struct SparseMoeSpec {
  std::string name = "mlp";    ///< attribute in the layer ("block_sparse_moe" for Mixtral)
  std::string cls;             ///< MixtralSparseMoeBlock, ...
  std::string expert_cls;      ///< MixtralBlockSparseTop2MLP, Qwen2MoeMLP, ...
  bool mixtral_names = false;  ///< experts named w1 (gate), w2 (down), w3 (up)
  int64_t n_experts = 8;
  int64_t top_k = 2;
  int64_t expert_intermediate = 0;
  bool norm_topk_prob = true;
  int64_t shared_intermediate = 0;  ///< Qwen2-MoE shared_expert width; 0 = none
  std::string gate_name = "gate";   ///< the router's attribute (Jamba: "router")
};

struct SparseMoeBlock : FeedForward {
  ModuleId id = kNoModule;
  Linear gate;
  std::vector<LlamaMlpBlock> experts;  ///< one per run (ExpertRun), each Module::repeat experts
  std::vector<ExpertRun> runs;
  int64_t top_k = 0;
  bool norm_topk_prob = true;
  std::optional<LlamaMlpBlock> shared_expert;
  std::optional<Linear> shared_expert_gate;

  static SparseMoeBlock Build(ModuleTree& tree, ModuleId parent, const SparseMoeSpec& spec,
                              const LlamaParams& p, DType dtype);
  Shape Forward(Tracer& t, const Shape& x) const override;
};

/// Runs the routed experts on their tokens and combines them, as the transformers loop does:
/// per expert with tokens, expert(x[tokens]) * routing weight, index_add_ into the output.
/// Charges the weighting and the accumulation to `block`.
/// `experts[i]` stands for the experts of `runs[i]` (their loads must be equal in this call: an
/// internal error otherwise), traced once and emitted runs[i].count times over.
void RunRoutedExperts(Tracer& t, ModuleId block, const std::vector<LlamaMlpBlock>& experts,
                      const std::vector<ExpertRun>& runs, int64_t tokens, int64_t k,
                      int64_t hidden);

/// The runs of experts a MoE list is built as: p.routed_tokens set, ExpertRuns; else one each.
std::vector<ExpertRun> PlanExpertRuns(const LlamaParams& p, int64_t k, int64_t experts);

/// Builds the experts of `list` for `runs`: build(name) makes one, named by its first index;
/// it gets Module::repeat = the run's length.
template <typename BuildOne>
std::vector<LlamaMlpBlock> BuildExpertRuns(ModuleTree& tree, const std::vector<ExpertRun>& runs,
                                           BuildOne&& build) {
  std::vector<LlamaMlpBlock> out;
  out.reserve(runs.size());
  for (const ExpertRun& r : runs) {
    out.push_back(build(std::to_string(r.first)));
    tree[out.back().id].repeat = static_cast<int32_t>(r.count);
  }
  return out;
}

/// Reads and checks an expert count / top-k pair from a config.
void CheckExperts(const Config& c, const char* experts_key, int64_t experts, const char* k_key,
                  int64_t k, int64_t moe_layers);

}  // namespace calflops
