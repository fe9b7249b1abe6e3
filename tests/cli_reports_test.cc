// Issue 18's options end to end: --depth and --top in every format, --explain, --symbolic and
// `calflops sweep`, with values checked against the JSON report of the same run or arithmetic
// written out here.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "cli_util.h"

namespace {

using cli::RunCli;

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

size_t Lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

TEST(CliReports, DepthAndTopInEveryFormat) {
  // Depth 1: the model, its LlamaModel and lm_head.
  auto csv = RunCli("llama-3-8b --depth 1 --format csv");
  ASSERT_EQ(csv.code, 0) << csv.out;
  EXPECT_EQ(Lines(csv.out), 1u + 3u) << csv.out;
  auto json = RunCli("llama-3-8b --depth 1 --format json");
  ASSERT_EQ(json.code, 0) << json.out;
  auto j = nlohmann::json::parse(json.out);
  ASSERT_EQ(j["modules"]["children"].size(), 2u);
  EXPECT_FALSE(j["modules"]["children"][0].contains("children"));
  EXPECT_EQ(j["total"]["params"], 8030261248ull);  // totals stay the whole model's
  auto text = RunCli("llama-3-8b --depth 1");
  ASSERT_EQ(text.code, 0);
  EXPECT_TRUE(Has(text.out, "  (model): LlamaModel(7.5 B = 93.46% Params")) << text.out;
  EXPECT_FALSE(Has(text.out, "(layers)"));
  // Top 2 by FLOPs: lm_head (128 x 4096 x 128256 MACs) is the heaviest leaf, then an MLP matrix.
  auto top = RunCli("llama-3-8b --top 2 --format csv");
  ASSERT_EQ(top.code, 0) << top.out;
  EXPECT_EQ(Lines(top.out), 1u + 3u) << top.out;
  EXPECT_TRUE(Has(top.out,
                  "\nlm_head,Linear,1,1,525336576," + std::to_string(128ull * 4096 * 128256) + ","))
      << top.out;
  auto md = RunCli("llama-3-8b --top 2 --format markdown");
  EXPECT_TRUE(Has(md.out, "the 2 heaviest modules by FLOPs")) << md.out;
  auto html = RunCli("llama-3-8b --depth 2 --format html");
  ASSERT_EQ(html.code, 0);
  EXPECT_TRUE(Has(
      html.out,
      "\"name\":[\"\",\"model\",\"embed_tokens\",\"layers\",\"norm\",\"rotary_emb\",\"lm_head\"]"))
      << html.out.substr(0, 200);
  for (const char* bad : {"--depth -1", "--depth x", "--top 0", "--top 2000000"}) {
    auto r = RunCli(std::string("llama-3-8b ") + bad);
    EXPECT_EQ(r.code, 1) << bad << ": " << r.out;
  }
}

TEST(CliReports, ExplainAndSymbolic) {
  auto e = RunCli("llama-3-8b --seq-len 2982 --explain model.layers.0.self_attn.q_proj");
  ASSERT_EQ(e.code, 0) << e.out;
  // 2982 x 4096 x 4096 = 50,029,658,112 MACs.
  EXPECT_TRUE(Has(e.out, "= 50,029,658,112 MACs, 100,059,316,224 FLOPs\n")) << e.out;
  auto ej = RunCli("llama-3-8b --explain lm_head --format json");
  ASSERT_EQ(ej.code, 0) << ej.out;
  EXPECT_EQ(nlohmann::json::parse(ej.out)["explain"]["total"]["macs"], 128ull * 4096 * 128256);
  auto bad = RunCli("llama-3-8b --explain model.nope");
  EXPECT_EQ(bad.code, 1);
  EXPECT_TRUE(Has(bad.out, "--explain: no module 'model.nope'")) << bad.out;
  EXPECT_EQ(RunCli("llama-3-8b --explain lm_head --format csv").code, 1);

  auto s = RunCli("llama-3-8b --symbolic --format json");
  ASSERT_EQ(s.code, 0) << s.out;
  auto sj = nlohmann::json::parse(s.out)["symbolic"];
  ASSERT_EQ(sj.size(), 2u);
  EXPECT_EQ(sj[0]["call"], "prefill");
  // The decode step's attention: 2 x 32 heads x 128 x 32 layers MACs per cached token.
  EXPECT_TRUE(
      Has(sj[1]["macs"]["text"].get<std::string>(), std::to_string(2 * 32 * 128 * 32) + "·b·c"))
      << sj[1];
}

TEST(CliReports, Sweep) {
  auto csv = RunCli("sweep llama-3-8b --seq-len 128:1024:x2 --format csv");
  ASSERT_EQ(csv.code, 0) << csv.out;
  EXPECT_EQ(Lines(csv.out), 5u) << csv.out;
  auto one = RunCli("llama-3-8b --seq-len 512 --format json --no-detail");
  auto j = nlohmann::json::parse(one.out);
  EXPECT_TRUE(Has(csv.out, "\n512,8030261248," + j["total"]["macs"].dump() + "," +
                               j["total"]["flops"].dump() + "," + j["memory"]["peak"].dump() +
                               "\n"))
      << csv.out;
  auto fast = RunCli("sweep llama-3-8b --seq-len 1:2048:+1 --counts-only --format csv");
  ASSERT_EQ(fast.code, 0) << fast.out.substr(0, 300);
  EXPECT_EQ(Lines(fast.out), 2049u);
  EXPECT_TRUE(Has(fast.out, "\n512,8030261248," + j["total"]["macs"].dump() + "," +
                                j["total"]["flops"].dump() + "\n"));
  auto svg = RunCli("sweep llama-3-8b --batch-size=1:8:+1 --hardware h100-sxm --format svg");
  ASSERT_EQ(svg.code, 0) << svg.out;
  EXPECT_EQ(std::count(svg.out.begin(), svg.out.end(), '\n') > 5, true);
  EXPECT_TRUE(Has(svg.out, "data-series=\"Latency (roofline)\""));
  EXPECT_EQ(RunCli("sweep llama-3-8b --seq-len 128").code, 1);
  EXPECT_EQ(RunCli("sweep llama-3-8b --seq-len 1:10:x1").code, 1);
  EXPECT_EQ(RunCli("sweep llama-3-8b --seq-len 1:10:+1 --format yaml").code, 1);
}

}  // namespace

