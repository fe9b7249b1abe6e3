#include "readers/safetensors/safetensors_index.h"

#include <gtest/gtest.h>

#include "model/error.h"
#include "tests/writers/safetensors_writer.h"
#include "tests/writers/temp_dir.h"

namespace calflops {
namespace {

using testing::StFile;
using testing::StTensor;
using testing::TempDir;

// Two shards: s1 = {a, b}, s2 = {c}.
struct Shards {
  TempDir dir;
  Shards() {
    dir.Write("s1.safetensors", StFile({{"a", "F32", {4}, 32}, {"b", "F16", {2, 3}, 16}}));
    dir.Write("s2.safetensors", StFile({{"c", "BF16", {8}, 16}}));
  }
  std::string ErrorOf(const std::string& index) const {
    try {
      ReadSafetensorsIndexText(index, "idx.json", dir.path(), {});
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
};

TEST(SafetensorsIndex, ReadsEveryShardHeader) {
  Shards s;
  std::string index = R"({"metadata": {"total_size": 44}, "weight_map": {"c": "s2.safetensors",
                          "a": "s1.safetensors", "b": "s1.safetensors"}})";
  TensorSet t = ReadSafetensorsIndexText(index, "idx.json", s.dir.path(), {});
  ASSERT_EQ(t.files.size(), 2u);
  EXPECT_EQ(t.files[0].path, s.dir.Path("s1.safetensors"));
  ASSERT_EQ(t.tensors.size(), 3u);
  EXPECT_EQ(t.tensors[2].name, "c");
  EXPECT_EQ(t.tensors[2].file, 1u);
  Count bytes;
  for (const auto& x : t.tensors) bytes += x.bytes;
  EXPECT_EQ(bytes, Count(4 * 4 + 6 * 2 + 8 * 2));
}

TEST(SafetensorsIndex, MalformedIndexes) {
  Shards s;
  const std::string s1 = s.dir.Path("s1.safetensors");
  struct Case {
    const char* index;
    std::string error;
  } cases[] = {
      {"[1]", "idx.json: offset 0: the index is an array, expected a JSON object"},
      {R"({"metadata": {}})", "idx.json: key 'weight_map': is missing"},
      {R"({"weight_map": []})",
       "idx.json: key 'weight_map' at offset 1: is an array, expected an object"},
      {R"({"weight_map": {"a": 1}})",
       "idx.json: key 'a' at offset 16: weight_map value is an integer, expected a shard file "
       "name"},
      {R"({"weight_map": {"a": "../s1.safetensors"}})",
       "idx.json: key 'a' at offset 16: shard '../s1.safetensors' is not a file name in the "
       "index's directory"},
      {R"({"weight_map": {"a": "s1.safetensors", "a": "s2.safetensors"}})",
       "idx.json: key 'a' at offset 39: duplicate key"},
      {R"({"weight_map": {"a": "s1.safetensors"}})",
       s1 + ": tensor 'b' at offset " +
           std::to_string(StFile({{"a", "F32", {4}, 32}, {"b", "F16", {2, 3}, 16}}, false).size() +
                          16) +
           ": is not listed in the index's weight_map"},
      {R"({"weight_map": {"a": "s2.safetensors", "b": "s1.safetensors", "c": "s2.safetensors"}})",
       s1 + ": tensor 'a' at offset " +
           std::to_string(StFile({{"a", "F32", {4}, 32}, {"b", "F16", {2, 3}, 16}}, false).size()) +
           ": is listed in the index for shard 's2.safetensors'"},
      {R"({"weight_map": {"a": "s1.safetensors", "b": "s1.safetensors", "c": "s2.safetensors", "d": "s2.safetensors"}})",
       "idx.json: key 'd' at offset 85: is listed for shard 's2.safetensors', which has no such "
       "tensor"},
      {R"({"weight_map": {"z": "s3.safetensors"}})",
       s.dir.Path("s3.safetensors") + ": no such file"},
  };
  for (const auto& c : cases) EXPECT_EQ(s.ErrorOf(c.index), c.error) << c.index;
}

}  // namespace
}  // namespace calflops
