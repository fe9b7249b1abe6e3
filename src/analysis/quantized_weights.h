// Prices a built model's weights as a config's quantization_config stores them
// (model/quantization.h), through Param::stored_type / stored_bytes like a
// weight file does (stored_weights.h): the memory estimate and the bytes each op reads follow;
// the parameter count does not change.
//
// Which weights each method quantizes, as transformers' quantizers replace modules:
//   fp8: the `weight` of every nn.Linear; gptq, awq, bitsandbytes: also of GPT-2's Conv1D;
//   mxfp4: the fused expert tensors (parameters of rank >= 2 of a module whose class ends in
//          "Experts", gpt-oss's GptOssExperts), nothing else.
// Left at the config's dtype: biases, embeddings, norms, routers that are no nn.Linear, tied
// weights, modules matching the config's not-convert list (a substring of the module path, or a
// glob with `*` over the path or one of its ancestors), and the output head `lm_head` (unless
// bitsandbytes names its own skip list).
//
// Bytes of one quantized weight of `in` input features and `out` outputs (n = in x out):
//   fp8 block-wise   n + ceil(out/br) x ceil(in/bc) x 4          (float32 weight_scale_inv)
//   fp8 per tensor   n + 4
//   mxfp4            (n/in) x ceil(in/32) x 17                    (16 bytes of e2m1 + e8m0 scale)
//   gptq             ceil(in*b/32)*4*out (qweight) + G*ceil(out*b/32)*4 (qzeros)
//                    + G*out*2 (fp16 scales) + in*4 (g_idx),      G = ceil(in/group) or 1
//   awq              in*ceil(out*b/32)*4 + [zero_point] G*ceil(out*b/32)*4 + G*out*2
//   bitsandbytes 4   ceil(n/2) + B*4, or with double quant B + ceil(B/256)*4 + 4,  B = ceil(n/64)
//   bitsandbytes 8   n + out*4                                    (float32 SCB per row)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/count.h"
#include "model/module_tree.h"
#include "model/quantization.h"

namespace calflops {

struct QuantizedWeights {
  std::string description;  ///< QuantizationConfig::Describe()
  uint64_t quantized_tensors = 0;
  Count quantized_bytes;        ///< what those tensors occupy quantized
  Count quantized_dtype_bytes;  ///< what they would occupy at their dtype
  /// Weights of the kind the method quantizes that it leaves at their dtype, as module paths with
  /// layer indices written `*` ("lm_head", "model.layers.*.self_attn.q_proj"), in tree order.
  std::vector<std::string> unquantized;
};

/// Bytes of one weight of `shape` quantized by `q`; `input_dim` is the axis of input features.
Count QuantizedBytes(const QuantizationConfig& q, const Shape& shape, int input_dim);

/// Whether the module at `path` matches one of `patterns` (substring, or glob with `*`).
bool MatchesNotConvert(const std::vector<std::string>& patterns, const std::string& path);

/// Sets Param::stored_type / stored_bytes in `tree` for every weight `q` quantizes.
QuantizedWeights PriceQuantized(const QuantizationConfig& q, ModuleTree& tree);

}  // namespace calflops
