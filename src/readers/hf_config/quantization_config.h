// A config's `quantization_config`, as transformers' quantizers read it: how the checkpoint
// stores its weights. It changes weight bytes and memory, never the parameter count. Read here;
// priced by analysis/quantized_weights.h.
//
//   quant_method   keys read
//   fp8            fmt (e4m3 | e5m2), weight_block_size [rows, cols] (null: one scale per
//                  tensor), modules_to_not_convert               DeepSeek-V3, Qwen3-FP8
//   mxfp4          modules_to_not_convert                         gpt-oss
//   gptq           bits, group_size (-1: one group per column), sym, modules_to_not_convert
//   awq            bits, group_size, zero_point, modules_to_not_convert
//   bitsandbytes   load_in_4bit | load_in_8bit, bnb_4bit_quant_type, bnb_4bit_use_double_quant,
//                  llm_int8_skip_modules
#pragma once

#include <optional>
#include <string>

#include "model/quantization.h"
#include "readers/hf_config/config.h"

namespace calflops {

/// Most entries accepted in a modules_to_not_convert list (real ones hold a handful).
inline constexpr size_t kMaxNotConverted = 4096;

/// The config's quantization_config, or nullopt when it has none. A quant_method we do not
/// price gives nullopt and a one-line note in `note` (weights stay at the config's dtype).
/// Throws a located error (BadInput) for a wrong type or an out-of-range value.
std::optional<QuantizationConfig> ReadQuantizationConfig(const Config& config, std::string* note);

}  // namespace calflops
