// The command line, run as a process: bad input gives one line naming the file and the place,
// and a non-zero exit; the main job prints the calflops report.
#include <gtest/gtest.h>

#include "cli_util.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

using cli::Result;
using cli::RunCli;

std::string WriteTemp(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / "calflops_cli_test";
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(Cli, MainJobPrintsTheLlama3Report) {
  Result r = RunCli("llama-3-8b");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(
      r.out.find(
          "Total Training Params:                                                  8.03 B  \n"),
      std::string::npos);
  EXPECT_NE(r.out.find("(0-31): 32 x LlamaDecoderLayer("), std::string::npos);
  EXPECT_NE(r.out.find("(q_proj): Linear(16.78 M = 0.21% Params"), std::string::npos);
}

TEST(Cli, MissingFile) {
  Result r = RunCli("/nonexistent/config.json");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "calflops: /nonexistent/config.json: no such file\n");
}

TEST(Cli, InvalidJsonGivesLineAndColumn) {
  std::string f =
      WriteTemp("bad.json", "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 40 96\n}\n");
  Result r = RunCli(f);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find(f + ": invalid JSON at line 3, column"), std::string::npos) << r.out;
  EXPECT_EQ(Lines(r.out), 1);
}

TEST(Cli, MissingModelType) {
  std::string f = WriteTemp("notype.json", "{\"hidden_size\": 64}");
  Result r = RunCli(f);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "calflops: " + f +
                       ": key 'model_type': is missing, and so is architectures: cannot tell the "
                       "architecture\n");
}

TEST(Cli, WrongType) {
  std::string f =
      WriteTemp("wrongtype.json", "{\"model_type\": \"llama\", \"num_attention_heads\": \"32\"}");
  Result r = RunCli(f);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out,
            "calflops: " + f + ": key 'num_attention_heads': is a string, expected an integer\n");
}

TEST(Cli, AbsurdDimension) {
  std::string f =
      WriteTemp("absurd.json", "{\"model_type\": \"llama\", \"num_hidden_layers\": 100000000}");
  Result r = RunCli(f);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("key 'num_hidden_layers': is 100000000, expected an integer in [0, 4096]"),
            std::string::npos)
      << r.out;
}

TEST(Cli, UnknownModelType) {
  std::string f = WriteTemp("unknown.json", "{\"model_type\": \"frobnicator\"}");
  Result r = RunCli(f);
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("unsupported model_type 'frobnicator' (supported: llama"), std::string::npos)
      << r.out;
}

TEST(Cli, NonPositiveSizes) {
  Result r = RunCli("llama-3-8b --seq-len 0");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out,
            "calflops: workload: --seq-len is 0, expected an integer in [1, 1099511627776]\n");
  r = RunCli("llama-3-8b --batch-size -3");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("--batch-size is -3"), std::string::npos) << r.out;
}

TEST(Cli, UnknownModelNameSuggestsClosest) {
  Result r = RunCli("llama-3-7b");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("llama-3-7b: not a file, a directory or a bundled model name (closest: "
                       "llama-2-7b, llama-3-8b"),
            std::string::npos)
      << r.out;
}

TEST(Cli, UsageErrors) {
  EXPECT_EQ(RunCli("").code, 1);
  EXPECT_EQ(RunCli("llama-3-8b --frobnicate").code, 1);
  EXPECT_EQ(RunCli("llama-3-8b --seq-len abc").code, 1);
  EXPECT_EQ(RunCli("llama-3-8b --format xml").code, 1);
  EXPECT_EQ(RunCli("llama-3-8b --convention fvcore").code, 1);
}

TEST(Cli, DirectoryHoldingConfig) {
  auto dir = std::filesystem::temp_directory_path() / "calflops_cli_dir";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "config.json")
      << "{\"model_type\": \"llama\", \"hidden_size\": 64, \"intermediate_size\": 128, "
         "\"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"vocab_size\": 100}";
  Result r = RunCli(dir.string() + " --format json --no-detail");
  ASSERT_EQ(r.code, 0) << r.out;
  // embed + head 2 x 100 x 64; per layer 4 x 64^2 + 3 x 64 x 128 + 2 x 64; final norm 64.
  uint64_t params = 2 * 100 * 64 + 2 * (4 * 64 * 64 + 3 * 64 * 128 + 2 * 64) + 64;
  EXPECT_NE(r.out.find("\"params\": " + std::to_string(params)), std::string::npos) << r.out;
}

TEST(Cli, OutputFileAndHelp) {
  auto path = std::filesystem::temp_directory_path() / "calflops_cli_out.json";
  Result r = RunCli("tinyllama-1.1b --format json --output " + path.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(std::filesystem::file_size(path) > 1000);
  Result h = RunCli("--help");
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("--max-new-tokens"), std::string::npos);
  Result l = RunCli("--list-models");
  EXPECT_NE(l.out.find("llama-3-8b"), std::string::npos);
  EXPECT_NE(l.out.find("8.03 B"), std::string::npos);
}

}  // namespace
