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

}  // namespace calflops
