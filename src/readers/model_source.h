// Resolves what the user names as a model: a zoo short name, a config.json path, or a directory
// holding one. (ONNX, GGUF and safetensors inputs plug in here.)
#pragma once

#include <string>

#include "readers/hf_config/config.h"

namespace calflops {

// --- ONNX (graph files) -----------------------------------------------------------------------
/// True when the model argument names an ONNX file: a ".onnx" path, or an existing file whose
/// first bytes are a ModelProto's ir_version field (tag 0x08) rather than JSON.
namespace onnx {
bool IsOnnxModel(const std::string& model);
}  // namespace onnx
// ----------------------------------------------------------------------------------------------

/// Loads the config a model argument names. Throws a located error: missing file, invalid
/// JSON, or an unknown name with the closest zoo names.
Config LoadModelConfig(const std::string& model);

}  // namespace calflops
