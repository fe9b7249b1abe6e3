// --format markdown: escaping written out by hand on a hand-built tree; on Llama-3-8B the header
// states the workload and the published parameter count, and the module table has one row per
// module of the JSON report.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <sstream>

#include "cli_util.h"
#include "report/format_registry.h"

namespace calflops {
namespace {

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

/// Lines of the "## Modules" table after its two header lines.
std::vector<std::string> ModuleLines(const std::string& md) {
  std::vector<std::string> lines;
  size_t at = md.find("## Modules\n\n");
  if (at == std::string::npos) return lines;
  std::istringstream in(md.substr(at));
  std::string line;
  std::getline(in, line), std::getline(in, line), std::getline(in, line), std::getline(in, line);
  while (std::getline(in, line) && !line.empty() && line[0] == '|') lines.push_back(line);
  return lines;
}

TEST(MarkdownFormat, NamesCannotBreakTheTable) {
  Profile p;
  p.tree[0].class_name = "Net";
  p.tree.Add(0, "a|b", "<script>x</script>");
  p.stats = {ModuleStats{4, 0, 0}, ModuleStats{4, 0, 0}};
  p.uncosted.push_back({"Foo|Bar", 1, "no cost formula"});
  ReportModel r;
  r.model = "m_*x*.onnx";
  r.profile = &p;
  std::ostringstream out;
  FindReportFormat("markdown")->write(r, ReportOptions{}, out);
  const std::string md = out.str();
  EXPECT_TRUE(Has(md, "# calflops: m\\_\\*x\\*.onnx\n")) << md;
  EXPECT_TRUE(Has(md, "| a\\|b | &lt;script&gt;x&lt;/script&gt; | 1 | 4 | 100% |")) << md;
  EXPECT_FALSE(Has(md, "<script>"));
  EXPECT_TRUE(Has(md, "| Foo\\|Bar | 1 | no cost formula |")) << md;
  // Every table line has the same number of unescaped pipes as its header.
  auto lines = ModuleLines(md);
  ASSERT_EQ(lines.size(), 2u) << md;
  auto pipes = [](const std::string& l) {
    int n = 0;
    for (size_t i = 0; i < l.size(); ++i) n += l[i] == '|' && (i == 0 || l[i - 1] != '\\');
    return n;
  };
  EXPECT_EQ(pipes(lines[0]), 9);
  EXPECT_EQ(pipes(lines[1]), 9);
}

TEST(MarkdownFormat, Llama3HeaderAndModuleTable) {
  auto md = cli::RunCli("llama-3-8b --seq-len 128 --format markdown --expand");  // every module
  ASSERT_EQ(md.code, 0) << md.out;
  auto json = cli::RunCli("llama-3-8b --seq-len 128 --format json --expand");
  ASSERT_EQ(json.code, 0) << json.out;
  auto j = nlohmann::json::parse(json.out);
  const std::string& s = md.out;
  EXPECT_TRUE(Has(s, "| Model | LlamaForCausalLM |")) << s.substr(0, 800);
  EXPECT_TRUE(Has(s, "| mode | forward |"));
  EXPECT_TRUE(Has(s, "| batch | 1 |"));
  EXPECT_TRUE(Has(s, "| tokens | 128 per sequence |"));
  EXPECT_TRUE(Has(s, "| dtype | bfloat16 |"));
  EXPECT_TRUE(Has(s, "| convention | analytic |"));
  EXPECT_TRUE(Has(s, "| Params | 8.03 B (8,030,261,248) |")) << s.substr(0, 800);
  // Weights in bfloat16: 2 x 8,030,261,248 bytes = 14.96 GiB.
  EXPECT_TRUE(Has(s, "| Weights | 14.96 GiB (16,060,522,496) |")) << s.substr(0, 800);
  // FLOPs labelled as a count, never as a rate.
  EXPECT_FALSE(Has(s, "FLOPS"));

  size_t modules = 0;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& m) {
    ++modules;
    if (m.contains("children"))
      for (const auto& c : m["children"]) walk(c);
  };
  walk(j["modules"]);
  auto lines = ModuleLines(s);
  EXPECT_EQ(lines.size(), modules);
  // q_proj: 4096 x 4096 = 16,777,216 parameters (0.21% of the total).
  EXPECT_TRUE(Has(s, "| model.layers.0.self\\_attn.q\\_proj | Linear | 1 | 16.78 M | 0.21% |"))
      << s;
}

TEST(MarkdownFormat, GenerateStatesPromptAndNewTokens) {
  auto md = cli::RunCli(
      "llama-3-8b --mode generate --prompt-tokens 100 --max-new-tokens 20 --batch-size 2 "
      "--format markdown --no-detail");
  ASSERT_EQ(md.code, 0) << md.out;
  EXPECT_TRUE(Has(md.out, "| mode | generate |")) << md.out;
  EXPECT_TRUE(Has(md.out, "| batch | 2 |"));
  EXPECT_TRUE(Has(md.out, "| tokens | 100 prompt + 20 new per sequence |"));
  // The peak is the prefill (its activations outweigh 19 more tokens of cache): K and V x 32
  // layers x 8 KV heads x 128 x 100 tokens x batch 2 x 2 bytes = 26,214,400 bytes.
  EXPECT_TRUE(Has(md.out, "| Peak memory (prefill) |")) << md.out;
  EXPECT_TRUE(Has(md.out, "| KV cache at the peak (100 tokens) | 25.00 MiB (26,214,400) |"))
      << md.out;
  EXPECT_FALSE(Has(md.out, "## Modules"));  // --no-detail
}

}  // namespace
}  // namespace calflops
