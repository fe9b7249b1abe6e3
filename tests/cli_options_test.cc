// The option rules on the command line (docs/options.md): an option that does not apply to the
// model or the mode is a one-line usage error (exit 1), short options and the long ones are the
// same, a mistyped option gets a suggestion, "-" reads a config.json from standard input, and
// the man page and completion list every option.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "calflops/option_table.h"
#include "cli_util.h"

namespace {

using cli::Result;
using cli::RunCli;

std::string Onnx(const std::string& name) {
  return std::string(CALFLOPS_SOURCE_DIR) + "/tests/data/onnx/" + name;
}

TEST(CliOptions, OptionOutsideItsModeIsAnError) {
  Result r = RunCli("llama-3-8b --zero 3");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "calflops: --zero: applies to --mode train, not --mode forward\n");
  // --prompt-tokens alone does not switch to generation: the mode is always --mode's.
  r = RunCli("llama-3-8b --prompt-tokens 12");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "calflops: --prompt-tokens: applies to --mode generate, not --mode forward\n");
  r = RunCli("llama-3-8b --mode train --max-new-tokens 4");
  EXPECT_EQ(r.out, "calflops: --max-new-tokens: applies to --mode generate, not --mode train\n");
  // Given explicitly at its default value, it is still refused.
  EXPECT_EQ(RunCli("llama-3-8b --zero 0").code, 1);
  EXPECT_EQ(RunCli("llama-3-8b --mode train --zero 3 --dp 8 --no-detail").code, 0);
}

TEST(CliOptions, OptionOutsideItsModelIsAnError) {
  Result r = RunCli("llama-3-8b --image-size 336x336");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out,
            "calflops: --image-size: does not apply to llama-3-8b (text decoders); it applies to "
            "image encoders and vision-language models\n");
  r = RunCli("vit-base-patch16-224 --seq-len 64");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out.rfind(
                "calflops: --seq-len: does not apply to vit-base-patch16-224 (image encoders)", 0),
            0u)
      << r.out;
  r = RunCli("bert-base-uncased --mode generate");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out,
            "calflops: --mode: generate does not apply to bert-base-uncased (text encoders); it "
            "applies to text decoders and vision-language models\n");
  r = RunCli("llama-3-8b --header-only");
  EXPECT_EQ(r.out.rfind("calflops: --header-only: does not apply to llama-3-8b", 0), 0u) << r.out;
  r = RunCli(Onnx("resnet50_stripped.onnx") + " --attn-impl eager");
  EXPECT_EQ(r.out.rfind("calflops: --attn-impl: does not apply to ", 0), 0u) << r.out;
  r = RunCli(Onnx("resnet50_stripped.onnx") + " --dtype bfloat16");
  EXPECT_EQ(r.code, 1) << r.out;
}

