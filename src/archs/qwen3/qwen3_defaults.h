// Qwen3Config defaults and the upstream-transformers layout options, shared by qwen3 and
// qwen3_moe.
#pragma once

#include <string>

#include "archs/llama/llama_params.h"

namespace calflops {

/// Qwen3 defaults with class prefix `prefix` ("Qwen3", "Qwen3Moe").
LlamaParams Qwen3Defaults(const std::string& prefix);

}  // namespace calflops
