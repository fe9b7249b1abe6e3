// Reading a Gemma-family config: Llama keys plus Gemma's activation rule, shared by gemma and
// gemma2.
#pragma once

#include "archs/llama/llama_params.h"

namespace calflops {

/// LlamaParams::FromConfig with `defaults`, projections without MLP bias, and the activation
/// from hidden_activation (gelu_pytorch_tanh when unset).
LlamaParams GemmaParams(const Config& c, const LlamaParams& defaults);

}  // namespace calflops
