// Config checks that many families make alike, with one wording for their errors.
#pragma once

#include <string>

#include "readers/hf_config/config.h"

namespace calflops {

/// Throws BadInput at `key` ("is N, which does not divide OF M") unless `n` divides `m`: the
/// heads that must tile a hidden size, the key-value heads the attention heads, and the like.
/// `n` must be positive (read with a lower bound of 1).
void RequireDivides(const Config& c, const std::string& key, int64_t n, const std::string& of,
                    int64_t m);

/// The head dimension `hidden` / `heads` of an attention with rotary embeddings on every
/// dimension: RequireDivides first, then BadInput at `heads_key` when it is odd ("gives an odd
/// head dimension N; rotary embeddings need an even one").
int64_t RotaryHeadDim(const Config& c, const std::string& heads_key, int64_t heads,
                      const std::string& hidden_key, int64_t hidden);

}  // namespace calflops
