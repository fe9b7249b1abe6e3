// Options shared by the weights-file readers.
#pragma once

#include <span>

namespace calflops {

struct GgufMapping;  // readers/gguf/gguf_mapping.h

struct ReadOptions {
  /// Accept files whose tensor data region is missing or shorter than the headers declare (a
  /// header-only copy): the extents are still checked against each other, not against the file
  /// size. The readers never read tensor data either way.
  bool header_only = false;
  /// How GGUF architectures map to config.json model types: the families' mappings, which live
  /// with the families (archs' GgufMappings()). Empty: a GGUF file is read for its tensors only.
  std::span<const GgufMapping> gguf_mappings = {};
};

}  // namespace calflops
