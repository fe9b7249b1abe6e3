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
  EXPECT_NE(svg.out.find("class=\"bar\""), std::string::npos);  // a bar per model
}

}  // namespace

namespace {

TEST(CliReports, CompareConventionsAndWorkloadsOfOneModel) {
  const std::string sides =
      "compare llama-3-8b --seq-len 256 --hardware h100-sxm --vs '--convention calflops' "
      "--vs '--seq-len 1024' --vs '--mode generate --prompt-tokens 256 --max-new-tokens 16'";
  auto csv = RunCli(sides + " --format csv");
  ASSERT_EQ(csv.code, 0) << csv.out;
  // Each row equals the single run with the side's options.
  const char* single[] = {"", "--convention calflops", "--seq-len 1024",
                          "--mode generate --prompt-tokens 256 --max-new-tokens 16"};
  const char* label[] = {"llama-3-8b", "llama-3-8b --convention calflops",
                         "llama-3-8b --seq-len 1024",
                         "llama-3-8b --mode generate --prompt-tokens 256 --max-new-tokens 16"};
  std::istringstream rows(csv.out);
  std::string line;
  std::getline(rows, line);
  EXPECT_EQ(line, "compared,params,macs,flops,memory_peak_bytes,latency_s,workload");
  std::vector<nlohmann::json> runs;
  for (int i = 0; i < 4; ++i) {
    auto j = nlohmann::json::parse(
        RunCli(std::string("llama-3-8b --seq-len 256 --hardware h100-sxm --format json "
                           "--no-detail ") +
               single[i])
            .out);
    ASSERT_TRUE(std::getline(rows, line));
    std::string expected = std::string(label[i]) + "," + j["total"]["params"].dump() + "," +
                           j["total"]["macs"].dump() + "," + j["total"]["flops"].dump() + "," +
                           j["memory"]["peak"].dump() + ",";
    EXPECT_EQ(line.substr(0, expected.size()), expected) << line;
    runs.push_back(j);
  }
  EXPECT_TRUE(Has(csv.out, "convention calflops\"\n"));
  EXPECT_TRUE(Has(csv.out, "tokens 256 prompt + 16 new per sequence"));
  // Written out: Llama-3-8B's linear work is linear in tokens; attention (32 layers, QK^T and AV,
  // 32 heads of 128) adds 32 x 2 x 32 x 128 = 262,144 s^2 MACs, so MACs(1024) - 4 MACs(256) =
  // 262,144 x (1024^2 - 4 x 256^2).
  uint64_t m256 = runs[0]["total"]["macs"], m1024 = runs[2]["total"]["macs"];
  EXPECT_EQ(m1024 - 4 * m256, 262144ull * (1048576ull - 4 * 65536ull));
  EXPECT_EQ(runs[1]["total"]["params"], runs[0]["total"]["params"]);
  EXPECT_NE(runs[1]["total"]["flops"], runs[0]["total"]["flops"]);  // the conventions differ

  // Every format names every side; the chart has a bar per side in each panel (FLOPs, memory,
  // latency).
  for (const char* f : {"text", "json", "markdown", "html", "svg"}) {
    auto r = RunCli(sides + " --format " + f);
    EXPECT_EQ(r.code, 0) << f << r.out;
    for (const char* l : label) EXPECT_TRUE(Has(r.out, l)) << f << ": " << l;
  }
  auto svg = RunCli(sides + " --format svg").out;
  size_t bars = 0;
  for (size_t at = svg.find("class=\"bar\""); at != std::string::npos;
       at = svg.find("class=\"bar\"", at + 1))
    ++bars;
  EXPECT_EQ(bars, 12u);
  auto json = nlohmann::json::parse(RunCli(sides + " --format json").out);
  ASSERT_EQ(json["points"].size(), 4u);
  EXPECT_TRUE(Has(json["points"][1]["workload"], "convention calflops"));
  EXPECT_EQ(json["points"][3]["latency_s"], runs[3]["latency"]["total_s"]);

  // Bad sides: one clear line, exit 1.
  for (const char* bad : {"compare llama-3-8b", "compare llama-3-8b --vs '--bogus 2'",
                          "compare llama-3-8b --vs '--format json'", "compare llama-3-8b --vs",
                          "sweep llama-3-8b --seq-len 1:4:+1 --vs '--seq-len 3'"}) {
    auto r = RunCli(bad);
    EXPECT_EQ(r.code, 1) << bad;
    EXPECT_EQ(Lines(r.out), 1u) << bad << ": " << r.out;
  }
}

}  // namespace

