// Vision options on the command line: --image-size, --images, --reencode-images, and the
// one-line errors for bad values.
#include <gtest/gtest.h>

#include "cli_util.h"

#include <array>
#include <cstdio>
#include <string>

namespace {

using cli::Result;
using cli::RunCli;

TEST(CliVision, BadImageSize) {
  for (const char* v : {"360", "x640", "360x", "axb", "0x640", "360x-5"}) {
    Result r = RunCli(std::string("llava-next-8b --image-size ") + v);
    EXPECT_EQ(r.code, 1) << v << ": " << r.out;
    EXPECT_EQ(r.out.rfind("calflops: --image-size: ", 0), 0u) << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  }
  Result r = RunCli("llava-next-8b --image-size 99999999x640");
  EXPECT_EQ(r.code, 2) << r.out;
}

TEST(CliVision, ImagesCountAndPrompt) {
  Result r = RunCli("llava-next-8b --images 3 --seq-len 2");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out,
            "calflops: --seq-len: 2 tokens cannot hold 3 <image> placeholder(s) (--images)\n");
  r = RunCli("llava-next-8b --images two");
  EXPECT_EQ(r.code, 1);
}

TEST(CliVision, ClipVisionModelWithItsNativeSize) {
  Result r =
      RunCli("clip-vit-large-patch14-336 --model-class CLIPVisionModel --image-size 336x336");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("CLIPVisionModel(\n  303.51 M = 100% Params"), std::string::npos) << r.out;
  r = RunCli("clip-vit-large-patch14-336 --model-class CLIPVisionModel --image-size 360x640");
  EXPECT_EQ(r.code, 2);
}

TEST(CliVision, ReencodeIsASwitch) {
  Result r = RunCli(
      "llava-next-8b --mode generate --max-new-tokens 2 --image-size 360x640 --reencode-images "
      "--format json --no-detail");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"reencode_images\": true"), std::string::npos);
  EXPECT_NE(r.out.find("\"images\": 1"), std::string::npos);
}

}  // namespace
