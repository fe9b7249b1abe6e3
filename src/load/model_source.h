// Resolves what the user names as a model. The format of a file is detected from its content,
// never its extension, by the detectors in model_source.cc kDetectors[], in order:
//   gguf         the magic "GGUF"
//   safetensors  a u64 length with a zero byte, then '{'
//   json         a JSON object: a safetensors index if it has "weight_map", else a config.json
// A directory holds a config.json and/or safetensors weights (model.safetensors.index.json,
// else model.safetensors, else every *.safetensors). A weights file picks up the config.json
// beside it; a GGUF file carries its config in its metadata. Anything else that is not a path
// is looked up in the bundled zoo.
#pragma once

#include <optional>
#include <string>

#include "model/tensor_info.h"
#include "readers/hf_config/config.h"
#include "readers/read_options.h"

namespace calflops {

struct ModelSource {
  std::string format;                ///< "zoo", "config.json", "safetensors", "gguf"
  std::optional<Config> config;      ///< what the architecture builders read
  std::optional<TensorSet> weights;  ///< tensors from weight-file headers
  std::string no_config_reason;      ///< weights only: why no architecture can be built
};

/// Loads what a model argument names (a GGUF file gets a config through options.gguf_mappings). Throws a located error: missing file, malformed file, an
/// unrecognised format (naming the formats tried), or an unknown name with the closest zoo names.
ModelSource LoadModelSource(const std::string& model, const ReadOptions& options = {});

/// Loads the config a model argument names (a source without one is an error).
Config LoadModelConfig(const std::string& model, const ReadOptions& options = {});

// --- ONNX (graph files) -----------------------------------------------------------------------
namespace onnx {
/// True when the model argument names an ONNX file: a ".onnx" path, or an existing file whose
/// first byte is a ModelProto's ir_version tag (0x08), which no other supported format starts
/// with. ONNX files are read by readers/onnx (OnnxArchitecture), not through ModelSource.
bool IsOnnxModel(const std::string& model);
}  // namespace onnx
// ----------------------------------------------------------------------------------------------

}  // namespace calflops
