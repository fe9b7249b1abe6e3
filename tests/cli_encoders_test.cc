// The command line on encoders and GPT-style models: reports print, generate on an encoder is
// one clear line with exit code 3, and --list-models shows the families with their counts.
#include <gtest/gtest.h>

#include "cli_util.h"

#include <array>
#include <cstdio>
#include <string>

namespace {

using cli::Result;
using cli::RunCli;

TEST(CliEncoders, GenerateOnAnEncoderIsAnError) {
  // A usage error (the option table: generation applies to decoders), exit 1.
  Result r = RunCli("bert-base-uncased --mode generate");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out,
            "calflops: --mode: generate does not apply to bert-base-uncased (text encoders); it "
            "applies to text decoders and vision-language models\n");
  EXPECT_EQ(RunCli("vit-base-patch16-224 --mode generate --max-new-tokens 4").code, 1);
}

TEST(CliEncoders, ReportsPrint) {
  Result r = RunCli("vit-base-patch16-224 --convention calflops");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("(projection): Conv2d(590.59 K = 0.68% Params"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kernel_size=(16, 16), stride=(16, 16))"), std::string::npos);
  r = RunCli("gpt2 --convention calflops --attn-impl eager");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("(attn): GPT2Attention("), std::string::npos);
  EXPECT_NE(r.out.find("(c_proj): Conv1D(nf=768, nx=3072)\n"), std::string::npos);
}

TEST(CliEncoders, ListModelsShowsTheFamilies) {
  Result r = RunCli("--list-models");
  ASSERT_EQ(r.code, 0);
  for (const char* line : {"bert-base-uncased            bert           109.51 M",
                           "gpt2                         gpt2           124.44 M",
                           "pythia-1b                    gpt_neox       1.01 B",
                           "roberta-base                 roberta        124.7 M",
                           "siglip-so400m                siglip         877.96 M",
                           "vit-base-patch16-224         vit            86.57 M"}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line;
  }
}

}  // namespace
