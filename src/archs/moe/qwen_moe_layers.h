// The layer wiring Qwen2-MoE and Qwen3-MoE share: which layers are sparse (mlp_only_layers,
// decoder_sparse_step), the routed experts read from the config, and the dense <Prefix>MLP of
// intermediate_size in the other layers. Qwen2-MoE adds a gated shared expert; Qwen3-MoE has none.
#pragma once

#include <string>
#include <vector>

#include "archs/llama/llama_blocks.h"

namespace calflops {

/// The config class's defaults for the keys the MoE layers read.
struct QwenMoeDefaults {
  int64_t experts = 0;              ///< num_experts
  int64_t top_k = 0;                ///< num_experts_per_tok
  int64_t expert_intermediate = 0;  ///< moe_intermediate_size
  /// shared_expert_intermediate_size; 0 = the architecture has no shared expert (key not read).
  int64_t shared_intermediate = 0;
};

/// Layer i has the sparse block unless it is listed in mlp_only_layers, when num_experts > 0
/// and (i + 1) % decoder_sparse_step == 0.
std::vector<bool> QwenSparseLayers(const Config& c, int64_t n_layers, int64_t n_experts);

/// The feed-forward hooks of a Qwen MoE decoder with class prefix `prefix` ("Qwen2Moe"):
/// "mlp" is a <prefix>SparseMoeBlock of <prefix>MLP experts in the sparse layers, a dense
/// <prefix>MLP elsewhere. The expert counts are checked here, before anything is built.
DecoderHooks QwenMoeHooks(const Config& c, const LlamaParams& p, const std::string& prefix,
                          const QwenMoeDefaults& d, DType dtype);

}  // namespace calflops
