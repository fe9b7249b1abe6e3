// Reading an OLMo 2-style config: the defaults Olmo2Config and Olmo3Config share and the MLP
// without bias; used by olmo2 and olmo3.
#pragma once

#include <string>

#include "archs/llama/llama_params.h"

namespace calflops {

/// What Olmo2Config and Olmo3Config default to, with class prefix `prefix` ("Olmo2", "Olmo3"):
/// 50,304-token vocabulary, RMSNorm eps 1e-5, the norms after the sublayers, q_norm / k_norm
/// over the whole projections, one attention class with eager scores "* scaling", a model-level
/// rotary_emb only.
LlamaParams Olmo2StyleDefaults(const std::string& prefix);

/// LlamaParams::FromConfig with `defaults`; the MLP has no bias whatever the config says
/// (Olmo2MLP, Olmo3MLP: bias=False).
LlamaParams Olmo2StyleParams(const Config& c, const LlamaParams& defaults);

}  // namespace calflops
