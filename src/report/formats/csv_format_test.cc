// --format csv: the rows of a hand-built tree written out by hand, and on Llama-3-8B the rows
// checked against the published parameter count, the JSON report of the same run and matmul
// arithmetic written out here.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <sstream>

#include "cli_util.h"
#include "report/format_registry.h"

namespace calflops {
namespace {

/// RFC 4180 records (quoted fields may hold commas, quotes and line breaks).
std::vector<std::vector<std::string>> ParseCsv(const std::string& s) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"')
        field += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field), field.clear();
    } else if (c == '\n') {
      rows.back().push_back(field), field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

/// Rows keyed by column name.
std::vector<std::map<std::string, std::string>> Records(const std::string& csv) {
  auto rows = ParseCsv(csv);
  std::vector<std::map<std::string, std::string>> out;
  for (size_t r = 1; r < rows.size(); ++r) {
    EXPECT_EQ(rows[r].size(), rows[0].size()) << "row " << r;
    std::map<std::string, std::string> m;
    for (size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) m[rows[0][c]] = rows[r][c];
    out.push_back(m);
  }
  return out;
}

TEST(CsvFormat, HandBuiltTreeQuotingAndUncostedOps) {
  Profile p;
  p.tree[0].class_name = "Net";
  p.tree.Add(0, "fc", "Linear, \"odd\"");  // a class name that needs quoting
  p.tree.Add(0, "act", "ReLU");
  p.stats = {ModuleStats{6, 12, 30}, ModuleStats{6, 12, 24}, ModuleStats{0, 0, 6}};
  p.uncosted.push_back({"NonMaxSuppression", 2, "no cost formula"});
  ReportModel r;
  r.model = "net.onnx";
  r.profile = &p;
  std::ostringstream out;
  FindReportFormat("csv")->write(r, ReportOptions{}, out);
  EXPECT_EQ(out.str(),
            "path,class,depth,repeat,params,macs,flops\n"
            ",Net,0,1,6,12,30\n"
            "fc,\"Linear, \"\"odd\"\"\",1,1,6,12,24\n"
            "act,ReLU,1,1,0,0,6\n"
            ",unsupported:NonMaxSuppression x2 (no cost formula),,1,0,0,0\n");
  auto rows = ParseCsv(out.str());
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[2][1], "Linear, \"odd\"");
}

TEST(CsvFormat, NoDetailKeepsTheTotalsRow) {
  auto csv = cli::RunCli("llama-3-8b --format csv --no-detail");
  ASSERT_EQ(csv.code, 0) << csv.out;
  auto rows = Records(csv.out);
  ASSERT_EQ(rows.size(), 1u) << csv.out;
  EXPECT_EQ(rows[0]["params"], "8030261248");
}

TEST(CsvFormat, WeightFilesOnlyWriteTheHeaderRow) {
  ReportModel r;
  r.model = "w.safetensors";
  std::ostringstream out;
  FindReportFormat("csv")->write(r, ReportOptions{}, out);
  EXPECT_EQ(out.str(), "path,class,depth,repeat,params,macs,flops\n");
}

