// A decoder attention on a sliding-window layer, cached as transformers 4.57's
// DynamicSlidingWindowLayer does (Gemma 3, Cohere 2): the cache keeps the last window - 1 tokens,
// attention runs over those plus the new ones, and SDPA gets an explicit mask once that reaches
// the window.
#pragma once

#include "archs/llama/llama_blocks.h"

namespace calflops {

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
