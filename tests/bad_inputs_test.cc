// The bad-input corpus, tests/bad_inputs/: one malformed input per failure class, each with a
// sidecar <case>.expected holding the exit code ("exit N") and the exact one line the CLI must
// print on stderr (a line ending in "[...]" fixes only what comes before, for messages that list
// a growing registry); an optional <case>.args adds command-line arguments. Each case runs the CLI
// in a scratch copy of its input: stdout must stay empty, and the input must be left as it was. A
// few cases too large to commit (a 17 MiB file, a 1 MiB string, ...) are generated here.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(CALFLOPS_SOURCE_DIR) / "tests" / "bad_inputs";

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Outcome {
  int exit_code = -1;  ///< -1: did not exit normally (a signal)
  std::string err;
  std::string out;
};

/// Runs the CLI in `dir` on `input` (a file name there) with `args`: `input` comes first, or
/// where `args` says {input} (a file that is not the model, such as --hardware-file {input}).
Outcome RunIn(const fs::path& dir, const std::string& input, const std::string& args) {
  fs::path out_file = dir.parent_path() / (dir.filename().string() + ".stdout");
  std::string command_args = "'" + input + "' " + args;
  if (auto at = args.find("{input}"); at != std::string::npos) {
    command_args = args.substr(0, at) + "'" + input + "'" + args.substr(at + 7);
  }
  std::string cmd = "cd '" + dir.string() + "' && '" + CALFLOPS_BINARY + "' " + command_args +
                    " 2>&1 >'" + out_file.string() + "'";
  FILE* p = popen(cmd.c_str(), "r");
  Outcome o;
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) o.err.append(buf.data(), n);
  int status = pclose(p);
  if (WIFEXITED(status)) o.exit_code = WEXITSTATUS(status);
  o.out = Read(out_file);
  return o;
}

fs::path ScratchDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / "calflops_bad_inputs" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// Runs one case and checks the exit code, the stderr line, an empty stdout and the untouched
/// input.
void Check(const fs::path& dir, const std::string& input, const std::string& args, int code,
           const std::string& line) {
  std::string before = Read(dir / input);
  Outcome o = RunIn(dir, input, args);
  EXPECT_EQ(o.exit_code, code) << input << ": " << o.err;
  const std::string open_end = "[...]";
  if (line.size() >= open_end.size() && line.substr(line.size() - open_end.size()) == open_end) {
    // A message that lists a registry (supported model types) ends in "[...]" in the sidecar:
    // the rest of the line grows with the registry.
    std::string head = line.substr(0, line.size() - open_end.size());
    EXPECT_EQ(o.err.substr(0, head.size()), head) << input;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << input;
    EXPECT_EQ(o.err.back(), '\n') << input;
  } else {
    EXPECT_EQ(o.err, line + "\n") << input;
  }
  EXPECT_EQ(o.out, "") << input << ": an error must not print a report";
  EXPECT_TRUE(Read(dir / input) == before) << input << " was modified";
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

TEST(BadInputs, EveryCaseGivesItsExpectedErrorAndExitCode) {
  std::set<std::string> classes;
  for (const auto& e : fs::directory_iterator(kCorpus)) {
    fs::path p = e.path();
    std::string ext = p.extension().string();
    if (!e.is_regular_file() || ext == ".expected" || ext == ".args" || ext == ".md") continue;
    std::string stem = p.stem().string();
    fs::path expected = kCorpus / (stem + ".expected");
    ASSERT_TRUE(fs::exists(expected)) << p << " has no " << expected.filename();
    std::istringstream spec(Read(expected));
    std::string exit_line, line;
    std::getline(spec, exit_line);
    std::getline(spec, line);
    ASSERT_EQ(exit_line.rfind("exit ", 0), 0u) << expected << ": first line must be 'exit N'";
    int code = std::stoi(exit_line.substr(5));
    std::string args =
        fs::exists(kCorpus / (stem + ".args")) ? Trim(Read(kCorpus / (stem + ".args"))) : "";

    fs::path dir = ScratchDir(stem);
    fs::copy_file(p, dir / p.filename());
    SCOPED_TRACE(stem);
    Check(dir, p.filename().string(), args, code, line);
    EXPECT_TRUE(classes.insert(stem).second);
  }
  // One case per failure class; the config reader alone has more than 25.
  EXPECT_GE(classes.size(), 50u);
}

TEST(BadInputs, EveryExpectationHasItsCase) {
  for (const auto& e : fs::directory_iterator(kCorpus)) {
    if (e.path().extension() != ".expected" && e.path().extension() != ".args") continue;
    std::string stem = e.path().stem().string();
    bool has_input = false;
    for (const auto& f : fs::directory_iterator(kCorpus)) {
      auto ext = f.path().extension();
      has_input |= f.path().stem() == stem && ext != ".expected" && ext != ".args";
    }
    EXPECT_TRUE(has_input) << e.path() << " has no input file";
  }
}

// Cases generated at test time: too large to commit, same contract.
TEST(BadInputs, GeneratedLargeCases) {
  const std::string tiny =
      R"("model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 100)";
  {
    // 17 MiB, sparse: the size is refused before a byte is read.
    fs::path dir = ScratchDir("huge_file");
    { std::ofstream(dir / "huge_file.json") << "{"; }
    fs::resize_file(dir / "huge_file.json", 17u << 20);
    Check(dir, "huge_file.json", "", 2,
          "calflops: huge_file.json: file is 17825792 bytes, above the 16777216-byte limit for a "
          "config");
  }
  {
    fs::path dir = ScratchDir("string_too_long");
    std::ofstream(dir / "string_too_long.json")
        << "{" << tiny << R"(, "_name_or_path": ")" << std::string((1u << 20) + 1, 'x') << "\"}";
    Check(dir, "string_too_long.json", "", 2,
          "calflops: string_too_long.json: key '_name_or_path': a string of 1048577 bytes, above "
          "the limit of 1048576");
  }
  {
    fs::path dir = ScratchDir("array_too_long");
    std::ofstream f(dir / "array_too_long.json");
    f << "{" << tiny << R"(, "id2label": [0)";
    for (int i = 0; i < (1 << 18); ++i) f << ",0";
    f << "]}";
    f.close();
    Check(dir, "array_too_long.json", "", 2,
          "calflops: array_too_long.json: key 'id2label[262144]': more than 262144 elements in "
          "one array (limit)");
  }
  {
    fs::path dir = ScratchDir("object_too_large");
    std::ofstream f(dir / "object_too_large.json");
    f << "{" << tiny << R"(, "label2id": {)";
    for (int i = 0; i <= (1 << 18); ++i) f << (i ? "," : "") << "\"" << i << "\":0";
    f << "}}";
    f.close();
    Check(dir, "object_too_large.json", "", 2,
          "calflops: object_too_large.json: key 'label2id.262144': more than 262144 elements in "
          "one object (limit)");
  }
  {
    fs::path dir = ScratchDir("too_many_values");
    std::ofstream f(dir / "too_many_values.json");
    f << "{" << tiny << R"(, "table": [)";
    for (int i = 0; i < 5; ++i) {
      f << (i ? "," : "") << "[0";
      for (int k = 1; k < 250000; ++k) f << ",0";
      f << "]";
    }
    f << "]}";
    f.close();
    Check(dir, "too_many_values.json", "", 2,
          "calflops: too_many_values.json: key 'table[4][48563]': more than 1048576 JSON values in "
          "the file (limit)");
  }
}

}  // namespace
