// Replays every committed fuzz input (fuzz/corpus/<target>/: seeds and the reproducers of bugs
// the fuzzers found) through the fuzz target functions, in the normal build: each input must be
// accepted, or rejected with a proper calflops::Error (one line, not internal). The sanitizer
// build runs this too, so corpus regressions are checked under ASan and UBSan on every CI run.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz_target.h"

namespace calflops::fuzz {
namespace {

namespace fs = std::filesystem;

fs::path CorpusRoot() { return fs::path(CALFLOPS_SOURCE_DIR) / "fuzz" / "corpus"; }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(FuzzReplay, EveryCorpusFolderHasATarget) {
  for (const auto& dir : fs::directory_iterator(CorpusRoot())) {
    if (!dir.is_directory()) continue;
    std::string name = dir.path().filename().string();
    bool found = std::any_of(Targets().begin(), Targets().end(),
                             [&](const Target& t) { return name == t.name; });
    EXPECT_TRUE(found) << "fuzz/corpus/" << name << " has no fuzz/" << name << "_fuzz.cc target";
  }
}

TEST(FuzzReplay, EveryCorpusInputAcceptedOrRejectedCleanly) {
  ASSERT_FALSE(Targets().empty()) << "no fuzz target registered";
  for (const Target& t : Targets()) {
    fs::path dir = CorpusRoot() / t.name;
    ASSERT_TRUE(fs::is_directory(dir)) << dir << " missing";
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    int accepted = 0, rejected = 0;
    for (const fs::path& f : files) {
      std::string bytes = ReadFile(f);
      try {
        t.run(bytes);
        ++accepted;
      } catch (const Error& e) {
        ++rejected;
        EXPECT_EQ(RejectionProblem(e), "") << f;
      } catch (const std::exception& e) {
        ADD_FAILURE() << f << ": not a calflops::Error: " << e.what();
      }
    }
    // The seeds hold valid models and the reproducers hold bad ones: both paths are replayed.
    EXPECT_GT(accepted, 0) << t.name;
    EXPECT_GT(rejected, 0) << t.name;
    std::printf("fuzz corpus %s: %zu inputs, %d accepted, %d rejected\n", t.name, files.size(),
                accepted, rejected);
  }
}

TEST(FuzzReplay, RejectionProblemSpotsImproperErrors) {
  EXPECT_EQ(RejectionProblem(BadInput("f.json", "bad")), "");
  EXPECT_NE(RejectionProblem(Error(ExitCode::kInternal, "", "oops")), "");
  EXPECT_NE(RejectionProblem(BadInput("", "")), "");
  // Error escapes control characters, so even a newline from the input stays on one line.
  EXPECT_EQ(RejectionProblem(BadInput("f.json", "a\nb")), "");
  EXPECT_EQ(std::string(BadInput("f.json", "a\nb").what()), "f.json: a\\nb");
}

}  // namespace
}  // namespace calflops::fuzz
