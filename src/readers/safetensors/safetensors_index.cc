#include "readers/safetensors/safetensors_index.h"

#include <algorithm>
#include <filesystem>
#include <unordered_map>

#include "readers/byte_reader.h"
#include "readers/file_bytes.h"
#include "readers/safetensors/safetensors_reader.h"
#include "readers/strict_json.h"

namespace calflops {
using nlohmann::json;
namespace fs = std::filesystem;

namespace safetensors_index {
namespace {

/// Appends one file's tensors to a checkpoint's set.
void Append(TensorSet& all, TensorSet&& one) {
  auto file = static_cast<uint32_t>(all.files.size());
  all.files.push_back(std::move(one.files[0]));
  for (auto& t : one.tensors) {
    t.file = file;
    all.tensors.push_back(std::move(t));
  }
  if (all.tensors.size() > kMaxTensors) {
    throw BadInput(all.files.back().path, "the checkpoint exceeds the limit of " +
                                              std::to_string(kMaxTensors) + " tensors");
  }
}

bool IsPlainFileName(const std::string& s) {
  return !s.empty() && s != "." && s != ".." && s.find('/') == std::string::npos &&
         s.find('\\') == std::string::npos && IsCleanUtf8(s);
}

}  // namespace
}  // namespace safetensors_index

TensorSet ReadSafetensorsIndexText(std::string_view text, const std::string& index_path,
                                   const std::string& dir, const ReadOptions& options) {
  if (text.size() > kMaxHeaderBytes) {
    throw BadInput(index_path, "the index is " + std::to_string(text.size()) +
                                   " bytes, above the limit of " + std::to_string(kMaxHeaderBytes));
  }
  json index = ParseStrictJson(text, index_path, 0);
  if (!index.is_object()) {
    throw BadInput(index_path + ": offset 0",
                   std::string("the index is ") + JsonTypeName(index) + ", expected a JSON object");
  }
  auto where_key = [&](const std::string& k) {
    return index_path + ": key " + QuoteName(k) + " at offset " +
           std::to_string(KeyOffset(text, k, 0));
  };
  auto wm = index.find("weight_map");
  if (wm == index.end()) throw BadInput(index_path + ": key 'weight_map'", "is missing");
  if (!wm->is_object()) {
    throw BadInput(where_key("weight_map"),
                   std::string("is ") + JsonTypeName(*wm) + ", expected an object");
  }
  if (wm->size() > kMaxTensors) {
    throw BadInput(where_key("weight_map"), "lists " + std::to_string(wm->size()) +
                                                " tensors, above the limit of " +
                                                std::to_string(kMaxTensors));
  }
  TensorSet all;
  all.format = "safetensors";
  if (auto meta = index.find("metadata"); meta != index.end() && meta->is_object()) {
    if (auto ts = meta->find("total_size"); ts != meta->end() && ts->is_number_unsigned()) {
      all.facts.emplace_back("index_total_size", std::to_string(ts->get<uint64_t>()));
    }
  }
  // Shards in name order (model-00001-of-00002 first); each tensor's shard.
  std::vector<std::string> shards;
  std::unordered_map<std::string, size_t> shard_ids;
  std::unordered_map<std::string, std::string> listed;  // tensor -> shard
  for (const auto& [name, shard] : wm->items()) {
    if (name.size() > kMaxNameBytes) {
      throw BadInput(index_path + ": weight_map",
                     "a tensor name of " + std::to_string(name.size()) +
                         " bytes, above the limit of " + std::to_string(kMaxNameBytes));
    }
    if (!shard.is_string()) {
      throw BadInput(where_key(name), std::string("weight_map value is ") + JsonTypeName(shard) +
                                          ", expected a shard file name");
    }
    const std::string& s = shard.get_ref<const std::string&>();
    if (!safetensors_index::IsPlainFileName(s)) {
      throw BadInput(where_key(name),
                     "shard " + QuoteName(s) + " is not a file name in the index's directory");
    }
    if (shard_ids.emplace(s, 0).second) {
      if (shards.size() == kMaxShards) {
        throw BadInput(where_key(name), "more than " + std::to_string(kMaxShards) + " shards");
      }
      shards.push_back(s);
    }
    listed.emplace(name, s);
  }
  std::sort(shards.begin(), shards.end());
  for (size_t i = 0; i < shards.size(); ++i) shard_ids[shards[i]] = i;
  all.facts.emplace_back("index", index_path);
  all.facts.emplace_back("shards", std::to_string(shards.size()));
  std::unordered_map<std::string, size_t> seen;  // tensor -> shard id it was found in
  for (size_t id = 0; id < shards.size(); ++id) {
    std::string path = (fs::path(dir) / shards[id]).string();
    TensorSet one = ReadSafetensorsFile(path, options);
    for (const auto& t : one.tensors) {
      auto l = listed.find(t.name);
      std::string where =
          path + ": tensor " + QuoteName(t.name) + " at offset " + std::to_string(t.offset);
      if (l == listed.end()) throw BadInput(where, "is not listed in the index's weight_map");
      if (l->second != shards[id]) {
        throw BadInput(where, "is listed in the index for shard " + QuoteName(l->second));
      }
      seen.emplace(t.name, id);
    }
    safetensors_index::Append(all, std::move(one));
  }
  // Report a listed tensor no shard holds, the first in name order.
  for (const auto& [name, shard] : wm->items()) {
    if (!seen.count(name)) {
      throw BadInput(where_key(name), "is listed for shard " + QuoteName(shard.get<std::string>()) +
                                          ", which has no such tensor");
    }
  }
  return all;
}

TensorSet ReadSafetensorsIndex(const std::string& index_path, const ReadOptions& options) {
  uint64_t size = RegularFileSize(index_path);
  if (size > kMaxHeaderBytes) {
    throw BadInput(index_path, "the index is " + std::to_string(size) +
                                   " bytes, above the limit of " + std::to_string(kMaxHeaderBytes));
  }
  std::vector<uint8_t> bytes = ReadFileRange(index_path, 0, size);
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return ReadSafetensorsIndexText(text, index_path, fs::path(index_path).parent_path().string(),
                                  options);
}

TensorSet ReadSafetensorsFiles(const std::vector<std::string>& paths, const ReadOptions& options) {
  TensorSet all;
  all.format = "safetensors";
  std::unordered_map<std::string, std::string> owner;
  for (const auto& path : paths) {
    TensorSet one = ReadSafetensorsFile(path, options);
    for (const auto& t : one.tensors) {
      auto [it, added] = owner.emplace(t.name, path);
      if (!added) {
        throw BadInput(
            path + ": tensor " + QuoteName(t.name) + " at offset " + std::to_string(t.offset),
            "is also in " + it->second);
      }
    }
    safetensors_index::Append(all, std::move(one));
  }
  return all;
}

}  // namespace calflops
