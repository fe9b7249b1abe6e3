// How a checkpoint stores its weights quantized (a config's quantization_config, read by
// readers/hf_config/quantization_config.h; priced by analysis/quantized_weights.h). Quantization
// changes weight bytes and memory, never the parameter count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace calflops {

enum class QuantMethod { kFp8, kMxfp4, kGptq, kAwq, kBnb4, kBnb8 };

struct QuantizationConfig {
  QuantMethod method = QuantMethod::kFp8;
  std::string quant_method;  ///< as the config spells it
  int bits = 8;
  /// gptq/awq: input features per scale (and zero point); 0: one group per column (gptq -1).
  int64_t group_size = 0;
  /// fp8: weight_block_size [rows, cols], one float32 scale per block; 0: one per tensor.
  int64_t block_rows = 0, block_cols = 0;
  bool zero_points = false;   ///< gptq (always stored) or awq zero_point: packed zeros per group
  bool double_quant = false;  ///< bitsandbytes 4-bit: the absmax constants quantized to 8 bits
  std::string format;         ///< fp8 "e4m3"/"e5m2", bitsandbytes "nf4"/"fp4"
  /// Module-path patterns left unquantized (substring, or a glob with `*`), as the config lists
  /// them; the output head is also left unquantized when `skip_output_head`.
  std::vector<std::string> not_converted;
  bool skip_output_head = true;

  /// "fp8 e4m3, 128x128 blocks", "gptq int4, group 128, zero points", ...
  std::string Describe() const;
};

}  // namespace calflops
