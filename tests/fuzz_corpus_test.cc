// Replays the committed seed corpora (fuzz/corpus/<reader>/: seeds and the reproducers of bugs
// the fuzzers found) through the fuzz targets' bodies, so the normal test run (and the sanitizer
// build) covers them without a fuzzing engine: every input must end in a result or a proper
// calflops::Error (one line, not internal), nothing else.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz/fuzz_entries.h"

namespace calflops {
namespace {

namespace fs = std::filesystem;

using Entry = int (*)(const uint8_t*, size_t);

/// Every fuzz target: its corpus folder and its body. A new reader adds a row.
struct Target {
  const char* reader;
  Entry entry;
  int min_inputs;
};
constexpr Target kTargets[] = {
    {"gguf", fuzz::Gguf, 10},
    {"safetensors", fuzz::Safetensors, 10},
    {"safetensors_index", fuzz::SafetensorsIndex, 5},
    // Seeds: small fixtures, ONNX node tests with subgraphs and sequences, and inputs that once
    // crashed the ONNX fuzzer (a Reshape dim product overflow, a node without outputs).
    {"onnx", fuzz::Onnx, 10},
    // Seeds: the zoo, small Llama variants, and inputs that once crashed the config fuzzer.
    {"config", fuzz::ConfigJson, 40},
    {"hardware", fuzz::HardwareProfile, 10},
    {"hub", fuzz::HubInputs, 5},
};

int Replay(const std::string& reader, Entry entry) {
  fs::path dir = fs::path(CALFLOPS_SOURCE_DIR) / "fuzz" / "corpus" / reader;
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::ifstream f(e.path(), std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                               std::istreambuf_iterator<char>());
    // An improper rejection (internal, multi-line) throws std::logic_error.
    EXPECT_NO_THROW(entry(bytes.data(), bytes.size())) << e.path();
    ++n;
  }
  return n;
}

TEST(FuzzCorpus, EveryTargetReplaysItsCorpus) {
  for (const Target& t : kTargets) {
    SCOPED_TRACE(t.reader);
    EXPECT_GE(Replay(t.reader, t.entry), t.min_inputs);
  }
}

TEST(FuzzCorpus, EveryCorpusFolderAndTargetFileIsListed) {
  auto listed = [](const std::string& name) {
    return std::any_of(std::begin(kTargets), std::end(kTargets),
                       [&](const Target& t) { return name == t.reader; });
  };
  fs::path fuzz = fs::path(CALFLOPS_SOURCE_DIR) / "fuzz";
  for (const auto& e : fs::directory_iterator(fuzz / "corpus")) {
    EXPECT_TRUE(listed(e.path().filename().string())) << e.path() << " is not replayed";
  }
  for (const auto& e : fs::directory_iterator(fuzz)) {
    std::string file = e.path().filename().string();
    const std::string suffix = "_fuzz.cc";
    if (file.size() <= suffix.size() || file.substr(file.size() - suffix.size()) != suffix)
      continue;
    EXPECT_TRUE(listed(file.substr(0, file.size() - suffix.size()))) << file << " has no replay";
  }
}

TEST(FuzzCorpus, ImproperRejectionsAreSpotted) {
  EXPECT_EQ(fuzz::RejectionProblem(BadInput("f.json", "bad")), "");
  EXPECT_EQ(fuzz::RejectionProblem(Error(ExitCode::kOverflow, "", "count overflow")), "");
  EXPECT_NE(fuzz::RejectionProblem(Error(ExitCode::kInternal, "", "oops")), "");
  EXPECT_NE(fuzz::RejectionProblem(BadInput("", "")), "");
  // Error escapes control characters itself, so even a newline from the input stays on one line.
  EXPECT_EQ(fuzz::RejectionProblem(BadInput("f.json", "a\nb")), "");
}

}  // namespace
}  // namespace calflops
