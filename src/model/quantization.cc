#include "model/quantization.h"

namespace calflops {

std::string QuantizationConfig::Describe() const {
  switch (method) {
    case QuantMethod::kFp8:
      return "fp8 " + format +
             (block_rows > 0
                  ? ", " + std::to_string(block_rows) + "x" + std::to_string(block_cols) + " blocks"
                  : ", one scale per tensor");
    case QuantMethod::kMxfp4:
      return "mxfp4, blocks of 32 with an 8-bit scale";
    case QuantMethod::kGptq:
    case QuantMethod::kAwq:
      return quant_method + " int" + std::to_string(bits) + ", " +
             (group_size > 0 ? "group " + std::to_string(group_size) : "one group per column") +
             (zero_points ? ", zero points" : "") + " (" + format + ")";
    case QuantMethod::kBnb4:
      return "bitsandbytes 4-bit " + format + ", blocks of 64" +
             (double_quant ? ", double-quantized constants" : "");
    case QuantMethod::kBnb8:
      return "bitsandbytes 8-bit (LLM.int8), a float32 scale per row";
  }
  return quant_method;
}

}  // namespace calflops
