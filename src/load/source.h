// The load layer's one entry point: whatever names a model (a zoo name, a path to a config, a
// directory, weight files, an ONNX graph, "-" for a config.json on standard input) goes through
// Load(), which asks each source in kSources (load/source.cc) in turn. A new source (the
// Hugging Face Hub cache, live PyTorch module records) = one file defining its SourceKind + one
// line in that list.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "archs/arch_registry.h"
#include "load/model_source.h"
#include "model/architecture.h"
#include "readers/onnx/onnx_architecture.h"
#include "readers/read_options.h"

namespace calflops {

/// How to load: typed values, set by the front end from the validated options.
struct LoadOptions {
  BuildOptions build;          ///< attention implementation, transformers class
  std::optional<DType> dtype;  ///< overrides the config's torch_dtype (and the weights' bytes)
  ReadOptions read;            ///< weight files: header_only
  bool weights_only = false;   ///< read the weight files, build no architecture
  onnx::OnnxOptions onnx;      ///< ONNX: symbolic dims, input shapes, batch / seq defaults
  bool batch_given = false;    ///< --batch-size was given: a graph must have a batch dim
  bool seq_len_given = false;  ///< --seq-len was given: a graph must have a sequence dim
};

/// What a source yields: an architecture to cost, and/or the config and weight files read.
struct LoadedModel {
  std::unique_ptr<Architecture> arch;  ///< null: nothing to cost (weight files only)
  std::optional<ModelSource> files;    ///< config and weight-file headers, when read
  uint32_t kinds = 0;                  ///< ModelKind bits (calflops/types.h)
  std::string note;                    ///< why no architecture was built
  std::vector<std::string> notes;      ///< one line each: how the config was read
};

struct SourceKind {
  std::string_view name;  ///< "onnx", "stdin", "files"
  /// Whether this source reads `model` (sources are asked in list order; the last claims all).
  bool (*claims)(const std::string& model);
  LoadedModel (*load)(const std::string& model, const LoadOptions& options);
};

/// The sources, in the order they are asked.
std::span<const SourceKind> AllSources();
/// Loads what `model` names through the first source that claims it.
LoadedModel Load(const std::string& model, const LoadOptions& options);
/// Builds the architecture a config describes and wraps what was read (shared by the sources
/// that end in a config: files, stdin, a Hub cache).
LoadedModel FromModelSource(ModelSource source, const LoadOptions& options);

// Sources, one per file.
const SourceKind& OnnxSource();
const SourceKind& StdinSource();
const SourceKind& FilesSource();

}  // namespace calflops
