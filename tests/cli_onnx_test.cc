// The command line on ONNX files: `calflops model.onnx` prints the calflops report, symbolic
// dims are bound with --dim / --input-shape, ops that cannot be costed are listed after the tree
// and make --strict fail with exit code 3; malformed files give one located line.
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

std::string Fixture(const std::string& name) {
  return std::string(CALFLOPS_SOURCE_DIR) + "/tests/data/onnx/" + name;
}

TEST(CliOnnx, ReportForAnOnnxFile) {
  Result r = RunCli(Fixture("resnet50_stripped.onnx"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find(
                "Total Training Params:                                                  25.53 M "),
            std::string::npos)
      << r.out;
  EXPECT_NE(
      r.out.find(
          "fwd MACs:                                                               4.09 GMACs"),
      std::string::npos);
  EXPECT_NE(r.out.find("(layer1): Sequential("), std::string::npos);
  EXPECT_EQ(r.out.find("unsupported:"), std::string::npos);
}

TEST(CliOnnx, UnboundDimsListedAndStrictFails) {
  Result r = RunCli(Fixture("tiny_gpt_kv_cache.onnx"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(
      r.out.find(
          "unsupported: MatMul x4 (counted as 0: shape unknown (unbound dims: past_sequence; use "
          "--dim NAME=N))\n"),
      std::string::npos)
      << r.out;
  Result strict = RunCli(Fixture("tiny_gpt_kv_cache.onnx") + " --strict");
  EXPECT_EQ(strict.code, 3);
  EXPECT_NE(strict.out.find("--strict: ops not costed: Div x2"), std::string::npos) << strict.out;
  Result bound =
      RunCli(Fixture("tiny_gpt_kv_cache.onnx") + " --strict --dim past_sequence=5 --format json");
  EXPECT_EQ(bound.code, 0) << bound.out;
  EXPECT_NE(bound.out.find("\"unsupported\": []"), std::string::npos) << bound.out;
}

TEST(CliOnnx, InputShapeFlag) {
  Result a =
      RunCli(Fixture("tiny_encoder_dynamic.onnx") + " --input-shape input_ids=2x8 --format json");
  Result b = RunCli(Fixture("tiny_encoder_dynamic.onnx") +
                    " --dim batch=2 --dim sequence=8 --format json");
  ASSERT_EQ(a.code, 0) << a.out;
  EXPECT_EQ(a.out, b.out);
  Result bad = RunCli(Fixture("tiny_encoder_dynamic.onnx") + " --input-shape ids=2x8");
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(bad.out, "calflops: --input-shape: the model has no input 'ids' (inputs: input_ids)\n");
}

TEST(CliOnnx, MalformedFileOneLine) {
  auto path = std::filesystem::temp_directory_path() / "calflops_cli_bad.onnx";
  {
    std::ofstream f(path, std::ios::binary);
    f << std::string("\x08\x08\x3a\xff\xff\x03", 6);  // graph claims 65535 bytes
  }
  Result r = RunCli(path.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "calflops: " + path.string() +
                       ": offset 2: field 7 claims 65535 bytes, but only 0 remain in the enclosing "
                       "message (ends "
                       "at offset 6)\n");
}

TEST(CliOnnx, DimOnConfigIsAUsageError) {
  Result r = RunCli("llama-3-8b --dim batch=1");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out,
            "calflops: --dim: does not apply to llama-3-8b (text decoders); it applies to ONNX "
            "graphs\n");
}

}  // namespace
