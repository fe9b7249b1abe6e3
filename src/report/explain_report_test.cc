// --explain output for Llama-3-8B's q_proj at 2,982 tokens: the line written out by hand
// (2982 x 4096 x 4096 = 50,029,658,112 MACs) in text, the same figures in JSON.
#include "report/explain_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "archs/arch_registry.h"
#include "load/model_source.h"
#include "report/format_registry.h"

namespace calflops {
namespace {

TEST(ExplainReport, QProjTextAndJson) {
  auto arch = BuildArchitecture(LoadModelConfig("llama-3-8b"), BuildOptions{});
  Workload w;
  w.seq_len = 2982;
  Profile p = Analyze(*arch, w, Convention::kAnalytic);
  ModuleId q = p.tree.Find("model.layers.0.self_attn.q_proj");
  Explanation e = Explain(*arch, w, Convention::kAnalytic, q);
  ReportModel r;
  r.model = "llama-3-8b";
  r.workload = w;
  r.profile = &p;
  r.explanation = &e;
  std::ostringstream text, json;
  FindReportFormat("text")->write(r, ReportOptions{}, text);
  FindReportFormat("json")->write(r, ReportOptions{}, json);
  const std::string t = text.str();
  EXPECT_NE(t.find("Explain: model.layers.0.self_attn.q_proj (Linear), convention analytic\n"),
            std::string::npos) << t;
  EXPECT_NE(t.find("Workload: mode forward, batch 1, tokens 2982 per sequence, dtype bfloat16"),
            std::string::npos);
  EXPECT_NE(t.find("  (self): Linear (1, 2982, 4096) x (4096, 4096) -> (1, 2982, 4096); 2982 rows "
                   "x 4096 in x 4096 out = 50,029,658,112 MACs, 100,059,316,224 FLOPs\n"),
            std::string::npos) << t;
  EXPECT_NE(t.find("Total over the workload: 50,029,658,112 MACs, 100,059,316,224 FLOPs\n"),
            std::string::npos);
  EXPECT_NE(t.find("Formulas (analytic):\n  Linear: "), std::string::npos);
  auto j = nlohmann::json::parse(json.str())["explain"];
  EXPECT_EQ(j["path"], "model.layers.0.self_attn.q_proj");
  ASSERT_EQ(j["calls"].size(), 1u);
  ASSERT_EQ(j["calls"][0]["ops"].size(), 1u);
  const auto& op = j["calls"][0]["ops"][0];
  EXPECT_EQ(op["op"], "Linear");
  EXPECT_EQ(op["inputs"], nlohmann::json::parse("[[1, 2982, 4096], [4096, 4096]]"));
  EXPECT_EQ(op["macs"], 50029658112ull);
  EXPECT_EQ(j["total"]["flops"], 100059316224ull);
  EXPECT_TRUE(j["formulas"].contains("Linear"));
}

}  // namespace
}  // namespace calflops
