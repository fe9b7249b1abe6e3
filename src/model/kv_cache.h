// How much KV cache one layer keeps, declared by the architecture (Architecture::KvCache()).
// The memory analysis multiplies by batch, cached tokens (capped by a sliding window) and the
// cache's bytes per element. A cross-attention layer keeps K/V for the encoder positions it
// attends to instead: fixed for the whole generation, their number set by the workload.
#pragma once

#include <cstdint>

#include "model/error.h"
#include "model/module_tree.h"

namespace calflops {

struct KvCacheSpec {
  ModuleId module = kNoModule;  ///< the attention module that owns the cache
  /// Elements kept per cached token per sequence: K and V (2 x kv heads x head dim for GQA), or
  /// a compressed latent (MLA: kv_lora_rank + rope head dim).
  int64_t elements_per_token = 0;
  int64_t window = 0;  ///< sliding window: at most this many tokens kept (0 = the whole context)
  /// Elements kept per sequence whatever the context (a state-space layer's convolution window
  /// and SSM state): constant during generation.
  int64_t fixed_elements = 0;
  /// Cross-attention: elements kept per encoder position (K and V of the encoder states, computed
  /// once per sequence), for `encoder_tokens` positions whatever the context.
  int64_t elements_per_encoder_token = 0;
  /// Encoder positions the cross-attention keeps per sequence: the workload's (the plan's
  /// ForwardCall::encoder_tokens), filled in by the analysis; 0 in an architecture's declaration.
  int64_t encoder_tokens = 0;

  /// Tokens held at a context length.
  int64_t Tokens(int64_t context) const {
    return window > 0 && context > window ? window : context;
  }
};

/// a x b + c x d elements per token, or a located error when that does not fit in 63 bits.
inline int64_t KvElements(int64_t a, int64_t b, int64_t c = 0, int64_t d = 0) {
  int64_t x = 0, y = 0, r = 0;
  if (a < 0 || b < 0 || c < 0 || d < 0 || __builtin_mul_overflow(a, b, &x) ||
      __builtin_mul_overflow(c, d, &y) || __builtin_add_overflow(x, y, &r)) {
    throw BadInput("kv cache", "elements per token overflow 63 bits");
  }
  return r;
}

}  // namespace calflops