namespace {

TEST(CliReports, ExplainCapIsSaidNotSilent) {
  // Qwen3-235B-A22B's forward runs more than 4,096 ops under the root: the first 4,096 are
  // listed and the cap is stated before the list, in text and in JSON.
  auto t = RunCli("qwen3-235b-a22b --explain model");
  ASSERT_EQ(t.code, 0) << t.out.substr(0, 500);
  EXPECT_TRUE(Has(t.out, "(listed: the first 4,096 of ")) << t.out.substr(0, 500);
  EXPECT_TRUE(Has(t.out, "--explain lists at most 4,096 per call"));
  size_t op_lines = 0;
  std::istringstream lines(t.out);
  for (std::string l; std::getline(lines, l);)
    if (l.rfind("  ", 0) == 0 && l.rfind("  (", 0) != 0 && l.rfind("  ...", 0) != 0 &&
        Has(l, " MACs, "))
      ++op_lines;
  EXPECT_EQ(op_lines, 4096u);
  auto j = nlohmann::json::parse(RunCli("qwen3-235b-a22b --explain model --format json").out);
  const auto& e = j["explain"];
  EXPECT_EQ(e["ops_listed_per_call_limit"], 4096);
  const auto& call = e["calls"][0];
  EXPECT_EQ(call["ops"].size(), 4096u);
  EXPECT_GT(call["ops_count"].get<int64_t>(), 4096);
  EXPECT_EQ(call["ops_left_out"].get<int64_t>(), call["ops_count"].get<int64_t>() - 4096);
  // Under the cap: everything listed, no note.
  auto small = RunCli("llama-3-8b --explain model.layers.0 --format json");
  auto sc = nlohmann::json::parse(small.out)["explain"]["calls"][0];
  EXPECT_EQ(sc["ops_count"].get<size_t>(), sc["ops"].size());
  EXPECT_FALSE(sc.contains("ops_left_out"));
  EXPECT_FALSE(Has(RunCli("llama-3-8b --explain model.layers.0").out, "(listed:"));
}

}  // namespace

namespace {

TEST(CliReports, SweepSidesByModelsAndVs) {
  // Each side's rows equal the single sweep with the side's options, prefixed by its label.
  const std::string range = " --seq-len 128:1024:x2 --hardware h100-sxm";
  auto both = RunCli("sweep llama-3-8b" + range + " --vs '--convention calflops' --format csv");
  ASSERT_EQ(both.code, 0) << both.out;
  auto rows = [](const std::string& csv, const std::string& prefix) {
    std::istringstream in(csv);
    std::string line, out;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) out += prefix + line + "\n";
    return out;
  };
  std::string expected =
      "compared,seq-len,params,macs,flops,memory_peak_bytes,latency_s\n" +
      rows(RunCli("sweep llama-3-8b" + range + " --format csv").out, "llama-3-8b,") +
      rows(RunCli("sweep llama-3-8b" + range + " --convention calflops --format csv").out,
           "llama-3-8b --convention calflops,");
  EXPECT_EQ(both.out, expected);
  auto models = RunCli("sweep llama-3-8b mistral-7b --seq-len 1:4:+1 --format csv");
  ASSERT_EQ(models.code, 0) << models.out;
  EXPECT_EQ(models.out,
            "compared,seq-len,params,macs,flops,memory_peak_bytes\n" +
                rows(RunCli("sweep llama-3-8b --seq-len 1:4:+1 --format csv").out, "llama-3-8b,") +
                rows(RunCli("sweep mistral-7b --seq-len 1:4:+1 --format csv").out, "mistral-7b,"));
  // The chart: a line per side in each of the 3 panels, and a legend.
  auto svg = RunCli("sweep llama-3-8b" + range + " --vs '--convention calflops' --format svg").out;
  size_t lines = 0;
  for (size_t at = svg.find("data-side=\""); at != std::string::npos;
       at = svg.find("data-side=\"", at + 1))
    ++lines;
  EXPECT_EQ(lines, 6u);
  EXPECT_TRUE(Has(svg, ">llama-3-8b --convention calflops</text>"));
  for (const char* f : {"text", "json", "markdown", "html"}) {
    auto r = RunCli("sweep llama-3-8b" + range + " --vs '--convention calflops' --format " + f);
    EXPECT_EQ(r.code, 0) << f;
    EXPECT_TRUE(Has(r.out, "llama-3-8b --convention calflops")) << f;
  }
  auto bad = RunCli("sweep llama-3-8b --seq-len 1:4:+1 --vs '--seq-len 3'");
  EXPECT_EQ(bad.code, 1);
  EXPECT_TRUE(Has(bad.out, "sets --seq-len, the swept option")) << bad.out;
  EXPECT_EQ(Lines(bad.out), 1u);
}

}  // namespace
