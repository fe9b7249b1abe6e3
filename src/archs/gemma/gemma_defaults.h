// Reading a Gemma-family config: the defaults GemmaConfig and Gemma2Config share, and Llama
// keys plus Gemma's activation rule; used by gemma and gemma2.
#pragma once

#include <string>

#include "archs/llama/llama_params.h"

namespace calflops {

/// What every Gemma config class defaults to, with class prefix `prefix` ("Gemma", "Gemma2"):
/// 256,000-token vocabulary, head_dim 256, tied embeddings scaled by sqrt(hidden_size),
/// GemmaRMSNorm, a rotary_emb per attention, eager scores "* scaling". Sizes are the caller's.
LlamaParams GemmaDefaults(const std::string& prefix);

/// LlamaParams::FromConfig with `defaults`, projections without MLP bias, and the activation
/// from hidden_activation (gelu_pytorch_tanh when unset).
LlamaParams GemmaParams(const Config& c, const LlamaParams& defaults);

}  // namespace calflops
