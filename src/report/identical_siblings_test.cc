// Folded tables (CSV, Markdown, HTML: a run of identical ModuleList entries written once with
// its count) against the same run with --expand: every module's figures, multiplied by the
// counts on its path, sum per (depth, class) to the expanded sums, and the rows, each counted
// that many times, are the expanded table's.
#include "report/identical_siblings.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "cli_util.h"

namespace calflops {
namespace {

using Row = std::map<std::string, std::string>;

/// CSV records keyed by the header (module names hold no comma or quote in these models).
std::vector<Row> Csv(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> head;
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::string cell;
    std::istringstream cells(line);
    while (std::getline(cells, cell, ',')) f.push_back(cell);
    if (!line.empty() && line.back() == ',') f.emplace_back();
    if (head.empty()) {
      head = f;
      continue;
    }
    Row r;
    for (size_t i = 0; i < head.size() && i < f.size(); ++i) r[head[i]] = f[i];
    rows.push_back(r);
  }
  return rows;
}

/// Per (depth, class, column): the column summed over the rows, each row counted as many times
/// as it stands for: its repeat times its ancestors' (rows come in pre-order with their depth).
using Sums = std::map<std::tuple<int, std::string, std::string>, unsigned __int128>;
Sums SumsOf(const std::vector<Row>& rows, const std::vector<std::string>& columns) {
  Sums s;
  std::vector<uint64_t> mult{1};  // by depth
  for (const Row& r : rows) {
    int depth = std::stoi(r.at("depth"));
    mult.resize(static_cast<size_t>(depth) + 1);
    uint64_t m =
        (depth == 0 ? 1 : mult[static_cast<size_t>(depth) - 1]) * std::stoull(r.at("repeat"));
    mult[static_cast<size_t>(depth)] = m;
    for (const std::string& c : columns)
      s[{depth, r.at("class"), c}] += static_cast<unsigned __int128>(std::stoull(r.at(c))) * m;
  }
  return s;
}

/// Rows of the expanded table the folded rows stand for: each row as many as its repeat times
/// its ancestors' (the subtree of a folded entry is one entry's, written once).
size_t RowsStoodFor(const std::vector<Row>& folded) {
  size_t n = 0;
  std::vector<uint64_t> mult{1};
  for (const Row& r : folded) {
    auto depth = static_cast<size_t>(std::stoi(r.at("depth")));
    mult.resize(depth + 1);
    mult[depth] = (depth == 0 ? 1 : mult[depth - 1]) * std::stoull(r.at("repeat"));
    n += mult[depth];
  }
  return n;
}

struct Case {
  const char* args;
  size_t min_shrink;  ///< the expanded table is at least this many times longer
};

class FoldedTables : public testing::TestWithParam<Case> {};

TEST_P(FoldedTables, CsvTotalsEqualTheExpandedOnesAndRowsShrink) {
  const std::string args = GetParam().args;
  auto folded = cli::RunCli(args + " --format csv");
  auto expanded = cli::RunCli(args + " --format csv --expand");
  ASSERT_EQ(folded.code, 0) << folded.out;
  ASSERT_EQ(expanded.code, 0) << expanded.out;
  auto f = Csv(folded.out);
  auto e = Csv(expanded.out);
  ASSERT_FALSE(f.empty());
  for (const Row& r : e) EXPECT_EQ(r.at("repeat"), "1") << r.at("path");
  EXPECT_EQ(f[0], e[0]) << "the totals row";

  std::vector<std::string> columns{"params", "macs", "flops"};
  for (const char* c : {"weight_bytes", "kv_cache_bytes", "backward_flops"})
    if (f[0].count(c)) columns.push_back(c);
  EXPECT_EQ(SumsOf(f, columns), SumsOf(e, columns));

  EXPECT_EQ(RowsStoodFor(f), e.size());
  EXPECT_GE(e.size(), GetParam().min_shrink * f.size()) << f.size() << " vs " << e.size();
}

TEST_P(FoldedTables, MarkdownAndHtmlListTheCsvRowsWithTheirCounts) {
  const std::string args = GetParam().args;
  auto csv = cli::RunCli(args + " --format csv");
  auto md = cli::RunCli(args + " --format markdown");
  auto html = cli::RunCli(args + " --format html");
  ASSERT_EQ(csv.code, 0) << csv.out;
  ASSERT_EQ(md.code, 0) << md.out;
  ASSERT_EQ(html.code, 0) << html.out;
  auto rows = Csv(csv.out);

  // Markdown: one table line per CSV row, with the same count (third cell).
  std::istringstream in(md.out.substr(md.out.find("## Modules")));
  std::string line;
  std::vector<std::string> counts;
  while (std::getline(in, line)) {
    if (line.rfind("| ", 0) != 0 || line.rfind("| Module ", 0) == 0) continue;
    std::vector<std::string> cells;
    std::istringstream c(line);
    std::string cell;
    while (std::getline(c, cell, '|')) cells.push_back(cell);
    ASSERT_GT(cells.size(), 3u) << line;
    counts.push_back(cells[3].substr(1, cells[3].size() - 2));
  }
  ASSERT_EQ(counts.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(counts[i], rows[i].at("repeat")) << i;

  // HTML: the embedded data has one entry per CSV row, and its repeat array the same counts.
  const std::string open = "id=\"calflops-data\">";
  size_t a = html.out.find(open);
  ASSERT_NE(a, std::string::npos);
  a += open.size();
  auto d = nlohmann::json::parse(html.out.substr(a, html.out.find("</script>", a) - a));
  ASSERT_EQ(d["parent"].size(), rows.size());
  ASSERT_TRUE(d.contains("repeat"));
  for (size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(d["repeat"][i].get<uint64_t>(), std::stoull(rows[i].at("repeat"))) << i;
}

INSTANTIATE_TEST_SUITE_P(
    Zoo, FoldedTables,
    testing::Values(
        // 32 decoder layers (31 + the last, whose activation peak differs): 455 rows become 35.
        Case{"llama-3-8b --seq-len 128", 10},
        // Experts of equal load built once, in 24 identical layers; memory and latency columns.
        Case{"qwen1.5-moe-a2.7b --seq-len 100 --hardware h100-sxm", 100},
        // First layer dense, the others MoE with MLA; generation.
        Case{"deepseek-v2-lite --mode generate --prompt-tokens 30 --max-new-tokens 5", 100},
        // Training: backward FLOPs and saved activations per module.
        Case{"mixtral-8x7b --mode train --seq-len 64", 20}));

TEST(FoldedTables, LlamaLayersFold) {
  auto csv = cli::RunCli("llama-3-8b --format csv");
  ASSERT_EQ(csv.code, 0) << csv.out;
  int64_t layers = 0;
  size_t layer_rows = 0;
  for (const Row& r : Csv(csv.out)) {
    if (r.at("class") != "LlamaDecoderLayer") continue;
    ++layer_rows;
    layers += std::stoll(r.at("repeat"));
    // One layer: q, k, v, o (4096 x 4096, 2 x 4096 x 1024, 4096 x 4096), three MLP matrices
    // (3 x 4096 x 14336) and two RMSNorm weights (2 x 4096).
    EXPECT_EQ(std::stoull(r.at("params")),
              2ull * 4096 * 4096 + 2ull * 4096 * 1024 + 3ull * 4096 * 14336 + 2ull * 4096);
  }
  EXPECT_EQ(layers, 32);
  // Layers 0-30, then layer 31 on its own: the activation peak of the last layer differs (the
  // memory estimate is per module), and entries fold only when every figure is equal.
  EXPECT_EQ(layer_rows, 2u);
}

TEST(FoldedTables, TopRanksSingleModulesOfMoeModels) {
  // --top needs every expert on its own (it used to fail on MoE models: the CLI built experts
  // once for the text report).
  auto r = cli::RunCli("qwen1.5-moe-a2.7b --top 3 --format csv");
  ASSERT_EQ(r.code, 0) << r.out;
  auto rows = Csv(r.out);
  ASSERT_EQ(rows.size(), 4u);  // the totals, then the 3 heaviest
  for (const Row& row : rows) EXPECT_EQ(row.at("repeat"), "1");
  auto text = cli::RunCli("qwen1.5-moe-a2.7b --top 3");
  EXPECT_EQ(text.code, 0) << text.out;
}

}  // namespace
}  // namespace calflops
