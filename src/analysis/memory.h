// The memory estimate of a workload (docs/memory-and-latency.md): weights, KV cache, activations
// and, for training, gradients, optimizer state and master weights; per module and in total, with
// the peak that the calflops text report prints on its last line.
//
// Inference peak = weights + max over calls (KV cache at that call's context + the call's peak
// live activations). Training peak = weights + gradients + optimizer state + master weights
// + saved activations (per --recompute) + the largest block recomputed in backward + the
// forward's peak live activations (standing in for the gradient buffers of backward).
// Not counted: the framework's context and workspaces (CUDA context, cuBLAS / attention
// workspaces), allocator fragmentation and rounding, inputs held by the caller, logits upcast to
// float32 outside the traced ops.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/optimizer_state.h"
#include "analysis/profile.h"
#include "analysis/quantized_weights.h"
#include "analysis/stored_weights.h"
#include "analysis/weight_memory.h"
#include "model/workload.h"

namespace calflops {

struct ModuleMemory {
  Count weights;      ///< subtree parameters, ties once
  Count kv_cache;     ///< generate: cache of the subtree's attention modules at the final context
  Count activations;  ///< inference: peak live bytes while its ops run; training: saved bytes
};

struct MemoryEstimate {
  WeightMemory weights;
  /// Set when a weight file priced the parameters (analysis/stored_weights.h): what matched.
  std::optional<StoredWeights> stored;
  /// Set when the config's quantization_config priced them (analysis/quantized_weights.h).
  std::optional<QuantizedWeights> quantized;
  Count kv_cache;                 ///< generate: at the largest context of the workload
  int64_t kv_tokens = 0;          ///< that context
  Count kv_cross;                 ///< of kv_cache: the cross-attention K/V of the encoder positions
  int64_t kv_encoder_tokens = 0;  ///< those encoder positions per sequence (0: none kept)
  Count activations;              ///< inference: peak live at the peak call; training: saved bytes
  Count transient;                ///< training: recomputed block + forward working set
  TrainingState training;         ///< zero unless training
  bool train = false;
  Count peak;           ///< the estimate printed as "Memory usage"
  std::string peak_at;  ///< "forward", "prefill", "decode step N", "training step"
  std::vector<ModuleMemory> modules;
};

/// Bytes of the KV cache at `context` tokens for `batch` sequences, each element `bytes` wide.
Count KvCacheBytes(const std::vector<KvCacheSpec>& specs, int64_t context, int64_t batch,
                   int bytes);

/// Of those, the bytes of the cross-attention K/V kept for the encoder positions (constant).
Count KvCrossBytes(const std::vector<KvCacheSpec>& specs, int64_t batch, int bytes);

MemoryEstimate EstimateMemory(const Profile& p, const Workload& w, const TrainingOptions& t);

/// Bytes as the text report's "Memory usage" value: GiB (2^30 bytes) with three decimals.
std::string MemoryUsageGiB(Count bytes);

}  // namespace calflops