TEST(CliOptions, BatchSizeOnAFixedShapeGraphIsAnError) {
  // resnet50_stripped.onnx's input is 1x3x224x224, no symbolic dim.
  Result r = RunCli(Onnx("resnet50_stripped.onnx") + " --batch-size 4");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out.rfind("calflops: --batch-size: does not apply to ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("no graph input has a symbolic batch dimension"), std::string::npos);
  // tiny_encoder_dynamic.onnx has symbolic batch and sequence dims: both bind.
  Result a = RunCli(Onnx("tiny_encoder_dynamic.onnx") + " -b 2 -s 8 -f json");
  Result b = RunCli(Onnx("tiny_encoder_dynamic.onnx") + " --dim batch=2 --dim sequence=8 -f json");
  ASSERT_EQ(a.code, 0) << a.out;
  ASSERT_EQ(b.code, 0) << b.out;
  // The counts agree; the workload line differs (-b/-s state a batch and a length, --dim not).
  auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(ja["total"], jb["total"]);
  EXPECT_EQ(ja["total"]["macs"], ja["calls"]["first"]["macs"]);
  EXPECT_EQ(ja["workload"]["batch_size"], 2);
  EXPECT_EQ(ja["workload"]["seq_len"], 8);
}

TEST(CliOptions, ShortOptionsAreTheLongOnes) {
  Result s = RunCli("llama-3-8b -b 2 -s 64 -c calflops -t float16 -f json -m generate -p 16 -n 3");
  Result l = RunCli(
      "llama-3-8b --batch-size 2 --seq-len 64 --convention calflops --dtype float16 --format json "
      "--mode generate --prompt-tokens 16 --max-new-tokens 3");
  ASSERT_EQ(s.code, 0) << s.out;
  EXPECT_EQ(s.out, l.out);
  EXPECT_NE(s.out.find("\"prompt_tokens\": 16"), std::string::npos) << s.out;
  EXPECT_EQ(RunCli("llama-3-8b --batch-size=2 --no-detail").out,
            RunCli("llama-3-8b -b 2 --no-detail").out);
}

TEST(CliOptions, MistypedOptionGetsASuggestion) {
  Result r = RunCli("llama-3-8b --seqlen 64");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "calflops: --seqlen: unknown option (did you mean --seq-len?)\n");
  r = RunCli("llama-3-8b --batchsize=4");
  EXPECT_EQ(r.out, "calflops: --batchsize: unknown option (did you mean --batch-size?)\n");
  r = RunCli("llama-3-8b --frobnicate");
  EXPECT_EQ(r.out, "calflops: --frobnicate: unknown option (see --help)\n");
}

TEST(CliOptions, BadValuesNameTheOption) {
  EXPECT_EQ(RunCli("llama-3-8b -b x").out,
            "calflops: --batch-size: expected an integer, got 'x'\n");
  EXPECT_EQ(RunCli("llama-3-8b --convention exact").out,
            "calflops: --convention: unknown value 'exact' (expected analytic or calflops)\n");
  EXPECT_EQ(RunCli("llama-3-8b --mode train --recompute some").out,
            "calflops: --recompute: unknown value 'some' (expected none, selective or full)\n");
  EXPECT_EQ(RunCli("llama-3-8b --unit P").code, 1);
  EXPECT_EQ(RunCli("llama-3-8b --batch-size").code, 1);
}

TEST(CliOptions, DashReadsAConfigFromStandardInput) {
  std::string zoo = std::string(CALFLOPS_SOURCE_DIR) + "/zoo/gpt2.json";
  Result in = RunCli("- -f json --no-detail < " + zoo);
  Result file = RunCli(zoo + " -f json --no-detail");
  ASSERT_EQ(in.code, 0) << in.out;
  // The same counts; only the model's name differs.
  EXPECT_EQ(in.out.substr(in.out.find("\"total\"")), file.out.substr(file.out.find("\"total\"")));
  Result bad = RunCli("- < /dev/null");
  EXPECT_EQ(bad.code, 2) << bad.out;
  EXPECT_EQ(bad.out.rfind("calflops: <stdin>", 0), 0u) << bad.out;
}

TEST(CliOptions, ManPageCompletionAndHelpListEveryOption) {
  Result help = RunCli("--help"), man = RunCli("--man"), completion = RunCli("--bash-completion");
  ASSERT_EQ(man.code, 0);
  for (const calflops::OptionSpec& s : calflops::OptionTable()) {
    std::string flag = "--" + std::string(s.name), roff;
    for (char c : flag) roff += c == '-' ? std::string("\\-") : std::string(1, c);
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
    EXPECT_NE(man.out.find(roff), std::string::npos) << flag;
    EXPECT_TRUE(completion.out.find(flag + " ") != std::string::npos ||
                completion.out.find(flag + "\"") != std::string::npos)
        << flag;
  }
  EXPECT_NE(completion.out.find("--mode) COMPREPLY=($(compgen -W \"forward generate train\""),
            std::string::npos)
      << completion.out;
}

}  // namespace
