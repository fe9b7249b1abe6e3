// What a weights file says about its tensors, read from headers only: names, storage types,
// shapes and byte sizes. Readers (safetensors, GGUF) fill it; analysis/weights aggregates it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/count.h"
#include "model/shape.h"

namespace calflops {

struct TensorInfo {
  std::string
      name;  ///< as stored in the file ("model.layers.0.mlp.up_proj.weight", "blk.0.ffn_up.weight")
  std::string dtype;  ///< the format's storage type name: "BF16", "F8_E4M3", "Q4_K", "IQ2_XS"
  Shape shape;        ///< outermost dimension first, as PyTorch prints it (GGUF dims are reversed)
  Count elements;     ///< product of the shape (1 for a scalar)
  Count bytes;        ///< stored bytes: elements x bits / 8, or blocks x block bytes
  uint32_t file = 0;  ///< index into TensorSet::files
  uint64_t offset = 0;  ///< absolute offset of the data in its file
  /// The parameter's name in the Hugging Face module tree, when the file uses other names (GGUF);
  /// empty when `name` already is that name or no mapping is known.
  std::string model_name;
  /// One stored tensor holding the parameters of several modules (GGUF's stacked experts
  /// "blk.N.ffn_up_exps"): model_name is then the common parent module, compared as a whole.
  bool stacked = false;
  /// A stored constant that is no model parameter (GGUF's precomputed RoPE frequency factors):
  /// counted in the file's bytes, left out of the comparison with the architecture.
  bool constant = false;

  /// The name used for the module tree: model_name when set, else name.
  const std::string& tree_name() const { return model_name.empty() ? name : model_name; }
};

struct TensorFile {
  std::string path;
  uint64_t size_bytes = 0;    ///< the file's size on disk
  uint64_t header_bytes = 0;  ///< bytes before the data region
  uint64_t tensors = 0;
};

/// The tensors of one checkpoint (a file, or the shards of a sharded one), in file order.
struct TensorSet {
  std::string format;  ///< "safetensors" | "gguf"
  std::vector<TensorFile> files;
  std::vector<TensorInfo> tensors;
  /// Format-specific facts for the report ("gguf_version" -> "3", "alignment" -> "32", ...).
  std::vector<std::pair<std::string, std::string>> facts;
};

}  // namespace calflops
