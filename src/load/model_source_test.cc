#include "load/model_source.h"

#include <gtest/gtest.h>

#include "archs/arch_registry.h"

#include "model/error.h"
#include "tests/writers/tiny_llama.h"

namespace calflops {
namespace {

using testing::TempDir;
using testing::TinyLlama;

std::string ErrorOf(const std::string& model) {
  try {
    LoadModelSource(model, WithGgufMappings());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ModelSource, DetectsFormatsByContentNotExtension) {
  TempDir dir;
  TinyLlama m;
  ModelSource g = LoadModelSource(dir.Write("weights.bin", m.Gguf().File()), WithGgufMappings());
  EXPECT_EQ(g.format, "gguf");
  EXPECT_TRUE(g.config && g.weights);

  ModelSource s = LoadModelSource(dir.Write("model.gguf", testing::StFile(m.HfTensors())), WithGgufMappings());
  EXPECT_EQ(s.format, "safetensors");
  EXPECT_FALSE(s.config);  // no config.json beside it yet
  EXPECT_EQ(s.no_config_reason, "no config.json beside " + dir.Path("model.gguf"));

  ModelSource c = LoadModelSource(dir.Write("cfg.txt", m.ConfigJson()), WithGgufMappings());
  EXPECT_EQ(c.format, "config.json");
  EXPECT_FALSE(c.weights);

  dir.Write("config.json", m.ConfigJson());
  ModelSource s2 = LoadModelSource(dir.Path("model.gguf"), WithGgufMappings());
  EXPECT_TRUE(s2.config);  // now picked up from beside the weights
}

TEST(ModelSource, UnknownFormatSaysWhatWasTried) {
  TempDir dir;
  std::string onnx =
      dir.Write("m.onnx", std::vector<uint8_t>{0x08, 0x07, 0x12, 0x07, 'p', 'y', 't', 'o', 'r'});
  EXPECT_EQ(ErrorOf(onnx),
            onnx +
                ": unknown model format (tried: gguf, safetensors, json (config.json or "
                "safetensors index)); it starts with bytes 08 07 12 07 70 79 74 6f");
  std::string empty = dir.Write("empty", std::vector<uint8_t>{});
  EXPECT_EQ(ErrorOf(empty),
            empty +
                ": unknown model format (tried: gguf, safetensors, json (config.json or "
                "safetensors index)); it starts with nothing (empty file)");
  EXPECT_EQ(ErrorOf(dir.Path("missing.gguf")), dir.Path("missing.gguf") + ": no such file");
  std::string big = dir.Write("big.json", std::string(R"({"hidden_size": 1e999})"));
  EXPECT_EQ(ErrorOf(big), big +
                              ": invalid JSON at line 1, column 17: number '1e999' is beyond "
                              "the range of a double");
  EXPECT_EQ(ErrorOf(dir.path()), dir.path() +
                                     ": the directory holds no config.json, "
                                     "model.safetensors.index.json or *.safetensors");
}

TEST(ModelSource, DirectoryOfUnindexedShards) {
  TempDir dir;
  TinyLlama m;
  auto all = m.HfTensors();
  std::vector<testing::StTensor> a(all.begin(), all.begin() + 5), b(all.begin() + 5, all.end());
  dir.Write("part-a.safetensors", testing::StFile(a));
  dir.Write("part-b.safetensors", testing::StFile(b));
  ModelSource s = LoadModelSource(dir.path(), WithGgufMappings());
  ASSERT_TRUE(s.weights);
  EXPECT_EQ(s.weights->files.size(), 2u);
  EXPECT_EQ(s.weights->tensors.size(), all.size());
  EXPECT_EQ(s.no_config_reason, "no config.json in " + dir.path());
  // The same tensor in two files is an error naming both.
  dir.Write("part-c.safetensors", testing::StFile({a[0]}));
  EXPECT_EQ(ErrorOf(dir.path()), dir.Path("part-c.safetensors") +
                                     ": tensor 'model.embed_tokens.weight' at offset " +
                                     std::to_string(testing::StFile({a[0]}, false).size()) +
                                     ": is also in " + dir.Path("part-a.safetensors"));
}

TEST(ModelSource, ConfigStillRequiredForLoadModelConfig) {
  TempDir dir;
  TinyLlama m;
  std::string st = dir.Write("model.safetensors", testing::StFile(m.HfTensors()));
  try {
    LoadModelConfig(st);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUnsupported);
  }
  EXPECT_EQ(LoadModelConfig("llama-3-8b").String("model_type", ""), "llama");
}

}  // namespace
}  // namespace calflops
