// The named limits in one table: `calflops --list-limits` prints it and docs/limits.md embeds it
// (a test keeps the two equal). A reader that adds a limit adds its row here.
#include <cstdio>
#include <string>
#include <vector>

#include "analysis/analyze.h"
#include "analysis/sweep.h"
#include "archs/moe/sparse_moe_block.h"
#include "calflops/calflops.h"
#include "model/error.h"
#include "model/image_limits.h"
#include "model/module_depth.h"
#include "model/module_tree.h"
#include "model/shape.h"
#include "model/workload.h"
#include "readers/byte_reader.h"
#include "readers/gguf/gguf_reader.h"
#include "readers/hardware/hardware_reader.h"
#include "readers/hf_config/config.h"
#include "readers/hf_config/quantization_config.h"
#include "readers/hub/http_headers.h"
#include "readers/hub/hub_cache.h"
#include "readers/hub/hub_env.h"
#include "readers/onnx/graph_inference.h"
#include "readers/onnx/onnx_model.h"
#include "readers/onnx/proto_reader.h"
#include "readers/onnx/tensor_info.h"
#include "report/report_model.h"

namespace calflops {
namespace limits {
namespace {

struct Limit {
  const char* name;
  std::string value;
  const char* bounds;
};

std::string Num(u128 v) { return Count::FromU128(v).ToString(); }
std::string Range(double lo, double hi) {
  char b[64];
  std::snprintf(b, sizeof b, "%.6g .. %.6g", lo, hi);
  return b;
}

std::vector<Limit> Limits() {
  return {
      {"kMaxConfigBytes", Num(kMaxConfigBytes), "bytes of a config.json"},
      {"kMaxJsonDepth", Num(kMaxJsonDepth), "nesting of objects and arrays in a config.json"},
      {"kMaxJsonStringBytes", Num(kMaxJsonStringBytes),
       "bytes of one string or key in a config.json"},
      {"kMaxJsonContainerElements", Num(kMaxJsonContainerElements),
       "members of one object or elements of one array in a config.json"},
      {"kMaxJsonValues", Num(kMaxJsonValues), "JSON values in a config.json (bounds its memory)"},
      {"kMaxConfigDim", Num(kMaxConfigDim),
       "any size in a config: hidden, intermediate, vocabulary, heads, head_dim, heads x head_dim"},
      {"kMaxLayers", Num(kMaxLayers), "layers of one stack (num_hidden_layers)"},
      {"kMaxModules", Num(kMaxModules), "modules of one model"},
      {"kMaxModuleDepth", Num(kMaxModuleDepth),
       "levels a module may nest below the model (ONNX scopes, live modules)"},
      {"kMaxTensorElements", Num(kMaxTensorElements),
       "elements of one parameter tensor (dims product; PyTorch's int64 numel)"},
      {"kMaxExpertsPerLayer", Num(kMaxExpertsPerLayer), "routed experts in one MoE layer"},
      {"kMaxExpertsTotal", Num(kMaxExpertsTotal), "routed experts in a whole model"},
      {"kMaxRank", Num(kMaxRank), "dimensions of one tensor"},
      {"kMaxHeaderBytes", Num(kMaxHeaderBytes),
       "bytes of a safetensors JSON header or index, or of GGUF metadata + tensor infos"},
      {"kMaxStringBytes", Num(kMaxStringBytes), "one GGUF metadata string"},
      {"kMaxKeyBytes", Num(kMaxKeyBytes), "one GGUF metadata key"},
      {"kMaxNameBytes", Num(kMaxNameBytes), "one tensor name (GGUF, safetensors)"},
      {"kMaxArrayElements", Num(kMaxArrayElements), "elements of one GGUF metadata array"},
      {"kMaxTensors", Num(kMaxTensors), "tensors in one file or sharded checkpoint"},
      {"kMaxMetadataPairs", Num(kMaxMetadataPairs), "GGUF metadata key/value pairs"},
      {"kMaxTensorRank", Num(kMaxTensorRank), "dimensions of a safetensors tensor"},
      {"kMaxGgufDims", Num(kMaxGgufDims), "dimensions of a GGUF tensor"},
      {"kMaxNestingDepth", Num(kMaxNestingDepth), "nesting of GGUF arrays of arrays"},
      {"kMaxShards", Num(kMaxShards), "shards of one safetensors checkpoint"},
      {"kMaxNotConverted", Num(kMaxNotConverted),
       "entries of a quantization_config's modules_to_not_convert / llm_int8_skip_modules"},
      {"hub::kMaxRefBytes", Num(hub::kMaxRefBytes), "bytes of a Hugging Face cache ref file"},
      {"hub::kMaxTokenBytes", Num(hub::kMaxTokenBytes), "bytes of a Hugging Face token file read"},
      {"hub::kMaxHeaderValueBytes", Num(hub::kMaxHeaderValueBytes),
       "bytes of an HTTP response header value kept (ETag, X-Repo-Commit, Content-Range)"},
      {"onnx::kMaxOnnxRank", Num(onnx::kMaxOnnxRank), "dimensions of one ONNX tensor"},
      {"onnx::kMaxOnnxDim", Num(onnx::kMaxOnnxDim), "one ONNX dimension"},
      {"onnx::kMaxGraphDepth", Num(onnx::kMaxGraphDepth),
       "nesting of ONNX subgraphs (If, Loop, Scan)"},
      {"onnx::kMaxInferredNodes", Num(onnx::kMaxInferredNodes),
       "ONNX node inferences: main-graph nodes, subgraph bodies once per node, function bodies "
       "once per call (trip counts multiply costs, never work)"},
      {"onnx::kMaxFoldElements", Num(onnx::kMaxFoldElements),
       "elements of an ONNX tensor whose values shape inference computes"},
      {"onnx::kMaxInitializers", Num(onnx::kMaxInitializers),
       "initializers (dense and sparse) of one ONNX graph"},
      {"onnx::kMaxProtoFields", Num(onnx::kMaxProtoFields),
       "protobuf fields read from one ONNX file, nested ones included (a packed array is one)"},
      {"kMaxImageSide", Num(kMaxImageSide),
       "pixels on one side of an image: image_size, patch_size, --image-size, "
       "image_grid_pinpoints"},
      {"kMinMemoryGib .. kMaxMemoryGib", Range(kMinMemoryGib, kMaxMemoryGib),
       "a device profile's memory_gib (one byte and up)"},
      {"kMinBandwidthGbS .. kMaxBandwidthGbS", Range(kMinBandwidthGbS, kMaxBandwidthGbS),
       "a device profile's memory_bandwidth_gb_s (one byte per second and up)"},
      {"kMinPeakTflops .. kMaxPeakTflops", Range(kMinPeakTflops, kMaxPeakTflops),
       "a device profile's peak_tflops (one FLOP per second and up)"},
      {"kMaxTokens", Num(kMaxTokens),
       "--batch-size, --seq-len, --prompt-tokens, and prompt + new tokens"},
      {"kMaxSteps", Num(kMaxSteps), "--max-new-tokens (generation steps)"},
      {"kMaxSweepPoints", Num(kMaxSweepPoints), "points of one sweep range"},
      {"kMaxSweepWork", Num(kMaxSweepWork),
       "work units (modules x traced calls, x3 to train) of the points one sweep command "
       "analyses in full, or of the rows of one compare (+ 2 x modules a row)"},
      {"kMaxBpFactor", Num(static_cast<u128>(kMaxBpFactor)), "--bp-factor"},
      {"kMaxErrorPartBytes", Num(kMaxErrorPartBytes),
       "bytes of an error's place or text (longer ones keep head and tail)"},
      {"Count", "340282366920938463463374607431768211455",
       "any parameter, MAC or FLOP count (2^128 - 1): beyond it, exit 4"},
  };
}

}  // namespace
}  // namespace limits

void WriteLimitsTable(std::ostream& out) {
  out << "| limit | value | bounds |\n|---|---:|---|\n";
  for (const limits::Limit& l : limits::Limits())
    out << "| " << l.name << " | " << l.value << " | " << l.bounds << " |\n";
}

}  // namespace calflops
