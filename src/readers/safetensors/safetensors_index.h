// Sharded safetensors checkpoints: model.safetensors.index.json names the shard of every tensor;
// each shard is an ordinary safetensors file whose header is read (never its data).
//
// Index layout (as transformers writes it):
//   { "metadata": { "total_size": <bytes>, ... },        (optional; total_size is not trusted)
//     "weight_map": { "<tensor name>": "<shard file name>", ... } }
//
// Checks: the index is a JSON object with a weight_map of strings; shard names are plain file
// names in the index's directory; every listed tensor is in its shard, and every tensor of a
// shard is listed for that shard (so no tensor is in two shards).
#pragma once

#include <string>
#include <vector>

#include "model/tensor_info.h"
#include "readers/read_options.h"

namespace calflops {

/// Reads the index and the header of every shard it names.
TensorSet ReadSafetensorsIndex(const std::string& index_path, const ReadOptions& options);

/// The same from the index text (for tests and the fuzzer): shards are read from `dir`.
TensorSet ReadSafetensorsIndexText(std::string_view text, const std::string& index_path,
                                   const std::string& dir, const ReadOptions& options);

/// Several safetensors files that form one checkpoint without an index (a directory holding
/// more than one): their tensors, with a duplicate name across files an error.
TensorSet ReadSafetensorsFiles(const std::vector<std::string>& paths, const ReadOptions& options);

}  // namespace calflops
