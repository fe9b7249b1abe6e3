// The bundled zoo: real config.json files compiled into the binary (zoo/*.json at build time),
// so `calflops llama-3-8b` works from any directory with no download.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace calflops {

struct ZooEntry {
  std::string_view name;  ///< short name: the file name without .json
  std::string_view json;  ///< the config.json text
};

std::span<const ZooEntry> ZooEntries();
const ZooEntry* FindZoo(std::string_view name);
/// Up to `n` zoo names closest to `name` (edit distance), for "did you mean" messages.
std::vector<std::string> ClosestZooNames(std::string_view name, size_t n = 3);

}  // namespace calflops
