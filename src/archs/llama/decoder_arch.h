// The two classes every Llama-style decoder family exposes: <Prefix>ForCausalLM (model + lm_head)
// and <Prefix>Model (the bare decoder), built from LlamaParams and optional hooks.
#pragma once

#include <memory>
#include <string>

#include "archs/llama/llama_blocks.h"

namespace calflops {

/// The decoder shapes of one planned call. generate() passes position_ids of shape
/// (batch, tokens); a bare forward builds (1, tokens).
DecoderStep StepOf(const ForwardCall& c);

/// Builds <p.prefix>Model when `cls` ends in "Model", else <p.prefix>ForCausalLM.
std::unique_ptr<Architecture> MakeDecoder(const LlamaParams& p, const std::string& cls,
                                          const BuildOptions& o, DType dtype,
                                          const DecoderHooks& hooks = {});

}  // namespace calflops
