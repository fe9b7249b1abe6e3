#include "archs/llama/sliding_window_attention.h"

#include <algorithm>

#include "model/error.h"
#include "model/workload.h"

namespace calflops {

std::vector<bool> SlidingLayerTypes(const Config& c, int64_t layers, const char* pattern_key,
                                    int64_t default_pattern) {
  std::vector<bool> sliding;
  if (c.IsSet("layer_types")) {
    auto types = c.Strings("layer_types");
    if (static_cast<int64_t>(types.size()) != layers) {
      throw BadInput(c.Where("layer_types"), "has " + std::to_string(types.size()) +
                                                 " entries for " + std::to_string(layers) +
                                                 " layers");
    }
    for (const auto& t : types) {
      if (t != "sliding_attention" && t != "full_attention") {
        throw BadInput(c.Where("layer_types"),
                       "has " + Quote(t) + " (expected sliding_attention or full_attention)");
      }
      sliding.push_back(t == "sliding_attention");
    }
    return sliding;
  }
  int64_t pattern =
      pattern_key ? c.Int(pattern_key, default_pattern, 1, kMaxLayers) : default_pattern;
  for (int64_t i = 0; i < layers; ++i) sliding.push_back((i + 1) % pattern != 0);
  return sliding;
}

int64_t SlidingWindowSize(const Config& c, int64_t default_window) {
  if (c.Has("sliding_window") && !c.IsSet("sliding_window")) return 0;
  return c.Int("sliding_window", default_window, 1, kMaxTokens);
}

DecoderHooks SlidingWindowHooks(const LlamaParams& p, std::vector<bool> sliding, int64_t window,
                                AttnImpl impl, DType dtype) {
  DecoderHooks h;
  h.attention = [p, sliding = std::move(sliding), window, impl, dtype](
                    ModuleTree& tree, ModuleId layer,
                    int64_t i) -> std::shared_ptr<const SelfAttention> {
    auto a = LlamaAttentionBlock::Build(tree, layer, "self_attn", p, impl, dtype);
    if (window > 1 && sliding[static_cast<size_t>(i)]) {
      return std::make_shared<SlidingWindowAttention>(std::move(a), window);
    }
    return std::make_shared<LlamaAttentionBlock>(std::move(a));
  };
  return h;
}

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
