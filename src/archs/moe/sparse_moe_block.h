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
  std::vector<LlamaMlpBlock> experts;
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
void RunRoutedExperts(Tracer& t, ModuleId block, const std::vector<LlamaMlpBlock>& experts,
                      int64_t tokens, int64_t k, int64_t hidden);

/// Reads and checks an expert count / top-k pair from a config.
void CheckExperts(const Config& c, const char* experts_key, int64_t experts, const char* k_key,
                  int64_t k, int64_t moe_layers);

}  // namespace calflops
