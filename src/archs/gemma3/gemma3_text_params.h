// Reading a Gemma 3 text config (Gemma3TextConfig, transformers v4.57): the Gemma 2 layout plus
// q/k norms, two model-level rotary tables (global and local) and a per-layer choice between
// sliding-window and full attention. Shared by gemma3_text and gemma3's language model.
#pragma once

#include <vector>

#include "archs/llama/llama_blocks.h"

namespace calflops {

struct Gemma3TextParams {
  LlamaParams decoder;
  std::vector<bool> sliding;  ///< per layer: sliding_attention
  int64_t window = 0;         ///< sliding_window (0: none, every layer attends to everything)
};

/// Gemma3TextConfig keys with its defaults; `model_cls` is the bare decoder's class
/// (Gemma3TextModel).
Gemma3TextParams ReadGemma3Text(const Config& c);

/// DecoderHooks that give sliding layers transformers 4.57's DynamicSlidingWindowLayer: the
/// cache keeps the last window - 1 tokens, attention runs over those plus the new ones, and SDPA
/// gets an explicit mask once that reaches the window.
DecoderHooks Gemma3Hooks(const Gemma3TextParams& g, AttnImpl impl, DType dtype);

}  // namespace calflops