TEST(CsvFormat, Llama3RowsAgreeWithPublishedCountsAndJson) {
  auto csv = cli::RunCli("llama-3-8b --seq-len 128 --format csv --expand");  // every module
  ASSERT_EQ(csv.code, 0) << csv.out;
  auto json = cli::RunCli("llama-3-8b --seq-len 128 --format json --expand");
  ASSERT_EQ(json.code, 0) << json.out;
  auto j = nlohmann::json::parse(json.out);
  auto rows = Records(csv.out);
  ASSERT_FALSE(rows.empty());

  // One row per module of the JSON tree, in the same pre-order.
  std::vector<std::string> json_paths;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& m) {
    json_paths.push_back(m["path"]);
    if (m.contains("children"))
      for (const auto& c : m["children"]) walk(c);
  };
  walk(j["modules"]);
  ASSERT_EQ(rows.size(), json_paths.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i]["path"], json_paths[i]);

  // Root: Meta's published 8,030,261,248 parameters; MACs and FLOPs equal the JSON totals.
  EXPECT_EQ(rows[0]["path"], "");
  EXPECT_EQ(rows[0]["class"], "LlamaForCausalLM");
  EXPECT_EQ(rows[0]["depth"], "0");
  EXPECT_EQ(rows[0]["params"], "8030261248");
  EXPECT_EQ(rows[0]["macs"], j["total"]["macs"].dump());
  EXPECT_EQ(rows[0]["flops"], j["total"]["flops"].dump());

  // Leaves hold every parameter (Llama-3-8B ties nothing): their sum is the total.
  std::map<std::string, int> children;
  for (const auto& r : rows) {
    const std::string& path = r.at("path");
    auto dot = path.rfind('.');
    if (!path.empty()) ++children[dot == std::string::npos ? "" : path.substr(0, dot)];
  }
  uint64_t leaf_params = 0;
  int decoder_layers = 0;
  for (const auto& r : rows) {
    if (!children.count(r.at("path"))) leaf_params += std::stoull(r.at("params"));
    if (r.at("class") == "LlamaDecoderLayer") {
      ++decoder_layers;
      EXPECT_EQ(r.at("depth"), "3");  // model.layers.N
    }
  }
  EXPECT_EQ(leaf_params, 8030261248u);
  EXPECT_EQ(decoder_layers, 32);

  // q_proj of layer 0: a 4096 x 4096 matmul over 128 tokens.
  for (const auto& r : rows) {
    if (r.at("path") != "model.layers.0.self_attn.q_proj") continue;
    EXPECT_EQ(r.at("class"), "Linear");
    EXPECT_EQ(r.at("depth"), "5");  // model.layers.0.self_attn.q_proj
    EXPECT_EQ(r.at("params"), std::to_string(4096ull * 4096));
    EXPECT_EQ(r.at("macs"), std::to_string(128ull * 4096 * 4096));
    EXPECT_EQ(r.at("flops"), std::to_string(2ull * 128 * 4096 * 4096));
  }
}

TEST(CsvFormat, MemoryAndLatencyColumnsWithHardware) {
  auto csv = cli::RunCli("llama-3-8b --seq-len 128 --hardware h100-sxm --format csv");
  ASSERT_EQ(csv.code, 0) << csv.out;
  auto json = cli::RunCli("llama-3-8b --seq-len 128 --hardware h100-sxm --format json");
  ASSERT_EQ(json.code, 0) << json.out;
  auto j = nlohmann::json::parse(json.out);
  auto rows = Records(csv.out);
  ASSERT_FALSE(rows.empty());
  const auto& root = rows[0];
  ASSERT_TRUE(root.count("weight_bytes") && root.count("latency_s")) << csv.out.substr(0, 200);
  // bfloat16: two bytes per parameter.
  EXPECT_EQ(root.at("weight_bytes"), std::to_string(2ull * 8030261248));
  EXPECT_EQ(root.at("weight_bytes"), j["memory"]["weights"].dump());
  EXPECT_EQ(root.at("bytes_moved"), j["bytes"]["total"].dump());
  EXPECT_NEAR(std::stod(root.at("latency_s")), j["modules"]["roofline"]["time_s"].get<double>(),
              1e-5 * j["modules"]["roofline"]["time_s"].get<double>());
  EXPECT_EQ(root.count("backward_flops"), 0u);  // not a training run
}

TEST(CsvFormat, TrainModeAddsBackwardAndSavedActivations) {
  auto csv = cli::RunCli("llama-3-8b --mode train --seq-len 64 --format csv");
  ASSERT_EQ(csv.code, 0) << csv.out;
  auto rows = Records(csv.out);
  ASSERT_FALSE(rows.empty());
  EXPECT_TRUE(rows[0].count("saved_activation_bytes"));
  ASSERT_TRUE(rows[0].count("backward_flops"));
  // Backward of a matmul is two matmuls: q_proj's backward FLOPs are twice its forward.
  for (const auto& r : rows) {
    if (r.at("path") != "model.layers.0.self_attn.q_proj") continue;
    EXPECT_EQ(r.at("flops"), std::to_string(2ull * 64 * 4096 * 4096));
    EXPECT_EQ(r.at("backward_flops"), std::to_string(4ull * 64 * 4096 * 4096));
  }
}

}  // namespace
}  // namespace calflops