namespace {

TEST(CliReports, CompareModels) {
  auto csv = cli::RunCli("compare llama-3-8b mistral-7b --format csv");
  ASSERT_EQ(csv.code, 0) << csv.out;
  auto a = nlohmann::json::parse(cli::RunCli("llama-3-8b --format json --no-detail").out);
  auto b = nlohmann::json::parse(cli::RunCli("mistral-7b --format json --no-detail").out);
  std::string expected = "model,params,macs,flops,memory_peak_bytes\n";
  expected += "llama-3-8b," + a["total"]["params"].dump() + "," + a["total"]["macs"].dump() + "," +
              a["total"]["flops"].dump() + "," + a["memory"]["peak"].dump() + "\n";
  expected += "mistral-7b," + b["total"]["params"].dump() + "," + b["total"]["macs"].dump() + "," +
              b["total"]["flops"].dump() + "," + b["memory"]["peak"].dump() + "\n";
  EXPECT_EQ(csv.out, expected);
  EXPECT_EQ(b["total"]["params"], 7241732096ull);  // Mistral-7B v0.1's published count
  EXPECT_EQ(cli::RunCli("compare llama-3-8b").code, 1);
  auto svg = cli::RunCli("compare llama-3-8b mistral-7b --format svg");
  EXPECT_EQ(svg.code, 0);
  EXPECT_NE(svg.out.find("<polyline"), std::string::npos);
}

}  // namespace
