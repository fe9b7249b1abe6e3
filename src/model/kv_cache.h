// How much KV cache one layer keeps, declared by the architecture (Architecture::KvCache()).
// The memory analysis multiplies by batch, cached tokens (capped by a sliding window) and the
// cache's bytes per element.
#pragma once

#include <cstdint>

#include "model/module_tree.h"

namespace calflops {

struct KvCacheSpec {
  ModuleId module = kNoModule;     ///< the attention module that owns the cache
  /// Elements kept per cached token per sequence: K and V (2 x kv heads x head dim for GQA), or
  /// a compressed latent (MLA: kv_lora_rank + rope head dim).
  int64_t elements_per_token = 0;
  int64_t window = 0;  ///< sliding window: at most this many tokens kept (0 = the whole context)

  /// Tokens held at a context length.
  int64_t Tokens(int64_t context) const {
    return window > 0 && context > window ? window : context;
  }
};

}  // namespace calflops
