// A decoder attention on a sliding-window layer, cached as transformers 4.57's
// DynamicSlidingWindowLayer does (Gemma 3, Cohere 2): the cache keeps the last window - 1 tokens,
// attention runs over those plus the new ones, and SDPA gets an explicit mask once that reaches
// the window.
#pragma once

#include <vector>

#include "archs/llama/llama_blocks.h"

namespace calflops {

/// Per layer, whether it is a sliding_attention layer: the config's layer_types when set (each
/// "sliding_attention" or "full_attention", one per layer), else every pattern-th layer global,
/// the pattern read from `pattern_key` (null: no such key) with `default_pattern`.
std::vector<bool> SlidingLayerTypes(const Config& c, int64_t layers, const char* pattern_key,
                                    int64_t default_pattern);

/// The config's sliding_window: `default_window` when the key is absent, 0 when it is null
/// (every layer attends to everything).
int64_t SlidingWindowSize(const Config& c, int64_t default_window);

/// Layer i's attention: a SlidingWindowAttention over `window` where `sliding[i]` and the window
/// is above 1 (a window of 1 keeps nothing in Python's [-0:] slice, i.e. everything), else a
/// plain LlamaAttentionBlock (Gemma 3, OLMo 3).
DecoderHooks SlidingWindowHooks(const LlamaParams& p, std::vector<bool> sliding, int64_t window,
                                AttnImpl impl, DType dtype);

class SlidingWindowAttention : public SelfAttention {
 public:
  SlidingWindowAttention(LlamaAttentionBlock a, int64_t window);
  Shape Forward(Tracer& t, const Shape& x, const Shape& cos, const DecoderStep& s) const override;
  KvCacheSpec Cache() const override;

 private:
  LlamaAttentionBlock a_;
  int64_t window_;
};

}  // namespace calflops
