// Replays the committed seed corpora (fuzz/corpus/<reader>/) through the fuzz targets' bodies,
// so the normal test run covers them without a fuzzing engine: every input must end in a
// result or a located calflops::Error, nothing else.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz/fuzz_entries.h"

namespace calflops {
namespace {

namespace fs = std::filesystem;

int Replay(const std::string& reader, int (*entry)(const uint8_t*, size_t)) {
  fs::path dir = fs::path(CALFLOPS_SOURCE_DIR) / "fuzz" / "corpus" / reader;
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::ifstream f(e.path(), std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                               std::istreambuf_iterator<char>());
    EXPECT_NO_THROW(entry(bytes.data(), bytes.size())) << e.path();
    ++n;
  }
  return n;
}

TEST(FuzzCorpus, Gguf) { EXPECT_GE(Replay("gguf", fuzz::Gguf), 10); }
TEST(FuzzCorpus, Safetensors) { EXPECT_GE(Replay("safetensors", fuzz::Safetensors), 10); }
TEST(FuzzCorpus, SafetensorsIndex) {
  EXPECT_GE(Replay("safetensors_index", fuzz::SafetensorsIndex), 5);
}

// Seeds: small fixtures, ONNX node tests with subgraphs and sequences, and inputs that once
// crashed the ONNX fuzzer (a Reshape dim product overflow, a node without outputs).
TEST(FuzzCorpus, Onnx) { EXPECT_GE(Replay("onnx", fuzz::Onnx), 10); }

}  // namespace
}  // namespace calflops
