// Zoo names, config.json files, directories and weight files (.safetensors, index, .gguf),
// recognised by content (load/model_source.h). Claims every model: it is the last source.
#include "load/source.h"

namespace calflops {
namespace files_source {
namespace {

bool Always(const std::string&) { return true; }

LoadedModel LoadFiles(const std::string& model, const LoadOptions& options) {
  return FromModelSource(LoadModelSource(model, WithGgufMappings(options.read)), options);
}

}  // namespace
}  // namespace files_source

const SourceKind& FilesSource() {
  static const SourceKind s{"files", files_source::Always, files_source::LoadFiles};
  return s;
}

}  // namespace calflops
