#include "archs/llama/sliding_window_attention.h"

#include <algorithm>

namespace calflops {

SlidingWindowAttention::SlidingWindowAttention(LlamaAttentionBlock a, int64_t window)
    : a_(std::move(a)), window_(window) {
  a_.kernel.sdpa_mask_from = window;  // _ignore_causal_mask_sdpa: kv_length < window
}

Shape SlidingWindowAttention::Forward(Tracer& t, const Shape& x, const Shape& cos,
                                      const DecoderStep& s) const {
  DecoderStep w = s;
  w.past = std::min(s.past, window_ - 1);
  return a_.Forward(t, x, cos, w);
}

KvCacheSpec SlidingWindowAttention::Cache() const {
  KvCacheSpec spec = a_.Cache();
  spec.window = window_ - 1;
  return spec;
}

}  // namespace calflops
